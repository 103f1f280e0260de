"""sync.RWMutex: shared readers, exclusive writers, writer preference, Go's panics."""

from __future__ import annotations

import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import Mutex, RWMutex
from gostd_testutil import TIMEOUT, interrupt_main_when, join, wait_until

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


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
    wait_until(lambda: rw._counts()[0] < 0)     # the writer has announced itself
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
    wait_until(lambda: rw._counts()[0] == 3 - (1 << 30))   # 3 readers queued behind us
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

    def writer() -> None:
        for _ in range(20):
            rw.lock()
            rw.unlock()
            time.sleep(0.002)

    rs = [go(reader) for _ in range(8)]
    wait_until(lambda: reads[0] > 100)
    # With writer preference each Lock waits only for the readers already
    # inside, so the writer gets through while the flood goes on (bounded
    # by the hang timeout); without it, it could wait for ever.
    try:
        join(go(writer))
    finally:
        stop.set()
        join(*rs)


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


def test_interrupted_waits_leave_lock_consistent() -> None:
    rw = RWMutex()
    rw.lock()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: rw._counts()[0] == 1 - (1 << 30))
        rw.r_lock()                  # blocked behind our own write lock
    join(t)
    assert rw._counts() == (-(1 << 30), 0)   # the interrupted reader uncounted itself
    rw.unlock()
    assert rw.try_lock()                     # nobody holds the lock
    rw.unlock()

    rw.r_lock()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: rw._counts()[1] == 1)
        rw.lock()                    # blocked behind our own read lock
    join(t)
    assert rw._counts() == (1 - (1 << 30), 1)   # still announced: readers keep out
    assert not rw.try_r_lock()
    rw.r_unlock()                    # the last reader does the abandoned writer's unlock
    assert rw._counts() == (0, 0)
    assert rw.try_r_lock()
    rw.r_unlock()
    assert rw.try_lock()
    rw.unlock()


# --- the C implementation: Go's hammer test, interruption corner cases -------------

def test_methods_are_c_methods() -> None:
    for name in ("lock", "unlock", "r_lock", "r_unlock", "try_lock", "try_r_lock",
                 "__enter__", "__exit__"):
        assert type(getattr(RWMutex, name)).__name__ == "method_descriptor", name
    rl = RWMutex().r_locker()
    for name in ("lock", "unlock", "__enter__", "__exit__"):
        assert type(getattr(type(rl), name)).__name__ == "method_descriptor", name
    with pytest.raises(TypeError):
        type(rl)()


def test_hammer_activity_invariant() -> None:
    # After Go's hammerRWMutex: readers add 1 to a shared activity count and
    # writers 10000, atomically; a reader must see 1..9999, a writer exactly
    # 10000.  Checked with hardware atomics, so it means something without a GIL.
    from gostd.sync.atomic import Int32

    rw = RWMutex()
    activity = Int32(0)
    bad: list[int] = []

    def reader(n: int) -> None:
        for _ in range(n):
            rw.r_lock()
            a = activity.add(1)
            if not 1 <= a < 10000:
                bad.append(a)
            for _ in range(20):
                pass
            activity.add(-1)
            rw.r_unlock()

    def writer(n: int) -> None:
        for _ in range(n):
            rw.lock()
            a = activity.add(10000)
            if a != 10000:
                bad.append(a)
            for _ in range(20):
                pass
            activity.add(-10000)
            rw.unlock()

    for readers in (1, 3, 7):
        ts = [go(writer, 300)] + [go(reader, 600) for _ in range(readers)] + [go(writer, 300)]
        join(*ts, timeout=60)
        assert bad == []
        assert activity.load() == 0
        assert rw._counts() == (0, 0)


