"""sync.Mutex: exclusion, try_lock, cross-goroutine unlock, Go's panic text, Locker."""

from __future__ import annotations

import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import Locker, Mutex, RWMutex
from gostd_testutil import TIMEOUT, interrupt_main_when, join, wait_until

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_lock_unlock_and_try_lock() -> None:
    m = Mutex()
    assert m.try_lock() is True
    assert m.try_lock() is False
    m.unlock()
    m.lock()
    assert m.try_lock() is False
    m.unlock()
    assert m.try_lock() is True
    m.unlock()


def test_unlock_of_unlocked_mutex_panics_with_go_message() -> None:
    m = Mutex()
    with pytest.raises(Panic) as info:
        m.unlock()
    assert str(info.value) == "sync: unlock of unlocked mutex"
    m.lock()
    m.unlock()
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        m.unlock()


def test_context_manager() -> None:
    m = Mutex()
    with m as got:
        assert got is m
        assert not m.try_lock()
    assert m.try_lock()
    m.unlock()
    with pytest.raises(ZeroDivisionError):
        with m:
            1 / 0
    assert m.try_lock()          # released on the way out of the exception
    m.unlock()


def test_exit_of_unlocked_mutex_panics() -> None:
    m = Mutex()
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        with m:
            m.unlock()


def test_another_goroutine_may_unlock() -> None:
    m = Mutex()
    m.lock()
    join(go(m.unlock))
    assert m.try_lock()
    m.unlock()


def test_lock_blocks_until_unlocked() -> None:
    m = Mutex()
    m.lock()
    acquired = threading.Event()
    t = go(lambda: (m.lock(), acquired.set()))
    assert not acquired.wait(0.1)
    m.unlock()
    assert acquired.wait(TIMEOUT)
    join(t)
    assert not m.try_lock()
    m.unlock()


def test_mutual_exclusion_stress() -> None:
    m = Mutex()
    n = [0]
    inside = [0]
    violations = [0]

    def work() -> None:
        for _ in range(2000):
            with m:
                inside[0] += 1
                if inside[0] != 1:
                    violations[0] += 1
                v = n[0]
                time.sleep(0) if v % 97 == 0 else None
                n[0] = v + 1
                inside[0] -= 1

    join(*[go(work) for _ in range(8)])
    assert violations[0] == 0
    assert n[0] == 8 * 2000


def test_locker_protocol() -> None:
    assert isinstance(Mutex(), Locker)
    assert isinstance(RWMutex(), Locker)
    assert isinstance(RWMutex().r_locker(), Locker)
    assert not isinstance(object(), Locker)


# --- the C implementation: state word, interruption, fairness, object protocol ------

IDLE = {"locked": False, "woken": False, "starving": False, "waiters": 0}


def test_methods_are_c_methods_and_lock_returns_none() -> None:
    # No Python frame on the hot path: every locking method is a C method.
    for name in ("lock", "unlock", "try_lock", "__enter__", "__exit__"):
        assert type(getattr(Mutex, name)).__name__ == "method_descriptor", name
    m = Mutex()
    assert m.lock() is None
    assert m.unlock() is None
    assert m._state() == IDLE


def test_interrupted_lock_takes_nothing_and_loses_no_wakeup() -> None:
    m = Mutex()
    m.lock()
    other_in = threading.Event()
    # Another goroutine queues first, then we do and get interrupted.
    o = go(lambda: (m.lock(), other_in.set(), m.unlock()))
    wait_until(lambda: m._state()["waiters"] == 1)
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: m._state()["waiters"] == 2)
        m.lock()
    join(t)
    st = m._state()
    assert st["locked"] and st["waiters"] == 1      # we left the queue, still locked
    assert not other_in.is_set()
    m.unlock()                                      # the remaining waiter gets in
    assert other_in.wait(TIMEOUT)
    join(o)
    assert m._state() == IDLE
    assert m.try_lock()
    m.unlock()


def test_interrupted_with_statement_does_not_unlock() -> None:
    m = Mutex()
    m.lock()
    body_ran = []
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: m._state()["waiters"] == 1)
        with m:
            body_ran.append(1)
    join(t)
    assert body_ran == []
    assert m._state() == {**IDLE, "locked": True}   # __exit__ did not run: still ours
    m.unlock()


def test_fairness_waiter_not_starved_by_sleeping_holder() -> None:
    # Go's TestMutexFairness: one goroutine holds the mutex almost all the
    # time (sleeping inside it); another must still get it, promptly.  This
    # needs Go's starvation mode: barging alone lets the holder re-take the
    # mutex before the woken waiter gets the GIL, again and again.
    m = Mutex()
    stop = threading.Event()

    def hog() -> None:
        while not stop.is_set():
            m.lock()
            time.sleep(0.0001)
            m.unlock()

    def waiter() -> None:
        for _ in range(20):
            time.sleep(0.0001)
            m.lock()
            m.unlock()

    # As Go's test: the 20 acquisitions happen at all while the hog runs
    # (bounded by the hang timeout; without starvation mode the waiter can
    # lose the race for the mutex again and again).
    h = go(hog)
    try:
        join(go(waiter))
    finally:
        stop.set()
        join(h)
    assert m._state() == IDLE


