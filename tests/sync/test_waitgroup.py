"""sync.WaitGroup: add/done/wait, wg.go, Go's panics, many waiters, reuse."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from gostd import Panic, go
from gostd.sync import WaitGroup
from gostd_testutil import TIMEOUT, join

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_wait_on_zero_returns_at_once() -> None:
    wg = WaitGroup()
    wg.wait()
    wg.add(0)
    wg.wait()


def test_wait_blocks_until_counter_zero() -> None:
    wg = WaitGroup()
    wg.add(3)
    released = threading.Event()
    t = go(lambda: (wg.wait(), released.set()))
    wg.done()
    wg.add(-1)
    assert not released.wait(0.1)
    wg.done()
    assert released.wait(TIMEOUT)
    join(t)


def test_negative_counter_panics() -> None:
    wg = WaitGroup()
    with pytest.raises(Panic) as info:
        wg.done()
    assert str(info.value) == "sync: negative WaitGroup counter"
    wg.add(2)
    with pytest.raises(Panic, match="^sync: negative WaitGroup counter$"):
        wg.add(-3)
    wg.add(-2)
    wg.wait()


def test_all_waiters_released() -> None:
    wg = WaitGroup()
    wg.add(1)
    woke = []
    ts = [go(lambda: (wg.wait(), woke.append(1))) for _ in range(10)]
    time.sleep(0.05)
    assert woke == []
    wg.done()
    join(*ts)
    assert len(woke) == 10


def test_fan_out_1000_goroutines() -> None:
    wg = WaitGroup()
    lock = threading.Lock()
    n = [0]

    def work() -> None:
        with lock:
            n[0] += 1
        wg.done()

    for _ in range(1000):
        wg.add(1)
        go(work)
    t = go(wg.wait)
    join(t, timeout=30)
    assert n[0] == 1000


def test_wg_go() -> None:
    wg = WaitGroup()
    out: list[int] = []
    lock = threading.Lock()

    def work(i: int, *, scale: int) -> None:
        time.sleep(0.001)
        with lock:
            out.append(i * scale)

    for i in range(50):
        wg.go(work, i, scale=2)
    join(go(wg.wait))
    assert sorted(out) == [i * 2 for i in range(50)]


def test_wg_go_reports_exception_and_still_counts_done(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", seen.append)
    wg = WaitGroup()

    def boom() -> None:
        raise ValueError("wg.go boom")

    wg.go(boom)
    join(go(wg.wait))
    assert len(seen) == 1
    assert seen[0].exc_type is ValueError and str(seen[0].exc_value) == "wg.go boom"
    assert seen[0].exc_traceback is not None


def test_wg_go_rejects_non_callable() -> None:
    wg = WaitGroup()
    with pytest.raises(TypeError):
        wg.go(1)  # type: ignore[arg-type]
    wg.wait()          # the counter was not left raised


def test_reuse_in_rounds() -> None:
    wg = WaitGroup()
    total = [0]
    lock = threading.Lock()

    def inc() -> None:
        with lock:
            total[0] += 1

    for _ in range(50):
        for _ in range(4):
            wg.go(inc)
        wg.wait()
    assert total[0] == 200


def test_reused_before_wait_returned_panics() -> None:
    # Go's misuse check: a waiter that wakes to find the counter raised again (an add
    # that did not wait for the previous wait to return) panics.  Whether the waiter
    # checks before or after the new add is a race, so over many rounds at least one
    # panic must occur, and every panic must carry Go's message.
    panics = 0
    for _ in range(30):
        wg = WaitGroup()
        wg.add(1)
        errors: list[BaseException] = []

        def waiter() -> None:
            try:
                wg.wait()
            except Panic as e:
                errors.append(e)

        t = go(waiter)
        deadline = time.monotonic() + TIMEOUT
        while not wg._waiters:          # until the waiter is parked
            assert time.monotonic() < deadline
            time.sleep(0.001)
        wg.done()
        wg.add(1)                        # misuse: reused before wait returned
        join(t)
        assert all(str(e) == "sync: WaitGroup is reused before previous Wait has returned"
                   for e in errors)
        panics += len(errors)
        wg.done()
    # With a GIL the woken waiter cannot run before this thread's add; without one
    # it usually checks first, so the misuse then goes unseen (as it can in Go).
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        assert panics > 0


@pytest.mark.parametrize("bad", [1.0, "1", None, True])
def test_add_requires_int(bad: object) -> None:
    wg = WaitGroup()
    with pytest.raises(TypeError):
        wg.add(bad)  # type: ignore[arg-type]
    wg.wait()