def test_interrupted_reader_among_other_queued_readers() -> None:
    rw = RWMutex()
    got = go(rw.lock)                 # a writer goroutine takes the lock and keeps it
    join(got)
    admitted = threading.Event()
    others = [go(lambda: (rw.r_lock(), admitted.wait(TIMEOUT), rw.r_unlock()))
              for _ in range(2)]
    wait_until(lambda: rw._counts()[0] == 2 - (1 << 30))
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: rw._counts()[0] == 3 - (1 << 30))
        rw.r_lock()
    join(t)
    assert rw._counts()[0] == 2 - (1 << 30)   # only the two others still wait
    rw.unlock()                                # from another goroutine than the locker
    wait_until(lambda: rw._counts() == (2, 0))
    assert not rw.try_lock()
    admitted.set()
    join(*others)
    assert rw._counts() == (0, 0)


def test_interrupted_writer_waiting_for_writer() -> None:
    rw = RWMutex()
    rw.lock()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: rw._writer_state()["waiters"] == 1)
        rw.lock()
    join(t)
    rw.unlock()
    assert rw._counts() == (0, 0)
    assert rw.try_lock()
    rw.unlock()


def test_interrupted_writer_after_readers_left_unlocks_itself() -> None:
    # The interrupt lands while readers are leaving: whichever side wins, the
    # lock ends up free and consistent, with no helper thread involved.
    for delay in (0.0, 0.005, 0.02):
        rw = RWMutex()
        rw.r_lock()
        rw.r_lock()
        with pytest.raises(KeyboardInterrupt):
            t = interrupt_main_when(lambda: rw._counts()[0] < 0)
            leaver = go(lambda: (time.sleep(0.005 + delay), rw.r_unlock(), rw.r_unlock()))
            rw.lock()
            time.sleep(TIMEOUT)        # got in first: the interrupt lands here
        join(t, leaver)
        if rw._counts()[0] < 0:        # lock() had returned before the interrupt
            rw.unlock()
        assert rw._counts() == (0, 0), delay
        assert rw.try_lock()
        rw.unlock()


def test_object_protocol() -> None:
    import copy
    import weakref

    rw = RWMutex()
    assert weakref.ref(rw)() is rw
    with pytest.raises(TypeError):
        copy.copy(rw)

    class Table(RWMutex):
        def __init__(self, name: str) -> None:
            self.name = name

    with pytest.raises(TypeError):
        RWMutex(1)  # type: ignore[call-arg]
    t = Table(name="t")
    with t.r_locker():
        assert not t.try_lock()
    with t:
        assert not t.try_r_lock()
    with pytest.raises(Panic, match="^sync: Unlock of unlocked RWMutex$"):
        t.unlock()
    assert "readers=0" in repr(t)


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
        if Mutex._in_wait():         # in any gostd lock wait
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


def test_interrupt_storm_keeps_rwmutex_consistent() -> None:
    rw = RWMutex()
    state = {"r": 0, "w": 0, "bad": 0}
    guard = threading.Lock()
    done = threading.Event()

    def enter(kind: str) -> None:
        with guard:
            state[kind] += 1
            if state["w"] > 1 or (state["w"] and state["r"]):
                state["bad"] += 1

    def leave(kind: str) -> None:
        with guard:
            state[kind] -= 1

    def reader() -> None:
        while not done.is_set():
            rw.r_lock()
            enter("r")
            time.sleep(0.0002)
            leave("r")
            rw.r_unlock()

    def writer() -> None:
        while not done.is_set():
            with rw:
                enter("w")
                time.sleep(0.0002)
                leave("w")
            time.sleep(0.0002)

    def body(i: int) -> None:
        if i % 2:
            rw.r_lock()
            enter("r")
            leave("r")
            rw.r_unlock()
        else:
            rw.lock()
            enter("w")
            leave("w")
            rw.unlock()

    interrupted = _interrupt_storm(body, [reader, reader, writer], done, rounds=1500)
    assert state["bad"] == 0
    assert interrupted > 0
    assert rw._counts() == (0, 0)
    assert rw._writer_state() == {"locked": False, "woken": False, "starving": False,
                                  "waiters": 0}
