"""Acceptance-style scenarios written from Go's documentation and idioms.

Each test is a small Go program's shape (pipelines, fan-in, quit channels,
timeouts, timer draining, ...) run with real goroutines; every blocking step
is bounded, so a wrong implementation fails instead of hanging.
"""

from __future__ import annotations

import gc
import os
import signal
import struct
import threading

import pytest

import gostd.time as gt
from gostd import Chan, Panic, go, select
from gostd.sync import Cond, Map, Mutex, Once, Pool, WaitGroup, once_func, once_value
from gostd.sync.atomic import Int32, Int64, Pointer, Uint32, Uint64, Uintptr, Value
from gostd_testutil import TIMEOUT, join, wait_until

pytestmark = pytest.mark.timeout(120)

MS = gt.Millisecond


def recv_within(ch: Chan, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    """``v, ok := <-ch``, failing (not hanging) if nothing arrives in time."""
    i, v = select(ch.recv_ok, gt.after(timeout).recv)
    assert i == 0, "no value arrived in time"
    return v


# ---- channels and select ---------------------------------------------------


def test_pipeline_gen_sq_sink() -> None:
    # The "Go Concurrency Patterns: Pipelines" program: gen -> sq -> sq -> sink.
    def gen(*nums: int) -> Chan[int]:
        out: Chan[int] = Chan()

        def run() -> None:
            for n in nums:
                out.send(n)
            out.close()
        go(run)
        return out

    def sq(inp: Chan[int]) -> Chan[int]:
        out: Chan[int] = Chan()

        def run() -> None:
            for n in inp:
                out.send(n * n)
            out.close()
        go(run)
        return out

    got: list = []
    t = go(lambda: got.extend(sq(sq(gen(*range(50))))))
    join(t)
    assert got == [n ** 4 for n in range(50)]


def test_fan_in_with_select_and_nil_channels() -> None:
    # merge(c1, c2): a closed input is switched off by setting it to nil
    # (here None), Go's idiom for disabling a select case.
    def producer(tag: str, n: int) -> Chan[str]:
        c: Chan[str] = Chan()

        def run() -> None:
            for i in range(n):
                c.send(f"{tag}{i}")
            c.close()
        go(run)
        return c

    c1, c2 = producer("a", 200), producer("b", 300)
    got = []
    ins: list = [c1, c2]
    while ins[0] is not None or ins[1] is not None:
        # `c and c.recv_ok`: None for a nil channel (a Chan is always true).
        i, (v, ok) = select(*(c and c.recv_ok for c in ins))
        if not ok:
            ins[i] = None
            continue
        got.append(v)
    assert sorted(got) == sorted([f"a{i}" for i in range(200)] + [f"b{i}" for i in range(300)])
    assert [v for v in got if v[0] == "a"] == [f"a{i}" for i in range(200)]  # per-sender order kept


def test_quit_channel_stops_a_producer_blocked_in_select_send() -> None:
    data: Chan[int] = Chan()
    quit: Chan[None] = Chan()
    sent = []

    def fib() -> None:
        x, y = 0, 1
        while True:
            i, _ = select((data.send, x), quit.recv)
            if i == 1:
                return
            sent.append(x)
            x, y = y, x + y

    t = go(fib)
    got = [data.recv() for _ in range(10)]
    quit.close()
    join(t)
    assert got == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    assert sent == got          # the value offered when quit arrived was not sent


def test_timeout_with_select_on_after() -> None:
    never: Chan[int] = Chan()
    i, v = select(never.recv, gt.after(20 * MS).recv)
    assert i == 1 and isinstance(v, float)
    # A ready channel wins over a far timeout.
    ready: Chan[int] = Chan(1)
    ready.send(7)
    assert select(ready.recv, gt.after(TIMEOUT).recv) == (0, 7)


def test_close_wakes_every_blocked_receiver_and_select() -> None:
    c: Chan[int] = Chan()
    others = [Chan() for _ in range(8)]
    results: list = []
    mu = threading.Lock()

    def plain() -> None:
        v = c.recv_ok()
        with mu:
            results.append(("recv", v))

    def selecting(o: Chan) -> None:
        v = select(o.recv, c.recv_ok)
        with mu:
            results.append(("select", v))

    ts = [go(plain) for _ in range(8)] + [go(selecting, o) for o in others]
    wait_until(lambda: len(c._recvq) == 16)
    c.close()
    join(*ts)
    assert sorted(results) == sorted([("recv", (None, False))] * 8
                                     + [("select", (1, (None, False)))] * 8)


def test_close_panics_every_sender_blocked_in_select() -> None:
    c: Chan[int] = Chan()
    other: Chan[int] = Chan()
    outcomes: list = []

    def sender(v: int) -> None:
        try:
            outcomes.append(select((c.send, v), other.recv))
        except Panic as e:
            outcomes.append(str(e))

    ts = [go(sender, v) for v in range(6)]
    wait_until(lambda: len(c._sendq) == 6)
    c.close()
    join(*ts)
    assert outcomes == ["send on closed channel"] * 6
    # The surviving case's channel is left clean: no stale waiters.
    assert len(other._recvq) == 0 and len(c._sendq) == 0


def test_select_with_only_nil_cases_and_default() -> None:
    assert select(None, (None, 1), default=True) == (-1, None)
    c = gt.tick(0)                       # Go: Tick(d <= 0) is nil
    assert c is None
    assert select(c and c.recv, default=True) == (-1, None)


def test_select_forever_without_cases_blocks() -> None:
    # Go's `select {}` blocks forever; so does select() with no cases.
    t = go(select)
    t.join(0.05)
    assert t.is_alive()


# ---- time ------------------------------------------------------------------


def test_timer_channels_present_as_unbuffered_like_go_1_23() -> None:
    # Go 1.23: len(t.C) and cap(t.C) are 0 for timers and tickers, always.
    t = gt.Timer(0)
    tk = gt.Ticker(MS)
    try:
        wait_until(lambda: t.c._buf and tk.c._buf)     # both fired, unreceived
        assert (len(t.c), t.c.cap, len(tk.c), tk.c.cap) == (0, 0, 0, 0)
        assert bool(t.c) and bool(tk.c)                 # still usable as `c and c.recv`
        assert "cap=0" in repr(t.c)
    finally:
        tk.stop()


def test_timer_stop_and_reset_return_values_and_no_stale_values() -> None:
    # Go 1.23's testTimerChan, the synctimerchan branch.
    t = gt.Timer(MS)
    wait_until(lambda: t.c._buf)         # fired, not received
    assert t.stop() is True              # counts as stopping it: the value is dropped
    assert select(t.c.recv, default=True) == (-1, None)
    assert t.stop() is False
    assert t.reset(gt.Hour) is False     # was stopped
    assert t.reset(MS) is True           # was active
    recv_within(t.c)
    assert t.reset(gt.Hour) is False     # expired and received
    assert t.stop() is True
    # The old "if !t.Stop() { <-t.C }" drain idiom never blocks on a fired timer.
    t = gt.Timer(0)
    wait_until(lambda: t.c._buf)
    if not t.stop():
        recv_within(t.c)


def test_after_func_stop_before_and_after() -> None:
    ran = Chan(1)
    f = gt.after_func(gt.Hour, lambda: ran.send(1))
    assert f.c is None
    assert f.stop() is True and f.stop() is False
    f = gt.after_func(0, lambda: ran.send(2))
    assert recv_within(ran) == (2, True)
    assert f.stop() is False             # already ran


def test_ticker_reset_changes_period_and_stop_silences() -> None:
    tk = gt.Ticker(gt.Hour)
    tk.reset(MS)
    recv_within(tk.c)
    recv_within(tk.c)
    tk.stop()
    gt.sleep(10 * MS)
    assert select(tk.c.recv, default=True) == (-1, None)


def test_after_in_a_select_loop_does_not_grow_the_timer_heap() -> None:
    # for { select { case v := <-ch: ...; case <-time.After(time.Hour): } }
    # Every iteration abandons a far-off timer; Go 1.23 collects them.
    # (A timer and its channel form a cycle, so they go at the next cyclic
    # collection; the loop collects now and then, as a real program's
    # allocations would, rather than depend on the collector's thresholds.)
    import gostd.time as timemod
    ch: Chan[int] = Chan(1)
    biggest = 0
    for i in range(20000):
        ch.send(i)
        assert select(ch.recv, gt.after(gt.Hour).recv) == (0, i)
        if i % 500 == 0:
            gc.collect()
        biggest = max(biggest, len(timemod._heap))
    assert biggest < 5000                # not one entry per iteration


def test_idle_timeout_reset_per_message_does_not_grow_the_timer_heap() -> None:
    # An idle timer reset on every message, behind an earlier armed timer.
    import gostd.time as timemod
    head = gt.Timer(gt.Hour / 2)
    idle = gt.Timer(gt.Hour)
    try:
        for i in range(20000):
            assert idle.reset(gt.Hour + i * gt.Microsecond) is True
        assert len(timemod._heap) < 5000
    finally:
        head.stop()
        idle.stop()


def test_after_func_that_cannot_start_is_reported_and_timers_keep_working(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import gostd.time as timemod
    real_go = timemod._go
    failed = threading.Event()
    reported: list = []

    def go_once_failing(f):  # type: ignore[no-untyped-def]
        if not failed.is_set():
            failed.set()
            raise RuntimeError("can't start new thread")
        return real_go(f)

    monkeypatch.setattr(timemod, "_go", go_once_failing)
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_value))
    gt.after_func(0, lambda: None)
    wait_until(lambda: reported)
    assert isinstance(reported[0], RuntimeError)
    # Bounded by threading, not by gostd timers: a dead timer thread must fail, not hang.
    ran = threading.Event()
    gt.after_func(0, ran.set)
    assert ran.wait(TIMEOUT), "the timer thread died"
    join(go(gt.after(MS).recv))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_timers_work_in_a_forked_child() -> None:
    # The child inherits no timer thread; armed timers and new ones still fire.
    assert recv_within(gt.after(0))[1]             # the parent's timer thread runs
    armed = gt.Timer(20 * MS)
    pid = os.fork()
    if pid == 0:                                   # pragma: no cover -- the child
        signal.alarm(int(2 * TIMEOUT))             # a hung child dies (SIGALRM) instead
        code = 1
        try:
            fresh = select(gt.after(MS).recv, gt.after(TIMEOUT).recv)[0] == 0
            inherited = select(armed.c.recv, gt.after(TIMEOUT).recv)[0] == 0
            code = 0 if fresh and inherited else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


