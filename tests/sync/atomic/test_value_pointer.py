"""atomic.Value and atomic.Pointer: Go's panics, identity, references."""

import gc
import sys
import threading

import pytest

from gostd import Panic
from gostd.sync.atomic import Pointer, Value


def run_threads(target, n, timeout=30.0):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "worker did not finish in time"


class Obj:
    pass


def test_value_empty_load_is_none():
    v = Value()
    assert v.load() is None
    assert repr(v) == "Value()"
    with pytest.raises(TypeError):
        Value(1)


def test_value_store_load_swap():
    v = Value()
    v.store(1)
    assert v.load() == 1
    assert v.swap(2) == 1
    assert v.load() == 2
    assert repr(v) == "Value(2)"
    assert Value().swap("x") is None


def test_value_panics_with_go_messages():
    v = Value()
    with pytest.raises(Panic, match=r"^sync/atomic: store of nil value into Value$"):
        v.store(None)
    with pytest.raises(Panic, match=r"^sync/atomic: swap of nil value into Value$"):
        v.swap(None)
    with pytest.raises(Panic, match=r"^sync/atomic: compare and swap of nil value into Value$"):
        v.compare_and_swap(None, None)
    with pytest.raises(Panic, match=r"^sync/atomic: compare and swap of inconsistently typed values$"):
        v.compare_and_swap("", True)
    v.store(1)
    with pytest.raises(Panic, match=r"^sync/atomic: store of inconsistently typed value into Value$"):
        v.store("1")
    with pytest.raises(Panic, match=r"^sync/atomic: swap of inconsistently typed value into Value$"):
        v.swap(1.0)
    with pytest.raises(Panic, match=r"^sync/atomic: compare and swap of inconsistently typed value into Value$"):
        v.compare_and_swap(None, "x")
    # bool is a different type from int, as Go's bool and int are.
    with pytest.raises(Panic):
        v.store(True)
    assert v.load() == 1
    assert isinstance(Panic("x"), RuntimeError)


def test_value_compare_and_swap_table():
    # Go's Value_CompareAndSwapTests, translated.
    v = Value()
    assert v.compare_and_swap(True, True) is False  # empty, old not nil
    assert v.load() is None
    assert v.compare_and_swap(None, True) is True  # empty, old nil
    assert v.load() is True
    assert v.compare_and_swap(False, True) is False
    assert v.compare_and_swap(True, False) is True
    assert v.load() is False
    assert v.compare_and_swap(None, True) is False  # non-empty never equals nil


def test_value_compare_and_swap_uses_equality():
    v = Value()
    v.store((1, 2))
    assert v.compare_and_swap((1, 2), (3, 4)) is True  # equal, not identical
    assert v.load() == (3, 4)


def test_value_compare_and_swap_eq_raising_propagates():
    class Bad:
        def __eq__(self, other):
            raise ValueError("no eq")

        __hash__ = object.__hash__

    v = Value()
    a = Bad()
    v.store(a)
    with pytest.raises(ValueError, match="no eq"):
        v.compare_and_swap(Bad(), Bad())
    assert v.load() is a


def test_pointer_identity():
    a, b = Obj(), Obj()
    p = Pointer()
    assert p.load() is None
    assert repr(p) == "Pointer()"
    p.store(a)
    assert p.load() is a
    assert p.compare_and_swap(b, a) is False
    assert p.compare_and_swap(a, b) is True
    assert p.load() is b
    assert p.swap(None) is b
    assert p.load() is None
    assert p.compare_and_swap(None, a) is True
    assert Pointer(a).load() is a
    # Equal but not identical objects do not match.
    p = Pointer([1])
    assert p.compare_and_swap([1], [2]) is False


def test_pointer_generic_alias():
    assert Pointer[int].__origin__ is Pointer
    assert isinstance(Pointer[int](), Pointer)


@pytest.mark.parametrize("cls", [Pointer, Value])
def test_references_are_released(cls):
    x = Obj()
    base = sys.getrefcount(x)
    holder = cls()
    holder.store(x)
    assert sys.getrefcount(x) == base + 1
    for _ in range(1000):
        holder.load()
        holder.swap(x)
        holder.compare_and_swap(x, x)
    assert sys.getrefcount(x) == base + 1
    holder.store(Obj())
    assert sys.getrefcount(x) == base
    holder.store(x)
    del holder
    gc.collect()
    assert sys.getrefcount(x) == base


def test_cycle_is_collected():
    import weakref

    p = Pointer()
    o = Obj()
    o.p = p
    p.store(o)
    r = weakref.ref(o)
    del o, p
    gc.collect()
    assert r() is None


@pytest.mark.parametrize("cls", [Pointer, Value])
def test_concurrent_swaps_never_lose_or_duplicate(cls):
    # Each thread swaps its own tokens in; every token ever stored comes out
    # exactly once (by a swap or the final load).
    holder = cls()
    holder.store((-1, 0))
    seen = []
    lock = threading.Lock()

    def worker(i):
        got = []
        for j in range(2000):
            got.append(holder.swap((i, j)))
        with lock:
            seen.extend(got)

    run_threads(worker, 4)
    seen.append(holder.load())
    assert sorted(seen) == sorted([(-1, 0)] + [(i, j) for i in range(4) for j in range(2000)])


def test_value_cas_counter_under_contention():
    v = Value()
    v.store(0)

    def worker(i):
        for _ in range(2000):
            while True:
                old = v.load()
                if v.compare_and_swap(old, old + 1):
                    break

    run_threads(worker, 4)
    assert v.load() == 8000


@pytest.mark.parametrize("make", [Pointer, Value])
def test_copy_and_pickle_refused(make):
    import copy
    import pickle

    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="Go forbids copying"):
            fn(make())