def test_baton_passing_between_goroutines() -> None:
    # A Mutex is not owned: each goroutine unlocks what the previous one locked.
    m = Mutex()
    rounds = 300
    passed = []
    m.lock()

    def runner(i: int) -> None:
        for _ in range(rounds):
            m.lock()               # released by the main goroutine, not by us
            passed.append(i)
    # Two goroutines alternately take the mutex that the main goroutine releases.
    ts = [go(runner, i) for i in range(2)]
    for _ in range(2 * rounds):
        wait_until(lambda: m._state()["waiters"] >= 1 or len(passed) == 2 * rounds)
        m.unlock()
        wait_until(lambda: m._state()["locked"])
    join(*ts)
    assert len(passed) == 2 * rounds and sorted(set(passed)) == [0, 1]
    m.unlock()
    assert m._state() == IDLE


def test_many_waiters_stress_ends_idle() -> None:
    m = Mutex()
    n = [0]
    tried = [0]

    def work(i: int) -> None:
        for k in range(1500):
            if k % 5 == 0 and m.try_lock():
                tried[0] += 1
            else:
                m.lock()
            v = n[0]
            if k % 50 == 0:
                time.sleep(0)                 # let others pile up in the queue
            n[0] = v + 1
            m.unlock()

    join(*[go(work, i) for i in range(12)], timeout=60)
    assert n[0] == 12 * 1500
    assert m._state() == IDLE                 # no waiter count or flag left behind


def test_object_protocol() -> None:
    import copy
    import pickle
    import weakref

    m = Mutex()
    assert weakref.ref(m)() is m
    for op in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError):
            op(m)
    with pytest.raises(TypeError):
        Mutex(1)  # type: ignore[call-arg]

    class Account(Mutex):            # Go's struct embedding a sync.Mutex
        def __init__(self, balance: int = 0) -> None:
            self.balance = balance

    a = Account(0)
    with a:
        a.balance += 5
    assert a.balance == 5 and a.try_lock()
    a.unlock()
    with pytest.raises(Panic, match="^sync: unlock of unlocked mutex$"):
        a.unlock()
    assert "unlocked" in repr(Mutex())


class _Interrupted(Exception):
    pass


def _interrupt_storm(body, background, stop: threading.Event,  # type: ignore[no-untyped-def]
                     rounds: int) -> int:
    """Run ``body(i)`` ``rounds`` times in the main goroutine while ``background``
    goroutines run (until ``stop`` is set) and another fires SIGUSR1 at random
    moments; the handler raises only when it interrupted a lock wait, so that
    wait must give up cleanly.  Returns how many waits were interrupted."""
    import random
    import signal

    main = threading.main_thread().ident
    assert threading.get_ident() == main

    def handler(signum, frame) -> None:  # type: ignore[no-untyped-def]
        if Mutex._in_wait():
            raise _Interrupted

    def killer() -> None:
        r = random.Random(7)
        while not stop.is_set():
            time.sleep(r.random() * 0.002)
            signal.pthread_kill(main, signal.SIGUSR1)

    old = signal.signal(signal.SIGUSR1, handler)
    interrupted = 0
    try:
        ts = [go(f) for f in background] + [go(killer)]
        for i in range(rounds):
            try:
                body(i)
            except _Interrupted:
                interrupted += 1
    finally:
        stop.set()
        join(*ts)
        signal.signal(signal.SIGUSR1, old)
    return interrupted


def test_interrupt_storm_keeps_mutex_consistent() -> None:
    # Interrupts land at random points of queued, woken and handed-off waits
    # (the sleeping holders push the mutex into starvation mode).
    m = Mutex()
    inside = [0]
    bad = [0]
    done = threading.Event()

    def critical(sleep: float) -> None:
        inside[0] += 1
        if inside[0] != 1:
            bad[0] += 1
        if sleep:
            time.sleep(sleep)
        inside[0] -= 1

    def worker() -> None:
        while not done.is_set():
            with m:
                critical(0.0003)

    def body(i: int) -> None:
        m.lock()
        critical(0.0)
        m.unlock()

    interrupted = _interrupt_storm(body, [worker, worker], done, rounds=1500)
    assert bad[0] == 0
    assert interrupted > 0
    assert m._state() == IDLE
    assert m.try_lock()
    m.unlock()
