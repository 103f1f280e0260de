"""gostd.context beyond Go's own tests: the Python surface (receive-only done
channels, errors as exceptions, reprs), no recursion on deep chains, no
thread per context, and cancellation racing with derivation on real threads."""

from __future__ import annotations

import threading
import time as _pytime

import pytest

from gostd import Chan, go, select
from gostd import context
from gostd import time
from gostd.context import (Canceled, Context, DeadlineExceeded, after_func, background, cause,
                           with_cancel, with_cancel_cause, with_deadline, with_timeout,
                           with_value, without_cancel)
from gostd.context._deadline import format_duration
from gostd.context._errors import raised
from gostd_testutil import TIMEOUT, join, wait_until


def is_done(c: Context) -> bool:
    return select(c.done().recv, default=True)[0] == 0


def test_done_is_receive_only() -> None:
    for ctx in (background(), with_cancel(background())[0]):
        d = ctx.done()
        with pytest.raises(TypeError, match="cannot close receive-only channel"):
            d.close()
        with pytest.raises(TypeError, match="cannot send to receive-only channel"):
            d.send(None)
        with pytest.raises(TypeError, match="select case must be"):
            select((d.send, None), default=True)
        assert ctx.done() is d  # successive calls return the same channel


def test_never_canceled_contexts_share_a_never_closed_channel() -> None:
    ctx = background()
    assert ctx.done() is context.todo().done() is without_cancel(ctx).done()
    assert select(ctx.done().recv, default=True) == (-1, None)
    ch: Chan[int] = Chan(1)
    ch.send(7)
    assert select(ctx.done().recv, ch.recv) == (1, 7)


def test_err_and_cause_are_exceptions() -> None:
    ctx, cancel = with_cancel(background())
    assert ctx.err() is None and cause(ctx) is None
    cancel()
    err = ctx.err()
    assert isinstance(err, Canceled) and str(err) == "context canceled"
    assert ctx.err() is err and cause(ctx) is err  # the same object every time
    cancel()  # twice: harmless, nothing changes
    assert ctx.err() is err
    with pytest.raises(Canceled, match="^context canceled$"):
        raise raised(ctx)
    assert raised(ctx) is not err and type(raised(ctx)) is Canceled
    assert raised(ctx).__traceback__ is None


def test_raised_copies_a_custom_contexts_error() -> None:
    class Failing(Context):
        def __init__(self, err: BaseException | None) -> None:
            self.e = err

        def deadline(self):
            return 0.0, False

        def done(self):
            return context.background().done()

        def err(self):
            return self.e

        def value(self, key):
            return None

    mine = KeyError("mine")
    got = raised(Failing(mine))
    assert type(got) is KeyError and got.args == ("mine",) and got is not mine
    assert type(raised(Failing(None))) is Canceled   # done without an error: a broken context


