"""gostd.time against the scenarios of Go's time/sleep_test.go and tick_test.go."""

from __future__ import annotations

import threading
import time

import pytest

import gostd.time as gt
from gostd import Chan, Panic, go, select

pytestmark = pytest.mark.timeout(60)

MS = gt.Millisecond
BIG = ((1 << 63) - 1) * gt.Nanosecond    # Go's largest Duration, ~292 years


def join(t: threading.Thread, timeout: float = 10.0) -> None:
    t.join(timeout)
    assert not t.is_alive(), "goroutine did not finish in time"


def test_overflow_sleep() -> None:
    # Go's TestOverflowSleep: huge durations neither fire nor break the timers.
    outcome: list[object] = []

    def big_sleep() -> None:
        try:
            gt.sleep(BIG)
        except BaseException as e:  # noqa: BLE001 -- the failure being tested
            outcome.append(e)
        else:
            outcome.append("big sleep returned")

    go(big_sleep)
    big = gt.after(BIG)
    i, _ = select(big.recv, gt.after(25 * MS).recv)
    assert i == 1, "big timeout fired"
    gt.sleep(-BIG)                               # returns at once
    i, _ = select(gt.after(-BIG).recv, gt.after(1.0).recv)
    assert i == 0, "negative timeout didn't fire"
    i, _ = select(big.recv, gt.after(30 * MS).recv)
    assert i == 1, "big timeout fired"
    assert outcome == []


@pytest.mark.parametrize("d", [float("inf"), BIG, 1e12])
def test_far_deadlines_leave_the_timer_thread_working(d: float) -> None:
    far = gt.Timer(d)
    ticker = gt.Ticker(d)
    try:
        # The timer thread must keep serving ordinary timers.
        i, _ = select(gt.after(20 * MS).recv, gt.after(5.0).recv)
        assert i == 0
        assert select(far.c.recv, ticker.c.recv, default=True) == (-1, None)
        assert far.reset(d) is True
    finally:
        assert far.stop() is True
        ticker.stop()
    assert select(gt.after(10 * MS).recv, gt.after(5.0).recv)[0] == 0


def test_sleep_inf_sleeps() -> None:
    t = go(gt.sleep, float("inf"))
    t.join(0.05)
    assert t.is_alive()


def test_nan_duration_is_rejected() -> None:
    with pytest.raises(ValueError):
        gt.Timer(float("nan"))
    with pytest.raises(ValueError):
        gt.after(float("nan"))
    tm = gt.Timer(BIG)
    with pytest.raises(ValueError):
        tm.reset(float("nan"))
    assert tm.stop() is True                     # the failed reset left it armed
    with pytest.raises(Panic, match="non-positive interval for NewTicker"):
        gt.Ticker(float("nan"))
    assert gt.tick(float("nan")) is None


@pytest.mark.parametrize("period", [gt.Nanosecond, gt.Microsecond, 1e-300])
def test_tiny_ticker_period_does_not_lock_out_other_callers(period: float) -> None:
    # A ticker faster than ticks can be delivered keeps the channel full (Go
    # drops the rest); stop, reset and other timers must still get through.
    tk = gt.Ticker(period)
    try:
        for _ in range(50):
            assert tk.c.recv() is not None
        t = go(tk.reset, 1.0)
        join(t, 5.0)
        i, _ = select(gt.after(10 * MS).recv, gt.after(5.0).recv)
        assert i == 0
    finally:
        join(go(tk.stop), 5.0)
    # Stopped: nothing stale and nothing new.
    assert select(tk.c.recv, gt.after(30 * MS).recv)[0] == 1


def test_after_stop() -> None:
    # Go's TestAfterStop: stop before firing; nothing fires later; second stop is False.
    failures = []
    for _ in range(5):
        gt.after_func(100 * MS, lambda: None)
        t0 = gt.Timer(50 * MS)
        c1: Chan[bool] = Chan(1)
        t1 = gt.after_func(150 * MS, lambda: c1.send(True))
        c2 = gt.after(200 * MS)
        if not t0.stop():
            failures.append("failed to stop event 0")
            continue
        if not t1.stop():
            failures.append("failed to stop event 1")
            continue
        c2.recv()
        i, _ = select(t0.c.recv, c1.recv, default=True)
        if i != -1:
            failures.append(f"event {i} was not stopped")
            continue
        if t1.stop():
            failures.append("Stop returned true twice")
            continue
        return
    pytest.fail("; ".join(failures))


