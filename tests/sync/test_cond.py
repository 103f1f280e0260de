"""sync.Cond: wait/signal/broadcast over a Locker, no lost wake-ups."""

from __future__ import annotations

import collections
import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import Cond, Mutex, RWMutex
from gostd_testutil import TIMEOUT, interrupt_main_when, join, wait_until

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_l_is_the_locker() -> None:
    m = Mutex()
    assert Cond(m).l is m


def test_rejects_non_locker() -> None:
    with pytest.raises(TypeError, match="Locker"):
        Cond(object())


def test_wait_releases_and_reacquires_lock() -> None:
    m = Mutex()
    c = Cond(m)
    state = {"ready": False, "held_after_wait": None}

    def waiter() -> None:
        with m:
            while not state["ready"]:
                c.wait()
            state["held_after_wait"] = not m.try_lock()

    t = go(waiter)
    wait_until(lambda: len(c._waiters) == 1)
    assert m.try_lock()           # wait() released the lock
    state["ready"] = True
    c.signal()
    m.unlock()
    join(t)
    assert state["held_after_wait"] is True


def test_signal_with_no_waiters_is_not_remembered() -> None:
    m = Mutex()
    c = Cond(m)
    c.signal()
    c.broadcast()
    woke = threading.Event()

    def waiter() -> None:
        with m:
            c.wait()
        woke.set()

    t = go(waiter)
    assert not woke.wait(0.1)
    wait_until(lambda: len(c._waiters) == 1)
    c.signal()
    assert woke.wait(TIMEOUT)
    join(t)


def test_signal_wakes_one_in_fifo_order() -> None:
    m = Mutex()
    c = Cond(m)
    order: list[int] = []

    def waiter(i: int) -> None:
        with m:
            c.wait()
            order.append(i)

    ts = []
    for i in range(4):
        ts.append(go(waiter, i))
        wait_until(lambda: len(c._waiters) == i + 1)
    c.signal()
    wait_until(lambda: len(order) == 1)
    time.sleep(0.05)
    assert order == [0]
    for k in range(3):
        c.signal()
        wait_until(lambda: len(order) == k + 2)
    join(*ts)
    assert order == [0, 1, 2, 3]


def test_broadcast_wakes_all() -> None:
    m = Mutex()
    c = Cond(m)
    go_ = [False]
    woke: list[int] = []

    def waiter(i: int) -> None:
        with m:
            while not go_[0]:
                c.wait()
            woke.append(i)

    ts = [go(waiter, i) for i in range(8)]
    wait_until(lambda: len(c._waiters) == 8)
    with m:
        go_[0] = True
        c.broadcast()
    join(*ts)
    assert sorted(woke) == list(range(8))


def test_wait_without_lock_panics_and_leaves_no_waiter() -> None:
    c = Cond(Mutex())
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        c.wait()
    assert len(c._waiters) == 0


def test_works_with_threading_lock_and_rlocker() -> None:
    for locker in (threading.Lock(), RWMutex().r_locker()):
        c = Cond(locker)
        flag = [False]
        lock = getattr(locker, "lock", None) or locker.acquire
        unlock = getattr(locker, "unlock", None) or locker.release

        def waiter() -> None:
            lock()
            while not flag[0]:
                c.wait()
            unlock()

        t = go(waiter)
        wait_until(lambda: len(c._waiters) == 1)
        lock()
        flag[0] = True
        c.signal()
        unlock()
        join(t)


def test_bounded_queue_no_lost_wakeups_stress() -> None:
    # A classic producer/consumer over Cond with a size bound; everything arrives once.
    m = Mutex()
    not_empty, not_full = Cond(m), Cond(m)
    q: collections.deque[int] = collections.deque()
    cap, producers, per = 4, 4, 500
    got: list[int] = []
    done = [0]

    def produce(k: int) -> None:
        for i in range(per):
            with m:
                while len(q) >= cap:
                    not_full.wait()
                q.append(k * per + i)
                not_empty.signal()

    def consume() -> None:
        while True:
            with m:
                while not q and done[0] < producers * per:
                    not_empty.wait()
                if not q:
                    not_empty.broadcast()
                    return
                got.append(q.popleft())
                done[0] += 1
                if done[0] == producers * per:
                    not_empty.broadcast()
                not_full.signal()

    cs = [go(consume) for _ in range(3)]
    ps = [go(produce, k) for k in range(producers)]
    join(*ps, *cs, timeout=30)
    assert sorted(got) == list(range(producers * per))


def test_interrupted_wait_relocks_and_loses_no_signal() -> None:
    m = Mutex()
    c = Cond(m)
    m.lock()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: len(c._waiters) == 1 and not m._state()["locked"])
        c.wait()
    assert not m.try_lock()          # wait raised with l held again
    m.unlock()
    join(t)
    assert len(c._waiters) == 0
    # A later signal reaches a live waiter.
    woke = threading.Event()
    w = go(lambda: (m.lock(), c.wait(), woke.set(), m.unlock()))
    wait_until(lambda: len(c._waiters) == 1)
    c.signal()
    assert woke.wait(TIMEOUT)
    join(w)