# ---- sync ------------------------------------------------------------------


def test_once_is_done_even_when_f_raises() -> None:
    o = Once()
    calls = []

    def boom() -> None:
        calls.append(1)
        raise ValueError("boom")

    with pytest.raises(ValueError):
        o.do(boom)
    o.do(boom)
    o.do(lambda: calls.append(2))
    assert calls == [1]


def test_once_value_and_func_raise_the_same_exception_every_call() -> None:
    calls = []

    def boom() -> int:
        calls.append(1)
        raise KeyError("k")

    for helper in (once_value(boom), once_func(boom)):
        seen = []
        for _ in range(3):
            with pytest.raises(KeyError) as info:
                helper()
            seen.append(info.value)
        # f's own exception first; then one copy without f's frames, every time.
        assert seen[1] is seen[2] and seen[0].args == seen[1].args == ("k",)
    assert calls == [1, 1]


def test_cond_signal_wakes_waiters_in_order() -> None:
    mu = Mutex()
    c = Cond(mu)
    waiting = 0
    woke: list[int] = []

    def waiter(i: int) -> None:
        nonlocal waiting
        with mu:
            waiting += 1
            c.wait()
            woke.append(i)

    ts = []
    for i in range(5):
        ts.append(go(waiter, i))
        wait_until(lambda: waiting == i + 1)   # parked in order
    for n in range(1, 6):
        c.signal()
        wait_until(lambda: len(woke) == n)
    join(*ts)
    assert woke == [0, 1, 2, 3, 4]


