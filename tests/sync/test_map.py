"""sync.Map: Go's method set and semantics, single-threaded."""

import gc
import sys
import tracemalloc
import weakref

import pytest

from gostd import Panic
from gostd.sync import Map


class Obj:
    pass


def test_zero_map_is_empty():
    m = Map()
    assert m.load("k") == (None, False)
    assert "k" not in m
    assert list(m) == []
    assert list(m.items()) == []
    assert m.load_and_delete("k") == (None, False)
    assert m.compare_and_swap("k", 1, 2) is False
    assert m.compare_and_delete("k", None) is False
    m.delete("k")
    m.clear()
    with pytest.raises(TypeError):
        Map({"a": 1})


def test_no_len():
    with pytest.raises(TypeError):
        len(Map())


def test_generic_alias():
    alias = Map[str, int]
    assert alias.__origin__ is Map
    assert alias.__args__ == (str, int)
    m = alias()
    m.store("a", 1)
    assert m.load("a") == (1, True)


def test_store_load_overwrite():
    m = Map()
    m.store("a", 1)
    assert m.load("a") == (1, True)
    m.store("a", 2)
    assert m.load("a") == (2, True)
    m.store("b", None)  # None is a value like any other
    assert m.load("b") == (None, True)
    assert "b" in m


def test_load_or_store():
    m = Map()
    assert m.load_or_store("a", 1) == (1, False)
    assert m.load_or_store("a", 2) == (1, True)
    m.delete("a")
    assert m.load_or_store("a", 3) == (3, False)
    # and once the map has been promoted (key in read)
    for _ in range(5):
        m.load("a")
    assert m.load_or_store("a", 4) == (3, True)


def test_load_and_delete_and_delete():
    m = Map()
    m.store("a", 1)
    assert m.load_and_delete("a") == (1, True)
    assert m.load_and_delete("a") == (None, False)
    m.store("b", 2)
    m.delete("b")
    assert m.load("b") == (None, False)


def test_swap():
    m = Map()
    assert m.swap("a", 1) == (None, False)
    assert m.swap("a", 2) == (1, True)
    m.delete("a")
    assert m.swap("a", 3) == (None, False)
    assert m.load("a") == (3, True)


def test_compare_and_swap_and_delete():
    m = Map()
    m.store("a", 1)
    assert m.compare_and_swap("a", 2, 3) is False
    assert m.compare_and_swap("a", 1, 3) is True
    assert m.load("a") == (3, True)
    assert m.compare_and_swap("a", 3.0, 4) is True  # == comparison, as Go's
    assert m.compare_and_delete("a", 5) is False
    assert m.compare_and_delete("a", 4) is True
    assert m.load("a") == (None, False)
    assert m.compare_and_swap("a", None, 1) is False  # absent key never matches
    assert m.compare_and_delete("a", None) is False


def test_paths_through_read_dirty_promotion_and_expunge():
    # Drive keys through every state: dirty only, promoted to read, deleted
    # (nil), expunged by the next dirty copy, and revived.
    m = Map()
    for i in range(10):
        m.store(i, i)
    for _ in range(20):  # misses promote dirty to read
        m.load(-1)
    for i in range(10):
        assert m.load(i) == (i, True)
    for i in range(0, 10, 2):
        m.delete(i)  # entries in read become nil
    m.store("new", 0)  # dirtyLocked: nil entries become expunged
    for i in range(0, 10, 2):
        assert m.load(i) == (None, False)
        assert m.compare_and_swap(i, None, 1) is False
    m.store(0, "revived")  # unexpunge
    assert m.load_or_store(2, "also") == ("also", False)  # unexpunge via load_or_store
    assert m.swap(4, "swapped") == (None, False)
    for _ in range(30):
        m.load(-1)
    assert dict(m.items()) == {0: "revived", 1: 1, 2: "also", 3: 3, 4: "swapped",
                               5: 5, 7: 7, 9: 9, "new": 0}


def test_range_and_stop():
    m = Map()
    for i in range(10):
        m.store(i, i * i)
    seen = {}

    def f(k, v):
        seen[k] = v
        return True

    assert m.range(f) is None
    assert seen == {i: i * i for i in range(10)}

    calls = []
    m.range(lambda k, v: calls.append(k) or len(calls) < 3)
    assert len(calls) == 3

    # None (no return) continues, as documented
    calls.clear()
    m.range(lambda k, v: calls.append(k))
    assert len(calls) == 10

    calls.clear()
    m.range(lambda k, v: calls.append(k) or 0)  # any false value stops
    assert len(calls) == 1


def test_range_callback_may_use_map_and_exceptions_propagate():
    m = Map()
    for i in range(5):
        m.store(i, i)

    def f(k, v):
        m.delete(k)
        m.store(("copy", k), v)
        return True

    m.range(f)
    assert sorted(m.keys(), key=repr) == sorted([("copy", i) for i in range(5)], key=repr)

    def boom(k, v):
        raise KeyError("stop")

    with pytest.raises(KeyError):
        m.range(boom)
    with pytest.raises(TypeError):
        m.range(42)


