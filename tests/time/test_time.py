"""gostd.time: durations, sleep, after, Timer, Ticker, after_func, tick."""

from __future__ import annotations

import threading
import time

import pytest

import gostd.time as gt
from gostd import Chan, Panic, go, select
from gostd_testutil import TIMEOUT

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)

MS = gt.Millisecond


def recv_within(ch: Chan, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    """Receive from ch, failing (not hanging) if nothing arrives in time."""
    i, v = select(ch.recv_ok, gt.after(timeout).recv)
    assert i == 0, "no value arrived in time"
    return v


def nothing_within(ch: Chan, d: float) -> bool:
    i, _ = select(ch.recv_ok, gt.after(d).recv)
    return i == 1


def test_durations() -> None:
    assert gt.Nanosecond == 1e-9
    assert gt.Microsecond == pytest.approx(1000 * gt.Nanosecond) and gt.Microsecond == 1e-6
    assert gt.Millisecond == 1e-3
    assert gt.Second == 1.0
    assert gt.Minute == 60 * gt.Second
    assert gt.Hour == 60 * gt.Minute
    assert gt.Duration is float
    assert 1500 * gt.Millisecond == 1.5


def test_sleep(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    gt.sleep(30 * MS)
    assert time.monotonic() - start >= 0.029
    # sleep(d <= 0) returns at once: it never waits at all.
    waits: list[float] = []
    real_sleep = time.sleep
    me = threading.current_thread()

    def recording_sleep(d: float) -> None:
        if threading.current_thread() is me:
            waits.append(d)
        real_sleep(d)

    monkeypatch.setattr(time, "sleep", recording_sleep)
    gt.sleep(0)
    gt.sleep(-1)
    gt.sleep(-gt.Hour)
    assert waits == []
    gt.sleep(MS)
    assert waits == [MS]    # the recording sees the waits there are


def test_after_delivers_once_after_delay() -> None:
    start = time.monotonic()
    c = gt.after(50 * MS)
    assert isinstance(c, Chan)
    v, ok = recv_within(c)
    elapsed = time.monotonic() - start
    assert ok and isinstance(v, float) and abs(v - time.time()) < 5
    assert elapsed >= 0.049
    assert nothing_within(c, 50 * MS)


def test_after_zero_fires_promptly() -> None:
    # A timer for d <= 0 is due at once: its deadline is not in the future.
    for d in (0, -1, -gt.Hour):
        before = time.monotonic()
        t = gt.Timer(d)
        assert t._when <= time.monotonic()
        assert t._when >= before
        recv_within(t.c)
    recv_within(gt.after(0))
    recv_within(gt.after(-1))


def test_after_in_select_as_timeout() -> None:
    never: Chan[int] = Chan()
    start = time.monotonic()
    assert select(never.recv, gt.after(30 * MS).recv)[0] == 1
    assert time.monotonic() - start >= 0.029


def test_many_timers_fire_in_deadline_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The timer thread starts after_func goroutines in deadline order; which
    # goroutine then runs first is the OS's business, so the order is
    # recorded where the timer thread starts them.
    import gostd.time as timemod
    started: list[int] = []
    real_go = timemod._go

    def recording_go(f):  # type: ignore[no-untyped-def]
        if hasattr(f, "i"):     # not another test's leftover timer
            started.append(f.i)
        return real_go(f)

    monkeypatch.setattr(timemod, "_go", recording_go)
    out: Chan[int] = Chan(50)
    delays = [((i * 7) % 25) * 2 * MS for i in range(25)]
    timers = []
    for i, d in enumerate(delays):
        def f(i: int = i) -> None:
            out.send(i)
        f.i = i  # type: ignore[attr-defined]
        timers.append(gt.after_func(d, f))
    got = [recv_within(out)[0] for _ in range(25)]
    assert sorted(got) == list(range(25))
    # Deadlines are creation time plus delay: sort by the deadline each got.
    assert started == sorted(range(25), key=lambda i: (timers[i]._when, i))


def test_timer_stop_before_fire() -> None:
    t = gt.Timer(50 * MS)
    assert t.stop() is True
    assert t.stop() is False
    assert nothing_within(t.c, 100 * MS)


def test_timer_stop_after_received_returns_false() -> None:
    t = gt.new_timer(10 * MS)
    recv_within(t.c)
    assert t.stop() is False


def test_timer_stop_discards_unreceived_value() -> None:
    # Go 1.23: a fired but unreceived value counts as pending; no stale receive after stop.
    t = gt.Timer(5 * MS)
    time.sleep(50 * MS)
    assert t.stop() is True
    assert nothing_within(t.c, 30 * MS)


def test_timer_reset() -> None:
    t = gt.Timer(gt.Hour)                   # only the reset can make it fire in time
    start = time.monotonic()
    assert t.reset(30 * MS) is True         # was active
    recv_within(t.c)
    assert time.monotonic() - start >= 0.029
    assert t.reset(10 * MS) is False        # had expired
    recv_within(t.c)
    t.stop()
    assert t.reset(10 * MS) is False        # had been stopped
    recv_within(t.c)


def test_timer_reset_drops_stale_value() -> None:
    t = gt.Timer(1 * MS)
    time.sleep(30 * MS)                      # fired, value waiting in c
    start = time.monotonic()
    assert t.reset(60 * MS) is True
    recv_within(t.c)
    assert time.monotonic() - start >= 0.059  # the stale value was not the one received


def test_after_func_runs_f_in_goroutine() -> None:
    ran: Chan[str] = Chan(1)
    main = threading.current_thread()
    t = gt.after_func(20 * MS, lambda: ran.send(threading.current_thread().name))
    assert t.c is None
    name, _ = recv_within(ran)
    assert name != main.name and name.startswith("goroutine-")
    assert t.stop() is False


def test_after_func_stop_prevents_call() -> None:
    ran = threading.Event()
    t = gt.after_func(30 * MS, ran.set)
    assert t.stop() is True
    assert not ran.wait(0.1)
    assert t.reset(10 * MS) is False
    assert ran.wait(TIMEOUT)


def test_after_func_rejects_non_callable() -> None:
    with pytest.raises(TypeError):
        gt.after_func(1, 3)  # type: ignore[arg-type]


def test_ticker_ticks_regularly() -> None:
    tk = gt.Ticker(10 * MS)
    start = time.monotonic()
    for _ in range(10):
        recv_within(tk.c)
    elapsed = time.monotonic() - start
    tk.stop()
    assert elapsed >= 0.095       # never faster than the period
    assert tk.c.cap == 0          # Go 1.23: timer channels present as unbuffered


def test_ticker_drops_ticks_for_slow_receiver() -> None:
    tk = gt.new_ticker(5 * MS)
    time.sleep(100 * MS)                     # ~20 ticks due, room for one
    woke = time.time()
    assert len(tk.c) == 0                    # Go 1.23: len of a timer channel is always 0
    # Each tick carries the time it fired: of the ticks received from now on,
    # at most one (the one kept) fired while we slept -- no backlog of 20.
    ticks = [recv_within(tk.c)[0] for _ in range(4)]
    tk.stop()
    assert ticks == sorted(ticks)
    assert sum(1 for t in ticks if t < woke) <= 1, (woke, ticks)


def test_ticker_stop_and_reset() -> None:
    tk = gt.Ticker(10 * MS)
    recv_within(tk.c)
    tk.stop()
    assert nothing_within(tk.c, 50 * MS)
    tk.reset(20 * MS)
    start = time.monotonic()
    recv_within(tk.c)
    recv_within(tk.c)
    assert time.monotonic() - start >= 0.039
    tk.stop()


def test_ticker_non_positive_interval_panics() -> None:
    for d in (0, -1, -0.5):
        with pytest.raises(Panic) as info:
            gt.Ticker(d)
        assert str(info.value) == "non-positive interval for NewTicker"
    tk = gt.Ticker(1.0)
    with pytest.raises(Panic, match="^non-positive interval for Ticker.Reset$"):
        tk.reset(0)
    tk.stop()


def test_tick() -> None:
    assert gt.tick(0) is None
    assert gt.tick(-1) is None
    c = gt.tick(5 * MS)
    assert c is not None
    recv_within(c)
    recv_within(c)


def test_ticker_with_select_loop_like_the_rpc_example() -> None:
    # The seed's pattern: select over a result channel and a 1 ms ticker, ticking while waiting.
    done: Chan[str] = Chan(1)
    go(lambda: (time.sleep(0.05), done.send("result")))
    tk = gt.Ticker(1 * MS)
    ticks = 0
    deadline = gt.after(TIMEOUT)
    while True:
        i, v = select(done.recv, tk.c.recv, deadline.recv)
        assert i != 2, "timed out"
        if i == 0:
            break
        ticks += 1
    tk.stop()
    assert v == "result"
    assert ticks >= 5


def test_closing_a_timer_channel_does_not_stop_other_timers() -> None:
    t = gt.Timer(1 * MS)
    t.c.close()                      # Go forbids this statically; here it must be harmless
    time.sleep(20 * MS)
    recv_within(gt.after(5 * MS))    # the timer thread still works


def test_unreferenced_ticker_is_collected() -> None:
    # Go 1.23: a ticker nobody can receive from is garbage-collected, never stopped.
    import gc
    import weakref
    tk = gt.Ticker(1 * MS)
    c = tk.c
    ref = weakref.ref(tk)
    del tk
    gc.collect()
    assert ref() is not None          # still reachable through its channel
    recv_within(c)
    del c
    deadline = time.monotonic() + TIMEOUT
    while ref() is not None:
        assert time.monotonic() < deadline, "an unreachable ticker was kept alive"
        gc.collect()
        time.sleep(2 * MS)


def test_timer_held_only_through_its_channel_still_fires() -> None:
    import gc
    c = gt.after(30 * MS)
    gc.collect()
    recv_within(c)
    d = gt.tick(5 * MS)
    assert d is not None
    gc.collect()
    recv_within(d)
    recv_within(d)


def test_after_func_fires_without_references() -> None:
    import gc
    ran = threading.Event()
    gt.after_func(20 * MS, ran.set)
    gc.collect()
    assert ran.wait(TIMEOUT)
