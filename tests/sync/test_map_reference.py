"""Differential test: random operation sequences on sync.Map against a
reference model (a dict under a lock), as Go's map_reference_test.go does,
checking every return value."""

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from gostd.sync import Map


class RefMap:
    """Go's RWMutexMap in spirit: the obvious implementation under a lock."""

    def __init__(self):
        self.mu = threading.Lock()
        self.d = {}

    def load(self, k):
        with self.mu:
            return (self.d[k], True) if k in self.d else (None, False)

    def store(self, k, v):
        with self.mu:
            self.d[k] = v

    def load_or_store(self, k, v):
        with self.mu:
            if k in self.d:
                return self.d[k], True
            self.d[k] = v
            return v, False

    def load_and_delete(self, k):
        with self.mu:
            if k in self.d:
                return self.d.pop(k), True
            return None, False

    def delete(self, k):
        with self.mu:
            self.d.pop(k, None)

    def swap(self, k, v):
        with self.mu:
            prev = self.d.get(k)
            loaded = k in self.d
            self.d[k] = v
            return prev, loaded

    def compare_and_swap(self, k, old, new):
        with self.mu:
            if k in self.d and self.d[k] == old:
                self.d[k] = new
                return True
            return False

    def compare_and_delete(self, k, old):
        with self.mu:
            if k in self.d and self.d[k] == old:
                del self.d[k]
                return True
            return False

    def clear(self):
        with self.mu:
            self.d.clear()

    def items(self):
        with self.mu:
            return dict(self.d)


keys = st.integers(0, 7) | st.sampled_from(["a", "b", "c", None, (1, 2)])
values = st.integers(-3, 3) | st.none() | st.sampled_from(["x", "y"])
ops = st.one_of(
    st.tuples(st.just("load"), keys),
    st.tuples(st.just("store"), keys, values),
    st.tuples(st.just("load_or_store"), keys, values),
    st.tuples(st.just("load_and_delete"), keys),
    st.tuples(st.just("delete"), keys),
    st.tuples(st.just("swap"), keys, values),
    st.tuples(st.just("compare_and_swap"), keys, values, values),
    st.tuples(st.just("compare_and_delete"), keys, values),
    st.tuples(st.just("clear")),
    st.tuples(st.just("contains"), keys),
    st.tuples(st.just("range"), st.integers(0, 10)),
    st.tuples(st.just("items")),
)


def apply(m, op):
    name, *args = op
    if name == "contains":
        return args[0] in m if isinstance(m, Map) else args[0] in m.d
    if name == "range":  # only on the Map; checked against the model below
        (limit,) = args
        seen = {}

        def f(k, v):
            assert k not in seen, "range visited a key twice"
            seen[k] = v
            return len(seen) < limit

        m.range(f)
        return seen
    if name == "items":
        return dict(m.items())
    return getattr(m, name)(*args)


@settings(max_examples=300, deadline=None)
@given(st.lists(ops, max_size=80))
def test_matches_reference(seq):
    m, ref = Map(), RefMap()
    for op in seq:
        got = apply(m, op)
        if op[0] == "range":
            # Range visits present keys once each, with their current values,
            # and stops right after f returns False.
            seen = got
            assert all(k in ref.d and ref.d[k] == v for k, v in seen.items())
            assert len(seen) == min(max(op[1], 1), len(ref.d))
            continue
        want = apply(ref, op)
        assert got == want, (op, got, want)
    assert dict(m.items()) == ref.items()
    assert sorted(map(repr, m)) == sorted(map(repr, ref.d))
    for k in list(ref.d):
        assert m.load(k) == (ref.d[k], True)