def test_pool_without_new_returns_none() -> None:
    p: Pool[bytes] = Pool()
    assert p.get() is None
    p.put(b"x")
    assert p.get() == b"x"
    assert p.get() is None


def test_map_range_while_deleting_visits_each_key_once() -> None:
    m: Map[int, int] = Map()
    for i in range(100):
        m.store(i, i)
    seen = []

    def f(k: int, v: int) -> bool:
        seen.append(k)
        m.delete(k)
        m.delete(99 - k)          # a key deleted before its visit is not visited
        return True

    m.range(f)
    assert len(seen) == len(set(seen)) == 50
    assert not list(m.items())


def test_waitgroup_fan_out_with_results_over_a_channel() -> None:
    wg = WaitGroup()
    results: Chan[int] = Chan(100)
    for i in range(100):
        wg.go(results.send, i * 2)
    t = go(lambda: (wg.wait(), results.close()))
    join(t)
    assert sorted(results) == [i * 2 for i in range(100)]


# ---- atomic ----------------------------------------------------------------


@pytest.mark.parametrize("typ, bits, signed", [
    (Int32, 32, True), (Int64, 64, True), (Uint32, 32, False), (Uint64, 64, False),
    (Uintptr, 8 * struct.calcsize("P"), False),
])
def test_atomic_wraps_at_each_width(typ, bits, signed) -> None:  # type: ignore[no-untyped-def]
    top = 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1
    bottom = -(2 ** (bits - 1)) if signed else 0
    a = typ(top)
    assert a.add(1) == bottom
    assert a.add(-1) == top
    with pytest.raises(OverflowError):
        a.store(top + 1)
    with pytest.raises(OverflowError):
        a.store(bottom - 1)
    a.store(0b1100)
    assert a.and_(0b1010) == 0b1100 and a.load() == 0b1000    # old value returned
    assert a.or_(0b0011) == 0b1000 and a.load() == 0b1011


