"""Tour: Mutex and RWMutex, Go's locking rules on C atomics.

Three things Go's sync package promises beyond mutual exclusion, shown live:

* Mutex fairness (Go's TestMutexFairness): a goroutine that holds the mutex
  nearly all the time, sleeping inside it, cannot starve another one.  A
  waiter kept out for over 1 ms switches the mutex to hand-off ("starvation
  mode"), so the next unlock gives it the mutex directly.
* RWMutex writer preference: under a flood of readers a writer still gets in
  promptly, because once it waits new readers queue behind it; and the
  readers that queued during its turn go before the next writer.
* Misuse is a panic with Go's text, not silent corruption.

Both types are C (src/_core/mutex.c, rwmutex.c); their uncontended
lock/unlock is one atomic instruction each, and the section prints how that
compares with threading.Lock on this machine.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from gostd import Panic, go
from gostd.sync import Mutex, RWMutex

TIMEOUT = 10.0


def _check(ok: bool, claim: str) -> None:
    if not ok:
        raise AssertionError(claim)


def _join(*ts: threading.Thread) -> None:
    deadline = time.monotonic() + TIMEOUT
    for t in ts:
        t.join(max(0.0, deadline - time.monotonic()))
        _check(not t.is_alive(), "a goroutine is still blocked")


def mutex_fairness(attempts: int = 20) -> float:
    """Longest wait for a Mutex that another goroutine holds while sleeping."""
    m = Mutex()
    stop = threading.Event()

    def hog() -> None:
        while not stop.is_set():
            m.lock()
            time.sleep(0.0001)
            m.unlock()

    h = go(hog)
    worst = 0.0
    try:
        for _ in range(attempts):
            time.sleep(0.0001)
            start = time.monotonic()
            m.lock()
            worst = max(worst, time.monotonic() - start)
            m.unlock()
    finally:
        stop.set()
        _join(h)
    return worst


def writer_under_reader_flood(readers: int = 8, writes: int = 20) -> tuple[float, int]:
    """Longest wait of a writer while ``readers`` goroutines read in a loop; reads done."""
    rw = RWMutex()
    stop = threading.Event()
    reads = [0]

    def reader() -> None:
        while not stop.is_set():
            rw.r_lock()
            reads[0] += 1
            time.sleep(0.0005)
            rw.r_unlock()

    rs = [go(reader) for _ in range(readers)]
    worst = 0.0
    try:
        time.sleep(0.02)
        for _ in range(writes):
            start = time.monotonic()
            rw.lock()
            worst = max(worst, time.monotonic() - start)
            rw.unlock()
            time.sleep(0.002)
    finally:
        stop.set()
        _join(*rs)
    return worst, reads[0]


def readers_before_next_writer() -> list[str]:
    """Order of entry after a writer unlocks, with 3 readers and then a writer queued."""
    rw = RWMutex()
    rw.lock()
    order: list[str] = []
    guard = threading.Lock()

    def enter(kind: str, lock: Callable[[], None], unlock: Callable[[], None]) -> None:
        lock()
        with guard:
            order.append(kind)
        time.sleep(0.01)
        unlock()

    rs = [go(enter, "r", rw.r_lock, rw.r_unlock) for _ in range(3)]
    deadline = time.monotonic() + TIMEOUT
    while rw._counts()[0] != 3 - (1 << 30):       # all three readers queued
        _check(time.monotonic() < deadline, "readers never queued")
        time.sleep(0.001)
    w = go(enter, "w", rw.lock, rw.unlock)
    while rw._writer_state()["waiters"] != 1:     # and the writer behind them
        _check(time.monotonic() < deadline, "writer never queued")
        time.sleep(0.001)
    rw.unlock()
    _join(*rs, w)
    return order


def _pairs_per_second(lock: Callable[[], object], unlock: Callable[[], object]) -> float:
    best = 0.0
    for _ in range(5):
        n = 20000
        start = time.perf_counter()
        for _ in range(n):
            lock()
            unlock()
        best = max(best, n / (time.perf_counter() - start))
    return best


def run(say: Callable[[str], None]) -> None:
    worst = mutex_fairness()
    _check(worst < 1.0, f"Mutex waiter starved for {worst:.3f}s")
    say(f"Mutex held by a goroutine sleeping inside it: the other waited at most "
        f"{worst * 1000:.1f} ms (hand-off after 1 ms, as Go's starvation mode)")

    worst, reads = writer_under_reader_flood()
    _check(reads > 100, "readers made no progress")
    _check(worst < 2.0, f"writer starved for {worst:.3f}s")
    say(f"RWMutex, 8 goroutines reading in a loop ({reads} reads): a writer waited at most "
        f"{worst * 1000:.1f} ms")

    order = readers_before_next_writer()
    _check(order == ["r", "r", "r", "w"], f"entry order {order}")
    say(f"3 readers and then a writer queued behind a writer enter as {''.join(order)}: "
        "readers of the finished term go first")

    for unlock, text in ((Mutex().unlock, "sync: unlock of unlocked mutex"),
                         (RWMutex().unlock, "sync: Unlock of unlocked RWMutex"),
                         (RWMutex().r_unlock, "sync: RUnlock of unlocked RWMutex")):
        try:
            unlock()
        except Panic as exc:
            _check(str(exc) == text, f"panic text {exc!r}")
        else:
            raise AssertionError(f"no panic for {text}")
    say("unlocking what is not locked panics with Go's texts: 'sync: unlock of unlocked "
        "mutex', 'sync: Unlock of unlocked RWMutex', 'sync: RUnlock of unlocked RWMutex'")

    lk, m, rw = threading.Lock(), Mutex(), RWMutex()
    base = _pairs_per_second(lk.acquire, lk.release)
    say(f"measured here, uncontended pairs vs threading.Lock: Mutex "
        f"{_pairs_per_second(m.lock, m.unlock) / base:.2f}x, RWMutex r_lock/r_unlock "
        f"{_pairs_per_second(rw.r_lock, rw.r_unlock) / base:.2f}x")