def test_iteration_forms():
    m = Map()
    m.store("a", 1)
    m.store("b", 2)
    assert sorted(m) == ["a", "b"]
    assert sorted(m.keys()) == ["a", "b"]
    assert sorted(m.values()) == [1, 2]
    assert sorted(m.items()) == [("a", 1), ("b", 2)]
    it = iter(m.items())
    assert iter(it) is it


def test_iteration_reflects_deletes_during_iteration():
    m = Map()
    for i in range(100):
        m.store(i, i)
    out = []
    for k in m:
        out.append(k)
        m.delete(k + 1)  # a key deleted before it is reached is not visited
        m.store(1000 + k, k)  # new keys may or may not be seen; never an error
    assert len(out) == len(set(out))
    assert 0 in out
    assert not any(k in out for k in range(1, 100) if k - 1 in out and k < 100)


def test_clear():
    m = Map()
    for i in range(10):
        m.store(i, i)
    for _ in range(20):
        m.load(-1)
    m.store("x", 1)
    m.clear()
    assert list(m.items()) == []
    assert m.load(1) == (None, False)
    m.store(1, "again")
    assert m.load(1) == ("again", True)
    assert list(m.items()) == [(1, "again")]


def test_unhashable_key():
    m = Map()
    with pytest.raises(TypeError):
        m.store([1], 1)
    with pytest.raises(TypeError):
        m.load({})
    with pytest.raises(TypeError):
        [] in m


class RaisingKey:
    """Hash/eq raise on demand; equal by `.id`."""

    fail_hash = False
    fail_eq = False

    def __init__(self, id):
        self.id = id

    def __hash__(self):
        if RaisingKey.fail_hash:
            raise ValueError("hash failed")
        return 7  # all collide, so __eq__ runs on every lookup

    def __eq__(self, other):
        if RaisingKey.fail_eq:
            raise ArithmeticError("eq failed")
        return isinstance(other, RaisingKey) and other.id == self.id


@pytest.fixture
def raising():
    yield RaisingKey
    RaisingKey.fail_hash = RaisingKey.fail_eq = False


@pytest.mark.parametrize("promoted", [False, True])
def test_raising_hash_and_eq_propagate_and_leave_map_consistent(raising, promoted):
    m = Map()
    keys = [raising(i) for i in range(6)]
    for k in keys:
        m.store(k, k.id)
    if promoted:
        for _ in range(20):
            m.load(raising(99))
    ops = [
        lambda k: m.load(k),
        lambda k: m.store(k, "x"),
        lambda k: m.load_or_store(k, "x"),
        lambda k: m.load_and_delete(k),
        lambda k: m.delete(k),
        lambda k: m.swap(k, "x"),
        lambda k: m.compare_and_swap(k, 0, "x"),
        lambda k: m.compare_and_delete(k, 0),
        lambda k: k in m,
    ]
    for flag, exc in (("fail_hash", ValueError), ("fail_eq", ArithmeticError)):
        for op in ops:
            for probe in (raising(2), raising(42)):
                setattr(raising, flag, True)
                try:
                    with pytest.raises(exc):
                        op(probe)
                finally:
                    setattr(raising, flag, False)
    # Nothing changed, and the map still works.
    assert sorted((k.id, v) for k, v in m.items()) == [(i, i) for i in range(6)]
    m.store(raising(2), "two")
    assert m.load(raising(2)) == ("two", True)
    assert m.load_and_delete(raising(3)) == (3, True)
    m.store(raising(42), 42)
    assert sorted(k.id for k in m) == [0, 1, 2, 4, 5, 42]


def test_value_eq_raising_propagates():
    class BadValue:
        def __eq__(self, other):
            raise ValueError("value eq")

        __hash__ = object.__hash__

    m = Map()
    bad = BadValue()
    m.store("k", bad)
    with pytest.raises(ValueError):
        m.compare_and_swap("k", 1, 2)
    with pytest.raises(ValueError):
        m.compare_and_delete("k", 1)
    assert m.load("k") == (bad, True)
    # Go's == has no identity shortcut (NaN != NaN; comparing an uncomparable
    # value panics even against itself), so neither has ours.
    with pytest.raises(ValueError):
        m.compare_and_swap("k", bad, 2)
    assert m.load("k") == (bad, True)


def test_reentrant_key_eq_panics_instead_of_deadlocking():
    m = Map()

    class Sneaky:
        armed = False

        def __hash__(self):
            return 1

        def __eq__(self, other):
            if Sneaky.armed:
                Sneaky.armed = False
                m.store("inner", 1)  # re-enters the map while it holds its lock
            return self is other

    a, b = Sneaky(), Sneaky()
    m.store(a, 1)  # a new key: lands in dirty, read is amended
    Sneaky.armed = True
    # b collides with a in dirty; the lookup runs under the lock.
    with pytest.raises(Panic, match="Map"):
        m.store(b, 2)
    # The map is usable afterwards and holds what it held.
    assert m.load(a) == (1, True)
    m.store("after", 3)
    assert m.load("after") == (3, True)


