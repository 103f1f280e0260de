"""Typed integer atomics: Go's fixed-width wrap-around, range and type checks."""

import threading

import pytest

from gostd.sync.atomic import Bool, Int32, Int64, Uint32, Uint64, Uintptr

INT_TYPES = [
    (Int32, -(2**31), 2**31 - 1),
    (Int64, -(2**63), 2**63 - 1),
    (Uint32, 0, 2**32 - 1),
    (Uint64, 0, 2**64 - 1),
    (Uintptr, 0, 2**64 - 1),
]
IDS = [t.__name__ for t, _, _ in INT_TYPES]


def run_threads(target, n, timeout=30.0):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "worker did not finish in time"


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_zero_value_and_constructor(tp, lo, hi):
    assert tp().load() == 0
    assert tp(hi).load() == hi
    assert tp(lo).load() == lo
    assert tp(value=7).load() == 7


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_store_swap_cas(tp, lo, hi):
    a = tp()
    assert a.store(5) is None
    assert a.load() == 5
    assert a.swap(hi) == 5
    assert a.load() == hi
    assert a.compare_and_swap(4, 6) is False
    assert a.load() == hi
    assert a.compare_and_swap(hi, lo) is True
    assert a.load() == lo


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_add_wraps_around(tp, lo, hi):
    width = 2 ** (hi - lo).bit_length()
    a = tp(hi)
    assert a.add(1) == lo
    assert a.add(-1) == hi
    a.store(lo)
    assert a.add(-1) == hi
    # Any delta is reduced modulo 2**width.
    a.store(0)
    assert a.add(width + 3) == 3
    assert a.add(-(width * 5) - 3) == 0
    assert a.add(10**40) == (10**40 % width if lo == 0 else
                             (10**40 + 2**(width.bit_length() - 2)) % width - 2**(width.bit_length() - 2))


def test_go_idioms():
    assert Int32(2**31 - 1).add(1) == -(2**31)
    assert Uint32(0).add(-1) == 2**32 - 1  # AddUint32(&x, ^uint32(0))
    x = Uint32(10)
    assert x.add(-3) == 7  # AddUint32(&x, ^uint32(c-1)) subtracts c
    assert Uint64(0).add(-1) == 2**64 - 1
    assert Int64(-(2**63)).add(-1) == 2**63 - 1


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_out_of_range_raises_overflow(tp, lo, hi):
    a = tp(1)
    for bad in (hi + 1, lo - 1, 2**100, -(2**100)):
        with pytest.raises(OverflowError):
            a.store(bad)
        with pytest.raises(OverflowError):
            a.swap(bad)
        with pytest.raises(OverflowError):
            a.compare_and_swap(1, bad)
        with pytest.raises(OverflowError):
            a.and_(bad)
        with pytest.raises(OverflowError):
            tp(bad)
        assert a.load() == 1
    # An old value that cannot be stored can never match: also refused.
    with pytest.raises(OverflowError):
        a.compare_and_swap(hi + 1, 0)


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_non_int_raises_type_error(tp, lo, hi):
    a = tp(3)
    for bad in (1.0, "1", None, True, False, [1]):
        with pytest.raises(TypeError):
            a.store(bad)
        with pytest.raises(TypeError):
            a.add(bad)
        with pytest.raises(TypeError):
            a.swap(bad)
        with pytest.raises(TypeError):
            a.compare_and_swap(3, bad)
        with pytest.raises(TypeError):
            tp(bad)
    assert a.load() == 3


def test_index_objects_are_ints():
    class Idx:
        def __index__(self):
            return 42

    a = Int64(Idx())
    assert a.load() == 42
    assert a.add(Idx()) == 84


@pytest.mark.parametrize("tp,lo,hi", INT_TYPES, ids=IDS)
def test_and_or_return_old(tp, lo, hi):
    a = tp(0b1100)
    assert a.and_(0b1010) == 0b1100
    assert a.load() == 0b1000
    assert a.or_(0b0011) == 0b1000
    assert a.load() == 0b1011


def test_signed_masks():
    a = Int32(-1)
    assert a.and_(0x7FFFFFFF) == -1
    assert a.load() == 0x7FFFFFFF
    assert a.or_(-(2**31)) == 0x7FFFFFFF
    assert a.load() == -1


def test_repr():
    assert repr(Int32(-5)) == "Int32(-5)"
    assert repr(Uint64(2**64 - 1)) == f"Uint64({2**64 - 1})"
    assert repr(Bool(True)) == "Bool(True)"


def test_not_subclassable_and_no_len():
    with pytest.raises(TypeError):
        type("Sub", (Int32,), {})


def test_bool():
    b = Bool()
    assert b.load() is False
    b.store(True)
    assert b.load() is True
    assert b.swap(False) is True
    assert b.compare_and_swap(True, False) is False
    assert b.compare_and_swap(False, True) is True
    assert b.load() is True
    for bad in (1, 0, None, "x"):
        with pytest.raises(TypeError):
            b.store(bad)
        with pytest.raises(TypeError):
            Bool(bad)
    assert b.load() is True


def test_thousand_goroutines_add_one():
    # The article: 1000 goroutines AddInt32(&n, 1), then LoadInt32 prints 1000.
    n = Int32()
    run_threads(lambda i: n.add(1), 1000)
    assert n.load() == 1000


def test_cas_retry_loop_loses_nothing():
    # The article's addValue: load, then CAS old -> old + delta until it succeeds.
    v = Int64()
    threads, rounds = 8, 3000

    def add_value(delta):
        while True:
            old = v.load()
            if v.compare_and_swap(old, old + delta):
                return

    run_threads(lambda i: [add_value(1) for _ in range(rounds)], threads)
    assert v.load() == threads * rounds


def test_concurrent_add_wraps_exactly():
    u = Uint32(2**32 - 1000)
    run_threads(lambda i: [u.add(1) for _ in range(500)], 4)
    assert u.load() == 1000


def test_concurrent_and_or_bits():
    # Each thread owns one bit and toggles it on and off; all end set.
    u = Uint64()

    def worker(i):
        bit = 1 << i
        for _ in range(2000):
            u.or_(bit)
            u.and_(~bit & (2**64 - 1))
        u.or_(bit)

    run_threads(worker, 8)
    assert u.load() == 0xFF


@pytest.mark.parametrize("tp", [Int32, Int64, Uint32, Uint64, Uintptr, Bool])
def test_copy_and_pickle_refused(tp):
    import copy
    import pickle

    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="Go forbids copying"):
            fn(tp())