def test_value_compare_and_swap_type_rules() -> None:
    v = Value()
    assert v.compare_and_swap(1, 2) is False          # empty: only nil old matches
    assert v.compare_and_swap(None, 1) is True
    with pytest.raises(Panic, match="^sync/atomic: compare and swap of inconsistently typed values$"):
        v.compare_and_swap(1, "x")
    with pytest.raises(Panic, match="inconsistently typed value into Value$"):
        v.compare_and_swap("x", "y")
    with pytest.raises(Panic, match="^sync/atomic: compare and swap of nil value into Value$"):
        v.compare_and_swap(1, None)
    assert v.compare_and_swap(1, 5) is True and v.load() == 5


def test_pointer_compares_identity_not_equality() -> None:
    a, b = [1], [1]
    p: Pointer[list] = Pointer(a)
    assert p.compare_and_swap(b, b) is False          # equal but not the same object
    assert p.compare_and_swap(a, b) is True and p.load() is b


def test_counter_from_many_goroutines_with_atomics() -> None:
    n = Int64()
    wg = WaitGroup()
    for _ in range(50):
        wg.go(lambda: [n.add(1) for _ in range(200)])
    done = go(wg.wait)
    join(done)
    assert n.load() == 10000


def test_compare_and_swap_uses_go_equality_nan_never_matches() -> None:
    # Go compares with ==, and NaN != NaN: CAS against a stored NaN fails even
    # when handed the very same object (Python's `in` would match it).
    nan = float("nan")
    v = Value()
    v.store(nan)
    assert v.compare_and_swap(nan, 1.0) is False and v.load() is nan
    m: Map[str, float] = Map()
    m.store("k", nan)
    assert m.compare_and_swap("k", nan, 1.0) is False
    assert m.compare_and_delete("k", nan) is False
    assert m.load("k")[0] is nan
    # Ordinary values still match by ==, not identity.
    m.store("j", 1000.5)
    assert m.compare_and_swap("j", 1000.5, 2.0) is True


def test_compare_with_value_that_has_no_truth_raises_like_gos_uncomparable_panic() -> None:
    class Uncomparable:
        def __eq__(self, other: object) -> object:
            return self                     # like a NumPy array's elementwise ==

        def __bool__(self) -> bool:
            raise TypeError("comparing uncomparable type")

        __hash__ = object.__hash__

    u = Uncomparable()
    m: Map[str, object] = Map()
    m.store("k", u)
    with pytest.raises(TypeError, match="uncomparable"):
        m.compare_and_swap("k", u, 1)
    assert m.load("k") == (u, True)
    v = Value()
    v.store(u)
    with pytest.raises(TypeError, match="uncomparable"):
        v.compare_and_swap(u, Uncomparable())
    assert v.load() is u