def test_deadline_exceeded_is_caught_as_timeout() -> None:
    ctx, cancel = with_timeout(background(), -1)
    with pytest.raises(TimeoutError, match="^context deadline exceeded$"):
        raise raised(ctx)
    assert isinstance(ctx.err(), DeadlineExceeded)
    cancel()
    assert isinstance(ctx.err(), DeadlineExceeded)  # cancel after expiry changes nothing


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="parent must be a Context, not int"):
        with_cancel(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NaN"):
        with_timeout(background(), float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        with_deadline(background(), float("nan"))
    with pytest.raises(TypeError, match="not callable"):
        after_func(background(), 3)  # type: ignore[arg-type]
    _, cancel = with_cancel_cause(background())
    with pytest.raises(TypeError, match="cause must be an exception"):
        cancel("why")  # type: ignore[arg-type]


def test_deadlines() -> None:
    bg = background()
    assert bg.deadline() == (0.0, False)
    d = _pytime.time() + 100
    p, pc = with_deadline(bg, d)
    assert p.deadline() == (d, True)
    later, lc = with_deadline(p, d + 50)       # the parent's comes first: WithCancel
    assert later.deadline() == (d, True)
    assert repr(later).endswith(".WithCancel")
    sooner, sc = with_timeout(with_value(p, "k", 1), 10)
    dl, ok = sooner.deadline()
    assert ok and dl < d
    assert without_cancel(p).deadline() == (0.0, False)
    never_ctx, nc = with_timeout(bg, float("inf"))
    assert not is_done(never_ctx)
    for c in (pc, lc, sc, nc):
        c()


def test_repr_forms() -> None:
    bg = background()
    c, cancel = with_cancel(bg)
    assert repr(c) == "context.Background.WithCancel"
    assert repr(with_value(c, "user", 42)) == "context.Background.WithCancel.WithValue(user, int)"
    t, tc = with_timeout(c, 90)
    r = repr(t)
    assert r.startswith("context.Background.WithCancel.WithDeadline(") and r.endswith("s])"), r
    assert " [1m29." in r or " [1m30s]" in r, r
    assert repr(without_cancel(c)) == "context.Background.WithCancel.WithoutCancel"
    assert repr(context.todo()) == "context.TODO"
    tc()
    cancel()


@pytest.mark.parametrize("seconds,text", [
    (0, "0s"), (1e-9, "1ns"), (999e-9, "999ns"), (1.5e-6, "1.5µs"), (1.5e-3, "1.5ms"),
    (0.9999, "999.9ms"), (1.5, "1.5s"), (60, "1m0s"), (61.25, "1m1.25s"), (3600, "1h0m0s"),
    (3723.5, "1h2m3.5s"), (-1.5, "-1.5s"), (-2e-9, "-2ns"),
])
def test_format_duration_is_gos(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_deep_chains_need_no_recursion() -> None:
    depth = 20 * 1000
    key = object()
    root, cancel = with_cancel_cause(with_value(background(), key, "root"))
    ctx: Context = root
    cancels = []
    for i in range(depth):
        if i % 3 == 0:
            ctx, c = with_cancel(ctx)
            cancels.append(c)
        elif i % 3 == 1:
            ctx = with_value(ctx, i, i)
        else:
            ctx, c = with_timeout(ctx, 1000)
            cancels.append(c)
    assert ctx.value(key) == "root" and ctx.value(1) == 1
    # Nested deadlines after the first one are later than it: WithCancel.
    n_cancel, n_timeout = len(range(0, depth, 3)), len(range(2, depth, 3))
    assert repr(ctx).count(".WithDeadline(") == 1
    assert repr(ctx).count(".WithCancel") == 1 + n_cancel + n_timeout - 1  # 1: the root
    because = ValueError("stop")
    cancel(because)
    assert is_done(ctx) and isinstance(ctx.err(), Canceled)
    assert cause(ctx) is because
    for c in cancels:
        c()


def new_threads(before: set[int]) -> list[str]:
    return [t.name for t in threading.enumerate()
            if t.ident not in before and t.name != "gostd-timers"]


def test_no_thread_per_context() -> None:
    before = {t.ident for t in threading.enumerate()}
    parent, cancel = with_cancel(background())
    ctxs = []
    for i in range(300):
        c, _ = with_timeout(parent if i % 2 else background(), 0.001 * (i % 7))
        ctxs.append(c)
        ctxs.append(with_cancel(c)[0])
        ctxs.append(with_value(c, "k", i))
    assert new_threads(before) == []
    for c in ctxs:  # deadlines expire on the shared timer thread, starting none
        i, _ = select(c.done().recv, time.after(TIMEOUT).recv)
        assert i == 0
        assert isinstance(c.err(), DeadlineExceeded)
    cancel()
    assert new_threads(before) == []


def test_cancel_disarms_the_timer_and_unhooks_the_child() -> None:
    parent, pcancel = with_cancel(background())
    c, cancel = with_timeout(parent, 1000)
    timer = c._timer
    assert timer is not None and timer._active
    cancel()
    assert c._timer is None and not timer._active
    assert not parent._children
    c2, cancel2 = with_timeout(parent, 1000)
    t2 = c2._timer
    pcancel()                       # canceled by the parent: also disarmed
    assert c2._timer is None and not t2._active
    cancel2()


def test_custom_parent_watcher_ends_with_the_child() -> None:
    class Plain(Context):  # no after_func, a done channel of its own
        def __init__(self) -> None:
            self.ch: Chan[None] = Chan()

        def deadline(self):
            return 0.0, False

        def done(self):
            return self.ch

        def err(self):
            return Canceled() if self.ch.closed else None

        def value(self, key):
            return None

    p = Plain()
    watchers = lambda: [t for t in threading.enumerate() if "(_watch)" in t.name]  # noqa: E731
    n = len(watchers())
    child, cancel = with_cancel(p)
    assert len(watchers()) == n + 1
    cancel()
    wait_until(lambda: len(watchers()) == n)
    child2, cancel2 = with_cancel(p)
    p.ch.close()
    wait_until(lambda: is_done(child2))
    assert isinstance(child2.err(), Canceled)
    assert repr(child2) == f"{__name__}.{Plain.__qualname__}.WithCancel"
    cancel2()


def test_child_never_touches_parent() -> None:
    parent, pcancel = with_cancel(background())
    children = [with_cancel(parent), with_timeout(parent, 0), with_cancel_cause(parent)]
    for _, c in children:
        c() if c.__code__.co_argcount == 0 else c(ValueError("x"))  # type: ignore[call-arg]
    assert parent.err() is None and not is_done(parent)
    assert not parent._children
    pcancel()


@pytest.mark.parametrize("round", range(3))
def test_deriving_while_the_parent_is_canceled(round: int) -> None:
    """Children made while another thread cancels the parent are all canceled,
    with the parent's error and cause, whether made before, during or after."""
    for _ in range(40):
        gate = threading.Barrier(5)
        root, cancel = with_cancel_cause(background())
        parent = with_value(root, "k", "v")
        because = ValueError("shutdown")
        made: list[Context] = []
        lock = threading.Lock()
        fired: list[int] = []

        def derive(kind: int) -> None:
            gate.wait()
            for _ in range(30):
                if kind == 0:
                    c, _ = with_cancel(parent)
                elif kind == 1:
                    c, _ = with_timeout(parent, 1000)
                elif kind == 2:
                    c = with_value(with_cancel(parent)[0], "x", 1)
                else:
                    after_func(parent, lambda: fired.append(1))
                    c = parent
                with lock:
                    made.append(c)

        threads = [go(derive, k) for k in range(4)]
        gate.wait()
        cancel(because)
        join(*threads)
        for c in made:
            assert is_done(c)
            assert c.err() is root.err()
            assert cause(c) is because
        wait_until(lambda: len(fired) == 30)


def test_cancel_returns_only_when_the_subtree_is_done() -> None:
    for _ in range(20):
        root, cancel = with_cancel(background())
        leaves = []
        for _ in range(20):
            mid, _ = with_cancel(root)
            for _ in range(10):
                leaves.append(with_timeout(with_value(mid, 1, 2), 100)[0])
        bad: list[int] = []

        def cancel_and_check() -> None:
            cancel()
            bad.extend(i for i, c in enumerate(leaves) if not is_done(c))

        join(*[go(cancel_and_check) for _ in range(3)])
        assert bad == []


def test_after_func_runs_exactly_once_or_is_stopped() -> None:
    for _ in range(200):
        ctx, cancel = with_cancel(background())
        runs: list[int] = []
        ran: Chan[None] = Chan(1)
        stop = after_func(ctx, lambda: (runs.append(1), ran.send(None)))
        results: list[bool] = []
        ts = [go(cancel), go(cancel), go(lambda: results.append(stop()))]
        join(*ts)
        if results[0]:
            assert select(ran.recv, time.after(0.01).recv)[0] == 1
            assert runs == []
        else:
            assert select(ran.recv, time.after(TIMEOUT).recv)[0] == 0
            assert runs == [1]
        assert stop() is False