def _try_reset(d: float) -> str | None:
    t0 = gt.Timer(2 * d)
    gt.sleep(d)
    if not t0.reset(3 * d):
        return "resetting unfired timer returned false"
    gt.sleep(2 * d)
    if select(t0.c.recv, default=True)[0] == 0:
        return "timer fired early"
    gt.sleep(2 * d)
    if select(t0.c.recv, default=True)[0] != 0:
        return "reset timer did not fire"
    if t0.reset(50 * MS):
        return "resetting expired timer returned true"
    t0.stop()
    return None


def test_reset() -> None:
    # Go's TestReset: timing-based, so retried with longer durations.
    errors = []
    for d in (25 * MS, 50 * MS, 100 * MS, 200 * MS):
        err = _try_reset(d)
        if err is None:
            return
        errors.append(f"{d}: {err}")
    pytest.fail("; ".join(errors))


def test_timer_stop_stress() -> None:
    # Go's TestTimerStopStress: timers stopped long before their deadline never fire.
    fired = []
    timers = [gt.after_func(0.3, lambda i=i: fired.append(i)) for i in range(100)]
    for t in timers:
        assert t.stop() is True
    gt.sleep(0.4)
    assert fired == []


def test_sleep_zero_and_many_short_timers() -> None:
    # Go's TestSleepZeroDeadlock / TestIssue5745-like: many immediate timers all fire.
    done: Chan[int] = Chan(200)
    for i in range(200):
        gt.after_func(0, lambda i=i: done.send(i))
    got = set()
    for _ in range(200):
        i, v = select(done.recv, gt.after(10.0).recv)
        assert i == 0
        got.add(v)
    assert got == set(range(200))


def test_ticker_teardown() -> None:
    # Go's TestTeardown.
    for _ in range(3):
        tk = gt.Ticker(20 * MS)
        i, _ = select(tk.c.recv, gt.after(5.0).recv)
        assert i == 0
        tk.stop()


def test_tick_and_ticker_non_positive() -> None:
    # Go's TestTick, TestNewTickerLtZeroDuration, TestTickerResetLtZeroDuration.
    assert gt.tick(-1) is None
    assert gt.tick(0) is None
    # Go's nil channel: a select case on it never proceeds.
    assert select(gt.tick(0), default=True) == (-1, None)
    assert select(gt.tick(-1), gt.after(10 * MS).recv)[0] == 1
    with pytest.raises(Panic, match="^non-positive interval for NewTicker$"):
        gt.Ticker(-1)
    with pytest.raises(Panic, match="^non-positive interval for NewTicker$"):
        gt.new_ticker(0)
    tk = gt.Ticker(gt.Second)
    try:
        with pytest.raises(Panic, match="^non-positive interval for Ticker.Reset$"):
            tk.reset(0)
    finally:
        tk.stop()


def test_ticker_reset_restarts_a_stopped_ticker() -> None:
    # Go 1.23: Reset on a stopped ticker starts it again with the new period.
    tk = gt.Ticker(gt.Hour)
    tk.stop()
    start = time.monotonic()
    tk.reset(20 * MS)
    try:
        for _ in range(3):
            i, _ = select(tk.c.recv, gt.after(5.0).recv)
            assert i == 0
        assert time.monotonic() - start >= 0.05
    finally:
        tk.stop()


def test_after_func_reset_after_firing_runs_again() -> None:
    calls: Chan[int] = Chan(10)
    t = gt.after_func(0, lambda: calls.send(1))
    assert select(calls.recv, gt.after(5.0).recv)[0] == 0
    assert t.reset(10 * MS) is False            # it had expired
    assert select(calls.recv, gt.after(5.0).recv)[0] == 0
    assert t.stop() is False


def test_timer_and_ticker_repr() -> None:
    t = gt.Timer(gt.Hour)
    assert repr(t).startswith("<Timer active")
    t.stop()
    assert repr(t).startswith("<Timer stopped")
    tk = gt.Ticker(gt.Hour)
    assert repr(tk).startswith("<Ticker active")
    tk.stop()
    assert repr(tk).startswith("<Ticker stopped")