def test_store_references_released():
    m = Map()
    v = Obj()
    base = sys.getrefcount(v)
    m.store("k", v)
    assert sys.getrefcount(v) == base + 1
    for _ in range(100):
        m.load("k")
        m.load_or_store("k", v)
        m.compare_and_swap("k", v, v)
        m.swap("k", v)
    assert sys.getrefcount(v) == base + 1
    m.store("k", 1)  # overwrite
    assert sys.getrefcount(v) == base
    m.store("k", v)
    m.delete("k")
    assert sys.getrefcount(v) == base
    m.store("k", v)
    assert m.load_and_delete("k") == (v, True)
    assert sys.getrefcount(v) == base
    m.store("k", v)
    m.compare_and_delete("k", v)
    assert sys.getrefcount(v) == base
    for i in range(50):
        m.store(i, v)
    m.clear()
    gc.collect()
    assert sys.getrefcount(v) == base
    for i in range(50):
        m.store(i, v)
    del m
    gc.collect()
    assert sys.getrefcount(v) == base


def test_keys_released():
    m = Map()
    k = Obj()
    m.store(k, 1)
    for _ in range(10):
        m.load(Obj())  # promote
    m.delete(k)
    m.store("other", 2)  # expunge k's entry out of dirty
    for _ in range(10):
        m.load(Obj())  # promote again: k leaves read
    r = weakref.ref(k)
    del k
    gc.collect()
    assert r() is None


def test_cycle_through_map_is_collected():
    m = Map()
    o = Obj()
    o.m = m
    m.store("self", o)
    m.store(o, m)
    r = weakref.ref(o)
    del o, m
    gc.collect()
    assert r() is None


def test_memory_bounded_over_repeated_operations():
    m = Map()

    def churn(n):
        for i in range(n):
            k = i % 64
            m.store(k, str(i))
            m.load(k)
            m.load_or_store(k + 1000, i)
            m.swap(k, i)
            m.compare_and_swap(k, i, -i)
            m.compare_and_delete(k + 1000, i)
            m.load_and_delete(k)
            if i % 500 == 0:
                m.clear()
                list(m.items())

    churn(5000)  # warm up caches and free lists
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        churn(20000)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 64 * 1024, after - before


def test_copy_and_pickle_refused():
    import copy
    import pickle

    m = Map()
    m.store("a", 1)
    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="Go forbids copying"):
            fn(m)


def test_dropped_values_del_may_use_the_map():
    # References the map drops (overwritten, deleted, cleared values) are
    # released after its lock, so a __del__ that uses the map just works.
    m = Map()
    log = []

    class Noisy:
        def __init__(self, n):
            self.n = n

        def __del__(self):
            m.store(("freed", self.n), True)
            log.append(self.n)

    m.store("k", Noisy(1))
    m.store("k", Noisy(2))  # drops 1
    m.delete("k")  # drops 2
    assert m.load(("freed", 1)) == (True, True)
    assert m.load(("freed", 2)) == (True, True)
    for i in range(3, 6):
        m.store(i, Noisy(i))
    m.clear()  # drops 3, 4, 5 (and the two marks above)
    gc.collect()
    assert sorted(log) == [1, 2, 3, 4, 5]
    assert sorted(k[1] for k in m.keys()) == [3, 4, 5]


@pytest.mark.parametrize("write", ["store", "swap", "load_or_store"])
def test_finalizer_writes_while_the_map_holds_its_lock_are_not_lost(write, monkeypatch):
    # Issue 14: the collector can run inside any allocation (3.10/3.11 collect
    # right there), and the finalizers of unrelated cyclic garbage it runs
    # may write to this very Map.  If that happens while this thread holds
    # the Map's lock, the write would be re-entry (Panic) and lost; so the
    # Map allocates nothing with its lock held.  New keys, clears and
    # deletions keep the writes on the locked paths (new entries, a fresh
    # dirty map, expunging).
    m = Map()
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(u.exc_value))

    class Garbage:
        def __init__(self, i):
            self.i = i
            self.me = self  # a cycle: only the collector frees it

        def __del__(self):
            m.store(("fin", self.i), self.i)
            stored.append((self.i, clears))

    stored: list = []   # (i, clears before the finalizer's store)
    clears = 0
    op = getattr(m, write)
    n = 3000
    threshold = gc.get_threshold()
    gc.set_threshold(3)  # collect every few allocations
    try:
        for i in range(n):
            Garbage(i)
            op(i, i)
            if i % 50 == 0:
                m.clear()
                clears += 1
            elif i % 7 == 0:
                m.delete(i - 3)
    finally:
        gc.set_threshold(*threshold)
    gc.collect()
    assert unraisable == []
    assert sorted(i for i, _ in stored) == list(range(n))
    since_last_clear = [i for i, c in stored if c == clears]
    assert since_last_clear
    assert [i for i in since_last_clear if m.load(("fin", i)) != (i, True)] == []
