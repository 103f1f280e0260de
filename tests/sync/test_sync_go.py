"""Once, OnceFunc/OnceValue(s), WaitGroup, Cond, Pool and Map against the scenarios
of Go's sync tests (once_test, oncefunc_test, waitgroup_test, cond_test,
pool_test, map_test), plus copy/pickle refusal."""

from __future__ import annotations

import copy
import gc
import pickle
import random
import threading
import time
import weakref

import pytest

from gostd import Chan, Panic, go, select
from gostd.sync import (Cond, Map, Mutex, Once, Pool, WaitGroup, once_func,
                        once_value, once_values)
from gostd_testutil import TIMEOUT, join

pytestmark = pytest.mark.timeout(60)


def recv(c: Chan, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    i, v = select(c.recv_ok, _after(timeout).recv)
    assert i == 0, "nothing arrived in time"
    return v[0]


def _after(d: float) -> Chan:
    from gostd.time import after
    return after(d)


# --- Once and the Once helpers -----------------------------------------------------

def test_once_panic_counts_as_done() -> None:
    # TestOncePanic.
    once = Once()
    with pytest.raises(RuntimeError, match="failed"):
        once.do(lambda: (_ for _ in ()).throw(RuntimeError("failed")))
    once.do(lambda: pytest.fail("Once.Do called twice"))


@pytest.mark.parametrize("make", ["func", "value", "values"])
def test_once_helpers_panic_every_call_f_called_once(make: str) -> None:
    # TestOnceFuncPanic / TestOnceValuePanic / TestOnceValuesPanic.
    calls = []

    def f():  # type: ignore[no-untyped-def]
        calls.append(1)
        raise ValueError("x")

    g = {"func": once_func, "value": once_value, "values": once_values}[make](f)
    seen = []
    for i in range(3):
        with pytest.raises(ValueError, match="^x$") as info:
            g()
        seen.append(info.value)
        # TestOnceFuncPanicTraceback: the first call's traceback reaches f.
        into_f = any(entry.name == "f" for entry in info.traceback)
        assert into_f == (i == 0), "only the first call runs f"
    assert len(calls) == 1
    # The same value every time: later calls share one traceback-free copy.
    assert seen[1] is seen[2]
    assert type(seen[0]) is type(seen[1]) and seen[0].args == seen[1].args


def test_once_helpers_concurrent_callers_share_one_call() -> None:
    calls = []
    gate = threading.Event()

    def f() -> tuple[int, str]:
        gate.wait(TIMEOUT)
        calls.append(1)
        return 7, "seven"

    g = once_values(f)
    results: list = []
    ths = [go(lambda: results.append(g())) for _ in range(8)]
    time.sleep(0.02)
    gate.set()
    join(*ths)
    assert calls == [1] and results == [(7, "seven")] * 8


def test_once_func_goexit_like_system_exit_called_once() -> None:
    # TestOnceFuncGoexit: f ends its goroutine; f still runs only once.
    calls = []

    def f() -> None:
        calls.append(1)
        raise SystemExit

    g = once_func(f)
    exits = []

    def call() -> None:
        try:
            g()
        except SystemExit:
            exits.append(1)  # would end the goroutine, as Goexit does

    for _ in range(2):
        join(go(call))
    assert exits == [1, 1]
    assert calls == [1]


class _Payload:
    pass


@pytest.mark.parametrize("panics", [False, True], ids=["returns", "panics"])
@pytest.mark.parametrize("make", ["func", "value", "values"])
def test_once_helpers_release_f_after_the_call(make: str, panics: bool) -> None:
    # TestOnceXGC, "OnceFunc" ... "OnceValues panic": what f holds, in its
    # closure or its frame, is garbage once f has been called -- also when
    # f raised, though its exception is kept to be raised again.
    buf = _Payload()
    ref = weakref.ref(buf)
    local_refs: list[weakref.ref] = []

    def build():  # type: ignore[no-untyped-def]
        b = buf

        def body():  # type: ignore[no-untyped-def]
            local = _Payload()          # held by f's frame while f runs
            local_refs.append(weakref.ref(local))
            if panics:
                raise ValueError("test panic")
            return id(b), 1

        if make == "func":
            return once_func(body)
        if make == "value":
            return once_value(body)
        return once_values(body)

    def call_recovering() -> None:
        try:
            g()
        except ValueError:
            assert panics

    g = build()
    del buf
    gc.collect()
    assert ref() is not None, "wrapped function garbage collected too early"
    call_recovering()
    gc.collect()
    assert ref() is None, "wrapped function should be garbage collected, but still live"
    assert local_refs[0]() is None, "f's frame kept alive"
    call_recovering()
    assert len(local_refs) == 1


# --- WaitGroup -----------------------------------------------------------------------

def _wait_group_round(wg1: WaitGroup, wg2: WaitGroup) -> None:
    n = 16
    wg1.add(n)
    wg2.add(n)
    exited: Chan[bool] = Chan(n)

    def worker() -> None:
        wg1.done()
        wg2.wait()
        exited.send(True)

    ths = [go(worker) for _ in range(n)]
    wg1.wait()
    for _ in range(n):
        assert select(exited.recv, default=True)[0] == -1, "WaitGroup released group too soon"
        wg2.done()
    for _ in range(n):
        recv(exited)
    join(*ths)


def test_wait_group() -> None:
    # TestWaitGroup: the same pair of groups reused as barriers.
    wg1, wg2 = WaitGroup(), WaitGroup()
    for _ in range(8):
        _wait_group_round(wg1, wg2)


def test_wait_group_misuse() -> None:
    # TestWaitGroupMisuse.
    wg = WaitGroup()
    wg.add(1)
    wg.done()
    with pytest.raises(Panic, match="^sync: negative WaitGroup counter$"):
        wg.done()
    with pytest.raises(Panic, match="^sync: negative WaitGroup counter$"):
        wg.add(-1)
    wg.wait()                                    # still usable, counter 0


def test_wait_group_race() -> None:
    # TestWaitGroupRace: no spurious wake-up from wait.
    for _ in range(200):
        wg = WaitGroup()
        n = [0]
        lock = threading.Lock()

        def inc() -> None:
            with lock:
                n[0] += 1
            wg.done()

        wg.add(1)
        go(inc)
        wg.add(1)
        go(inc)
        wg.wait()
        assert n[0] == 2, "Spurious wakeup from Wait"


# --- Cond -----------------------------------------------------------------------------

def test_cond_signal() -> None:
    # TestCondSignal: each signal wakes exactly one waiter.
    m = Mutex()
    c = Cond(m)
    n = 2
    running: Chan[bool] = Chan(n)
    awake: Chan[bool] = Chan(n)

    def waiter() -> None:
        m.lock()
        running.send(True)
        c.wait()
        awake.send(True)
        m.unlock()

    ths = [go(waiter) for _ in range(n)]
    for _ in range(n):
        recv(running)
    while n > 0:
        assert select(awake.recv, default=True)[0] == -1, "goroutine not asleep"
        m.lock()
        c.signal()
        m.unlock()
        recv(awake)
        assert select(awake.recv, default=True)[0] == -1, "too many goroutines awake"
        n -= 1
    c.signal()
    join(*ths)


def test_cond_signal_generations() -> None:
    # TestCondSignalGenerations: the longest waiter wakes first.
    m = Mutex()
    c = Cond(m)
    n = 40
    running: Chan[bool] = Chan(n)
    awake: Chan[int] = Chan(n)
    ths = []
    for i in range(n):
        def waiter(i: int = i) -> None:
            m.lock()
            running.send(True)
            c.wait()
            awake.send(i)
            m.unlock()

        ths.append(go(waiter))
        if i > 0:
            assert recv(awake) == i - 1, "wrong goroutine woke up"
        recv(running)
        with m:
            c.signal()
    assert recv(awake) == n - 1
    join(*ths)


def test_cond_broadcast() -> None:
    # TestCondBroadcast (n reduced): every waiter wakes exactly once per broadcast.
    m = Mutex()
    c = Cond(m)
    n = 30
    running: Chan[int] = Chan(n)
    awake: Chan[int] = Chan(n)
    state = {"exit": False}

    def waiter(g: int) -> None:
        m.lock()
        while not state["exit"]:
            running.send(g)
            c.wait()
            awake.send(g)
        m.unlock()

    ths = [go(waiter, g) for g in range(n)]
    for i in range(n):
        for _ in range(n):
            recv(running)
        if i == n - 1:
            with m:
                state["exit"] = True
        assert select(awake.recv, default=True)[0] == -1, "goroutine not asleep"
        with m:
            c.broadcast()
        seen = set()
        for _ in range(n):
            g = recv(awake)
            assert g not in seen, "goroutine woke up twice"
            seen.add(g)
    join(*ths)
    assert select(running.recv, default=True)[0] == -1, "goroutine did not exit"


def test_cond_race() -> None:
    # TestRace: signal hand-offs between three goroutines under the lock.
    for _ in range(20):
        c = Cond(Mutex())
        st = {"x": 0}
        errors: list[str] = []

        def g1() -> None:
            c.l.lock()
            st["x"] = 1
            c.wait()
            if st["x"] != 2:
                errors.append("want 2")
            st["x"] = 3
            c.signal()
            c.l.unlock()

        def g2() -> None:
            c.l.lock()
            while True:
                if st["x"] == 1:
                    st["x"] = 2
                    c.signal()
                    break
                c.l.unlock()
                time.sleep(0)
                c.l.lock()
            c.l.unlock()

        def g3() -> None:
            c.l.lock()
            while True:
                if st["x"] == 2:
                    c.wait()
                    if st["x"] != 3:
                        errors.append("want 3")
                    break
                if st["x"] == 3:
                    break
                c.l.unlock()
                time.sleep(0)
                c.l.lock()
            c.l.unlock()

        join(go(g1), go(g2), go(g3))
        assert errors == []


def test_cond_signal_stealing() -> None:
    # TestCondSignalStealing: a broadcast racing a new waiter still wakes the old one.
    for _ in range(200):
        m = Mutex()
        cond = Cond(m)
        ch: Chan[None] = Chan()

        def first() -> None:
            m.lock()
            ch.send(None)
            cond.wait()
            m.unlock()
            ch.send(None)

        t1 = go(first)
        recv(ch)
        m.lock()
        m.unlock()
        st = {"done": False}

        def second() -> None:
            m.lock()
            while not st["done"]:
                cond.wait()
            m.unlock()

        tb = go(cond.broadcast)
        t2 = go(second)
        i, _ = select(ch.recv, _after(2.0).recv)
        assert i == 0, "First waiter didn't get broadcast."
        with m:
            st["done"] = True
        cond.broadcast()
        join(t1, t2, tb)


# --- Pool ---------------------------------------------------------------------------

def test_pool_go_order_and_victim_cache() -> None:
    # TestPool.
    p: Pool[str] = Pool()
    assert p.get() is None
    p.put("a")
    p.put("b")
    assert p.get() == "a"
    assert p.get() == "b"
    assert p.get() is None
    for _ in range(100):
        p.put("c")
    gc.collect()                 # after one GC the victim cache keeps them
    assert p.get() == "c"
    gc.collect()                 # a second GC drops the victim cache
    assert p.get() is None


def test_pool_new() -> None:
    # TestPoolNew.
    i = [0]

    def new() -> int:
        i[0] += 1
        return i[0]

    p: Pool[int] = Pool(new=new)
    assert p.get() == 1
    assert p.get() == 2
    p.put(42)
    assert p.get() == 42
    assert p.get() == 3


def test_pool_release() -> None:
    # TestPoolRelease / TestPoolGC: pooled objects are freed after two full GCs.
    p: Pool[_Payload] = Pool()
    refs = []
    for _ in range(100):
        x = _Payload()
        refs.append(weakref.ref(x))
        p.put(x)
        del x
    gc.collect()
    gc.collect()
    gc.collect()
    assert sum(r() is not None for r in refs) == 0
    assert p.get() is None


def test_pool_stress() -> None:
    # TestPoolStress: each object is held by one goroutine at a time, none invented.
    p: Pool[list] = Pool()
    errors: list[str] = []
    made = [list() for _ in range(4)]

    def work() -> None:
        for _ in range(3000):
            v = p.get()
            if v is None:
                v = made[random.randrange(4)]
            elif not any(v is m for m in made):
                errors.append("invented object")
            p.put(v)

    join(*[go(work) for _ in range(6)])
    assert errors == []


# --- Map --------------------------------------------------------------------------

def test_map_range_nested_call() -> None:
    # TestMapRangeNestedCall (Go issue 46399): map methods inside range's callback.
    m: Map = Map()
    for i, v in enumerate(["hello", "world", "Go"]):
        m.store(i, v)

    def outer(key, value):  # type: ignore[no-untyped-def]
        def inner(k, v):  # type: ignore[no-untyped-def]
            assert m.load(k) == (v, True), "Nested Range loads unexpected value"
            assert m.load_or_store(42, "dummy")[1] is False
            m.store(42, "sync.Map")
            assert m.load_and_delete(42) == ("sync.Map", True)
            return True

        m.range(inner)
        m.delete(key)
        return True

    done = go(m.range, outer)
    join(done)                               # a deadlock fails here
    n = []
    m.range(lambda k, v: n.append(k) or True)
    assert n == []


def test_map_compare_and_swap_non_existing_key() -> None:
    m: Map = Map()
    assert m.compare_and_swap(m, None, 42) is False
    assert m.load(m) == (None, False)
    assert m.compare_and_delete(m, None) is False


def test_map_issue_40999_deleted_keys_are_not_leaked() -> None:
    # TestIssue40999: keys stored and deleted again are released.
    m: Map = Map()
    m.store(None, ())
    refs = []
    for _ in range(200):
        k = _Payload()
        refs.append(weakref.ref(k))
        m.store(k, ())
        m.delete(k)
        del k
        gc.collect(0)
        if any(r() is None for r in refs):
            return
    pytest.fail("deleted keys leaked")


def test_map_concurrent_range() -> None:
    # TestConcurrentRange: values stay multiples of their keys, no key twice, none missing.
    size = 256
    m: Map = Map()
    for n in range(1, size + 1):
        m.store(n, n)
    stop = threading.Event()

    def writer(g: int) -> None:
        r = random.Random(g)
        i = 0
        while not stop.is_set():
            for n in range(1, size):
                if r.randrange(size) == 0:
                    m.store(n, n * i * g)
                else:
                    m.load(n)
            i += 1

    ths = [go(writer, g) for g in (1, 2)]
    try:
        for _ in range(30):
            seen = set()

            def visit(k, v):  # type: ignore[no-untyped-def]
                assert v % k == 0, f"while Storing multiples of {k}, Range saw value {v}"
                assert k not in seen, f"Range visited key {k} twice"
                seen.add(k)
                return True

            m.range(visit)
            assert len(seen) == size
    finally:
        stop.set()
        join(*ths)


def test_map_clear_then_reuse() -> None:
    m: Map = Map()
    for i in range(100):
        m.store(i, i)
    m.clear()
    assert list(m.items()) == []
    m.clear()
    m.store(1, "one")
    assert m.load(1) == ("one", True) and list(m.items()) == [(1, "one")]


# --- copying is refused where Go forbids it -------------------------------------------

@pytest.mark.parametrize("make", [Once, WaitGroup, lambda: Cond(Mutex()), Pool, Map, Mutex])
def test_copy_and_pickle_refused(make) -> None:  # type: ignore[no-untyped-def]
    obj = make()
    for fn in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cop|pickl"):
            fn(obj)


def test_reprs() -> None:
    o = Once()
    assert "not done" in repr(o)
    o.do(lambda: None)
    assert "<Once done" in repr(o)
    m = Mutex()
    c = Cond(m)
    assert "waiters=0" in repr(c) and "Mutex" in repr(c)
    assert "counter=0" in repr(WaitGroup())
