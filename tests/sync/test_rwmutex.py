"""sync.RWMutex: shared readers, exclusive writers, writer preference, Go's panics."""

from __future__ import annotations

import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import RWMutex

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)

TIMEOUT = 10


def join(*threads: threading.Thread, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        assert not t.is_alive(), "goroutine still blocked"


def wait_until(cond, timeout: float = TIMEOUT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.001)


def test_readers_share() -> None:
    rw = RWMutex()
    rw.r_lock()
    rw.r_lock()
    assert rw.try_r_lock()
    assert not rw.try_lock()
    for _ in range(3):
        rw.r_unlock()
    assert rw.try_lock()
    assert not rw.try_r_lock() and not rw.try_lock()
    rw.unlock()


def test_many_goroutines_read_at_once() -> None:
    rw = RWMutex()
    n = 5
    barrier = threading.Barrier(n, timeout=TIMEOUT)

    def reader() -> None:
        rw.r_lock()
        barrier.wait()          # all n hold the read lock at the same time
        rw.r_unlock()

    join(*[go(reader) for _ in range(n)])


def test_panics_with_go_messages() -> None:
    rw = RWMutex()
    with pytest.raises(Panic) as info:
        rw.r_unlock()
    assert str(info.value) == "sync: RUnlock of unlocked RWMutex"
    with pytest.raises(Panic) as info:
        rw.unlock()
    assert str(info.value) == "sync: Unlock of unlocked RWMutex"
    rw.lock()
    with pytest.raises(Panic, match="^sync: RUnlock of unlocked RWMutex$"):
        rw.r_unlock()
    rw.unlock()
    rw.r_lock()
    with pytest.raises(Panic, match="^sync: Unlock of unlocked RWMutex$"):
        rw.unlock()
    rw.r_unlock()
    assert rw.try_lock()
    rw.unlock()


def test_writer_excludes_readers_and_writers() -> None:
    rw = RWMutex()
    rw.lock()
    got = []
    t1 = go(lambda: (rw.r_lock(), got.append("r"), rw.r_unlock()))
    t2 = go(lambda: (rw.lock(), got.append("w"), rw.unlock()))
    time.sleep(0.1)
    assert got == []
    rw.unlock()
    join(t1, t2)
    assert sorted(got) == ["r", "w"]


def test_waiting_writer_blocks_new_readers() -> None:
    rw = RWMutex()
    rw.r_lock()
    writer_in = threading.Event()
    t = go(lambda: (rw.lock(), writer_in.set(), time.sleep(0.05), rw.unlock()))
    wait_until(lambda: rw._count.load() < 0)     # the writer has announced itself
    assert not rw.try_r_lock()            # a writer waits: no new readers
    reader_in = threading.Event()
    r = go(lambda: (rw.r_lock(), reader_in.set(), rw.r_unlock()))
    time.sleep(0.05)
    assert not reader_in.is_set() and not writer_in.is_set()
    rw.r_unlock()                          # last reader leaves: the writer goes first
    assert writer_in.wait(TIMEOUT)
    assert not reader_in.is_set()
    join(t, r)
    assert reader_in.is_set()


def test_readers_queued_during_write_go_before_next_writer() -> None:
    rw = RWMutex()
    rw.lock()
    order: list[str] = []
    lock = threading.Lock()

    def reader() -> None:
        rw.r_lock()
        with lock:
            order.append("r")
        time.sleep(0.02)
        rw.r_unlock()

    def writer() -> None:
        rw.lock()
        with lock:
            order.append("w")
        rw.unlock()

    rs = [go(reader) for _ in range(3)]
    wait_until(lambda: rw._count.load() == 3 - (1 << 30))   # 3 readers queued behind us
    w = go(writer)
    time.sleep(0.05)                 # let the writer queue up behind us
    rw.unlock()
    join(*rs, w)
    assert order == ["r", "r", "r", "w"]


def test_writer_not_starved_by_reader_flood() -> None:
    rw = RWMutex()
    stop = threading.Event()
    reads = [0]

    def reader() -> None:
        while not stop.is_set():
            rw.r_lock()
            reads[0] += 1
            time.sleep(0.0005)
            rw.r_unlock()

    rs = [go(reader) for _ in range(8)]
    time.sleep(0.05)
    latencies = []
    for _ in range(20):
        start = time.monotonic()
        rw.lock()
        latencies.append(time.monotonic() - start)
        rw.unlock()
        time.sleep(0.002)
    stop.set()
    join(*rs)
    assert reads[0] > 100
    # With writer preference each Lock waits at most for the readers already inside.
    assert max(latencies) < 2.0, latencies


def test_invariant_stress() -> None:
    rw = RWMutex()
    state = {"readers": 0, "writers": 0, "bad": 0, "value": 0}
    guard = threading.Lock()

    def enter(kind: str) -> None:
        with guard:
            state[kind] += 1
            if state["writers"] > 1 or (state["writers"] and state["readers"]):
                state["bad"] += 1

    def leave(kind: str) -> None:
        with guard:
            state[kind] -= 1

    def reader() -> None:
        for _ in range(800):
            rw.r_lock()
            enter("readers")
            _ = state["value"]
            leave("readers")
            rw.r_unlock()

    def writer() -> None:
        for _ in range(400):
            with rw:
                enter("writers")
                v = state["value"]
                time.sleep(0)
                state["value"] = v + 1
                leave("writers")

    join(*[go(reader) for _ in range(5)], *[go(writer) for _ in range(3)], timeout=60)
    assert state["bad"] == 0
    assert state["value"] == 1200


def test_r_locker_and_context_managers() -> None:
    rw = RWMutex()
    rl = rw.r_locker()
    rl.lock()
    assert not rw.try_lock()
    rl.unlock()
    with rl:
        assert rw.try_r_lock()
        rw.r_unlock()
        assert not rw.try_lock()
    with rw:
        assert not rw.try_r_lock()
    assert rw.try_lock()
    rw.unlock()
    with pytest.raises(Panic, match="RUnlock of unlocked RWMutex"):
        rl.unlock()


def test_unlock_from_another_goroutine() -> None:
    rw = RWMutex()
    rw.lock()
    join(go(rw.unlock))
    rw.r_lock()
    join(go(rw.r_unlock))
    assert rw.try_lock()
    rw.unlock()


def _interrupt_main_when(blocked) -> threading.Thread:  # type: ignore[no-untyped-def]
    """SIGINT the main thread (this test's) once ``blocked()`` shows it is parked,
    so the KeyboardInterrupt lands inside the blocking call; never if it never parks."""
    import signal
    main = threading.main_thread().ident
    assert threading.get_ident() == main

    def kill() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not blocked():
            if time.monotonic() > deadline:
                return
            time.sleep(0.001)
        time.sleep(0.01)
        signal.pthread_kill(main, signal.SIGINT)

    return go(kill)


def test_interrupted_waits_leave_lock_consistent() -> None:
    rw = RWMutex()
    rw.lock()
    with pytest.raises(KeyboardInterrupt):
        t = _interrupt_main_when(lambda: rw._count.load() == 1 - (1 << 30))
        rw.r_lock()                  # blocked behind our own write lock
    join(t)
    rw.unlock()
    # The interrupted reader's admission is taken and dropped by a helper goroutine:
    # soon nobody holds the lock.
    wait_until(rw.try_lock)
    rw.unlock()

    rw.r_lock()
    with pytest.raises(KeyboardInterrupt):
        t = _interrupt_main_when(lambda: rw._departing.load() == 1)
        rw.lock()                    # blocked behind our own read lock
    join(t)
    rw.r_unlock()                    # the interrupted writer gets in, then a helper unlocks
    wait_until(rw.try_r_lock)
    rw.r_unlock()
    assert rw.try_lock()
    rw.unlock()
