"""Go's context tests, ported: context_test.go (1.19), x_test.go and
afterfunc_test.go (1.21+: causes, without_cancel, after_func, custom
contexts).  Unexported details Go's tests read (children maps, the
goroutine counter) are read here through the private attributes."""

from __future__ import annotations

import random
import threading

import pytest

from gostd import Chan, Panic, go, select
from gostd import context
from gostd import time
from gostd.context import _cancel
from gostd.context import (Canceled, Context, DeadlineExceeded, after_func, background, cause,
                           todo, with_cancel, with_cancel_cause, with_deadline, with_timeout,
                           with_timeout_cause, with_value, without_cancel)
from gostd_testutil import TIMEOUT, join

import time as _pytime

short = 1 * time.Millisecond       # a reasonable duration to block in a test
very_long = 1000 * time.Hour       # an arbitrary upper bound on the test's running time


class OtherContext(Context):
    """A Context not defined by the package (Go's ``otherContext{Context}``)."""

    def __init__(self, c: Context) -> None:
        self.c = c

    def deadline(self):
        return self.c.deadline()

    def done(self):
        return self.c.done()

    def err(self):
        return self.c.err()

    def value(self, key):
        return self.c.value(key)


def blocks(c: Context) -> bool:
    return select(c.done().recv, default=True)[0] == -1


def wait_done(c: Context, what: str = "ctx") -> None:
    i, _ = select(c.done().recv, time.after(TIMEOUT).recv)
    assert i == 0, f"{what}: context not done after {TIMEOUT}s"


def test_background() -> None:
    c = background()
    assert c is not None
    assert blocks(c)
    assert repr(c) == "context.Background"
    assert str(c) == "context.Background"


def test_todo() -> None:
    c = todo()
    assert blocks(c)
    assert repr(c) == "context.TODO"


def test_with_cancel() -> None:
    c1, cancel = with_cancel(background())
    assert repr(c1) == "context.Background.WithCancel"
    o = OtherContext(c1)
    c2, _ = with_cancel(o)
    contexts = [c1, o, c2]
    for c in contexts:
        assert c.done() is not None
        assert c.err() is None
        assert blocks(c)
    cancel()  # should propagate synchronously
    for i, c in enumerate(contexts):
        assert not blocks(c), f"<-c[{i}].done() blocked, but shouldn't have"
        assert isinstance(c.err(), Canceled)


def test_parent_finishes_child() -> None:
    # parent -> cancel_child; parent -> value_child -> timer_child
    parent, cancel = with_cancel(background())
    cancel_child, stop1 = with_cancel(parent)
    value_child = with_value(parent, "key", "value")
    timer_child, stop2 = with_timeout(value_child, very_long)
    try:
        for c in (parent, cancel_child, value_child, timer_child):
            assert blocks(c)
        # The parent's children are the two cancelable children.
        assert set(parent._children) == {cancel_child, timer_child}
        assert _cancel._parent_cancel_ctx(cancel_child._parent) is parent
        assert _cancel._parent_cancel_ctx(timer_child._parent) is parent
        cancel()
        assert not parent._children
        for name, c in [("parent", parent), ("cancel_child", cancel_child),
                        ("value_child", value_child), ("timer_child", timer_child)]:
            assert not blocks(c), f"<-{name}.done() blocked"
            assert isinstance(c.err(), Canceled), name
        # One cancellation, one error: the children report the parent's.
        assert cancel_child.err() is parent.err() is timer_child.err()
        precanceled = with_value(parent, "key", "value")
        assert not blocks(precanceled)
        assert isinstance(precanceled.err(), Canceled)
    finally:
        stop1()
        stop2()


def test_child_finishes_first() -> None:
    cancelable, stop = with_cancel(background())
    try:
        for parent in (background(), cancelable):
            child, cancel = with_cancel(parent)
            assert blocks(parent) and blocks(child)
            pc = parent if parent is cancelable else None
            assert _cancel._parent_cancel_ctx(child._parent) is pc
            if pc is not None:
                assert list(pc._children) == [child]
            cancel()
            if pc is not None:
                assert not pc._children, "child's cancel didn't remove self from parent"
            assert not blocks(child)
            assert isinstance(child.err(), Canceled)
            assert blocks(parent)
            assert parent.err() is None
    finally:
        stop()


def check_deadline(c: Context, name: str) -> None:
    wait_done(c, name)
    assert isinstance(c.err(), DeadlineExceeded), f"{name}: c.err() == {c.err()!r}"


def test_deadline() -> None:
    c, _ = with_deadline(background(), _pytime.time() + short)
    assert repr(c).startswith("context.Background.WithDeadline("), repr(c)
    check_deadline(c, "with_deadline")

    c, _ = with_deadline(background(), _pytime.time() + short)
    check_deadline(OtherContext(c), "with_deadline+OtherContext")

    c, _ = with_deadline(background(), _pytime.time() + short)
    c, _ = with_deadline(OtherContext(c), _pytime.time() + very_long)
    check_deadline(c, "with_deadline+OtherContext+with_deadline")

    c, _ = with_deadline(background(), _pytime.time() - short)
    check_deadline(c, "with_deadline+inthepast")

    c, _ = with_deadline(background(), _pytime.time())
    check_deadline(c, "with_deadline+now")


def test_timeout() -> None:
    c, _ = with_timeout(background(), short)
    assert repr(c).startswith("context.Background.WithDeadline("), repr(c)
    check_deadline(c, "with_timeout")

    c, _ = with_timeout(background(), short)
    check_deadline(OtherContext(c), "with_timeout+OtherContext")

    c, _ = with_timeout(background(), short)
    c, _ = with_timeout(OtherContext(c), very_long)
    check_deadline(c, "with_timeout+OtherContext+with_timeout")


def test_canceled_timeout() -> None:
    c, _ = with_timeout(background(), 1.0)
    c, cancel = with_timeout(OtherContext(c), very_long)
    cancel()  # should propagate synchronously
    assert not blocks(c)
    assert isinstance(c.err(), Canceled)


class Key1(int):
    pass


class Key2(int):
    def __str__(self) -> str:
        return f"{type(self).__name__}({int(self)})"


k1 = Key1(1)
k2 = Key2(1)  # same int as k1, different type
k3 = Key2(3)  # same type as k2, different int


def test_values() -> None:
    def check(c: Context, nm: str, v1: str, v2: str, v3: str) -> None:
        for k, want in ((k1, v1), (k2, v2), (k3, v3)):
            got = c.value(k)
            assert (got if got is not None else "") == want, f"{nm}.value({k!r}) = {got!r}, want {want!r}"

    c0 = background()
    check(c0, "c0", "", "", "")
    c1 = with_value(background(), k1, "c1k1")
    check(c1, "c1", "c1k1", "", "")
    mod = __name__
    assert repr(c1) == f"context.Background.WithValue({mod}.Key1, c1k1)"
    c2 = with_value(c1, k2, "c2k2")
    check(c2, "c2", "c1k1", "c2k2", "")
    assert repr(c2) == f"context.Background.WithValue({mod}.Key1, c1k1).WithValue(Key2(1), c2k2)"
    c3 = with_value(c2, k3, "c3k3")
    check(c3, "c3", "c1k1", "c2k2", "c3k3")
    c4 = with_value(c3, k1, None)
    check(c4, "c4", "", "c2k2", "c3k3")
    assert repr(c4) == (f"context.Background.WithValue({mod}.Key1, c1k1).WithValue(Key2(1), c2k2)"
                        f".WithValue(Key2(3), c3k3).WithValue({mod}.Key1, <nil>)")
    o0 = OtherContext(background())
    check(o0, "o0", "", "", "")
    o1 = OtherContext(with_value(background(), k1, "c1k1"))
    check(o1, "o1", "c1k1", "", "")
    o2 = with_value(o1, k2, "o2k2")
    check(o2, "o2", "c1k1", "o2k2", "")
    o3 = OtherContext(c4)
    check(o3, "o3", "", "c2k2", "c3k3")
    o4 = with_value(o3, k3, None)
    check(o4, "o4", "", "c2k2", "")


def test_simultaneous_cancels() -> None:
    for _ in range(5):
        root, cancel = with_cancel(background())
        m = {root: cancel}
        q = [root]
        while q and len(m) < 100:  # a tree of contexts
            parent = q.pop(0)
            for _ in range(4):
                ctx, c = with_cancel(parent)
                m[ctx] = c
                q.append(ctx)
        cancels = list(m.values())
        random.shuffle(cancels)
        threads = [go(c) for c in cancels]   # all the cancels, in a random order
        ctxs = list(m)
        random.shuffle(ctxs)
        for ctx in ctxs:
            wait_done(ctx)
        join(*threads)
        assert len({id(c.err()) for c in ctxs}) >= 1
        assert all(isinstance(c.err(), Canceled) for c in ctxs)


def test_interlocked_cancels() -> None:
    for _ in range(50):
        parent, cancel_parent = with_cancel(background())
        child, cancel_child = with_cancel(parent)
        t = go(lambda: (parent.done().recv(), cancel_child()))
        cancel_parent()
        wait_done(child, "child")
        join(t)


@pytest.mark.parametrize("timeout", [False, True])
def test_layers(timeout: bool) -> None:
    seed = random.randrange(1 << 30)
    r = random.Random(seed)
    vals: list[object] = []
    cancels = []
    num_timers = 0
    ctx: Context = background()
    i = 0
    while i < 30 or num_timers == 0 or not cancels or not vals:
        i += 1
        k = r.randrange(3)
        if k == 0:
            v = object()
            ctx = with_value(ctx, v, v)
            vals.append(v)
        elif k == 1:
            ctx, cancel = with_cancel(ctx)
            cancels.append(cancel)
        else:
            ctx, cancel = with_timeout(ctx, short if timeout else very_long)
            cancels.append(cancel)
            num_timers += 1

    def check_values(when: str) -> None:
        for key in vals:
            assert ctx.value(key) is key, f"seed={seed}: {when}"

    if not timeout:
        assert blocks(ctx), f"seed={seed}: ctx should not be canceled yet"
    assert repr(ctx).startswith("context.Background."), repr(ctx)
    check_values("before cancel")
    if timeout:
        wait_done(ctx)
        check_values("after timeout")
    else:
        r.choice(cancels)()
        assert not blocks(ctx), f"seed={seed}: ctx should be canceled"
        check_values("after cancel")
    for c in cancels:
        c()


def test_cancel_removes() -> None:
    def children(ctx: Context) -> int:
        return len(ctx._children or ())

    ctx, _ = with_cancel(background())
    assert children(ctx) == 0
    _, cancel = with_cancel(ctx)
    assert children(ctx) == 1
    cancel()
    assert children(ctx) == 0

    ctx, _ = with_cancel(background())
    _, cancel = with_timeout(ctx, 60 * time.Minute)
    assert children(ctx) == 1
    cancel()
    assert children(ctx) == 0


def test_with_cancel_canceled_parent() -> None:
    parent, pcancel = with_cancel_cause(background())
    because = ValueError("Because!")
    pcancel(because)
    c, _ = with_cancel(parent)
    assert not blocks(c), "child not done immediately upon construction"
    assert isinstance(c.err(), Canceled)
    assert cause(c) is because


def test_with_cancel_simultaneously_canceled_parent() -> None:
    # Cancel the parent concurrently with creating a child.
    for _ in range(100):
        parent, pcancel = with_cancel_cause(background())
        because = ValueError("Because!")
        t = go(pcancel, because)
        c, _ = with_cancel(parent)
        wait_done(c)
        assert isinstance(c.err(), Canceled)
        assert cause(c) is because
        join(t)


def test_with_value_checks_key() -> None:
    with pytest.raises(Panic, match="^key is not comparable$"):
        with_value(background(), [b"foo"], "bar")
    with pytest.raises(Panic, match="^nil key$"):
        with_value(background(), None, "bar")


def test_invalid_derived_fail() -> None:
    for make in (lambda: with_cancel(None), lambda: with_deadline(None, _pytime.time() + short),
                 lambda: with_value(None, "foo", "bar"), lambda: without_cancel(None),
                 lambda: with_cancel_cause(None), lambda: with_timeout(None, 1)):
        with pytest.raises(Panic, match="^cannot create context from nil parent$"):
            make()


def test_deadline_exceeded_supports_timeout() -> None:
    # Go: DeadlineExceeded has Timeout() == true; here it is a TimeoutError.
    assert issubclass(DeadlineExceeded, TimeoutError)
    assert str(DeadlineExceeded()) == "context deadline exceeded"
    assert str(Canceled()) == "context canceled"
    assert not issubclass(Canceled, TimeoutError)


class MyDoneCtx(OtherContext):
    """Go's ``myDoneCtx``: a fresh done channel on every call."""

    def done(self):
        return Chan()


def test_custom_context_goroutines() -> None:
    counter = _cancel.fallback_goroutines
    g = counter.load()

    def check_no_goroutine() -> None:
        assert counter.load() == g, f"{counter.load() - g} goroutines created"

    def check_created_goroutine() -> None:
        nonlocal g
        now = counter.load()
        assert now == g + 1, f"{now - g} goroutines created, want 1"
        g = now

    _, cancel0 = with_cancel(MyDoneCtx(background()))
    cancel0()
    check_created_goroutine()
    _, cancel0 = with_timeout(MyDoneCtx(background()), very_long)
    cancel0()
    check_created_goroutine()
    check_no_goroutine()

    ctx1, cancel1 = with_cancel(background())
    check_no_goroutine()
    ctx2 = OtherContext(ctx1)
    ctx3, cancel3 = with_cancel(ctx2)
    check_no_goroutine()
    _, cancel3b = with_cancel(MyDoneCtx(ctx2))
    check_created_goroutine()  # ctx1 is not providing done, must not be used
    ctx4, cancel4 = with_timeout(ctx3, very_long)
    check_no_goroutine()
    ctx5, cancel5 = with_cancel(ctx4)
    check_no_goroutine()
    cancel5()
    check_no_goroutine()
    _, cancel6 = with_timeout(ctx5, very_long)
    check_no_goroutine()
    # Applied to a canceled context.
    cancel6()
    cancel1()
    _, cancel7 = with_cancel(ctx5)
    check_no_goroutine()
    for c in (cancel7, cancel4, cancel3b, cancel3):
        c()
    check_no_goroutine()


# -- Go 1.20/1.21: causes, without_cancel, custom contexts, after_func --------

forever = 1e6
parent_cause = ValueError("parentCause")
child_cause = ValueError("childCause")
too_slow = ValueError("tooSlow")
finished_early = ValueError("finishedEarly")


def _cancel_then(make, *first):
    ctx, cancel = make
    cancel(*first)
    return ctx


def _cause_cases():
    def wc():
        ctx, cancel = with_cancel(background())
        cancel()
        return ctx

    def wcc(c):
        def f():
            ctx, cancel = with_cancel_cause(background())
            cancel(c)
            return ctx
        return f

    def nested(outer, inner, first_parent, pc, cc):
        def f():
            ctx, cancel_parent = outer(background())
            ctx, cancel_child = inner(ctx)
            calls = [lambda: cancel_parent(*pc), lambda: cancel_child(*cc)]
            if not first_parent:
                calls.reverse()
            for c in calls:
                c()
            return ctx
        return f

    def timeout(d, c=None, cancel_cause=None, without=False, stacked=False):
        def f():
            if stacked:
                ctx, cancel = with_cancel_cause(background())
                ctx, _ = with_timeout_cause(ctx, d, c)
                cancel(cancel_cause)
                return ctx
            ctx, cancel = with_timeout_cause(background(), d, c)
            if without:
                ctx = without_cancel(ctx)
            cancel()
            return ctx
        return f

    def without_canceled():
        ctx, cancel = with_cancel_cause(background())
        ctx = without_cancel(ctx)
        cancel(finished_early)
        return ctx

    return [
        ("Background", background, None, None),
        ("TODO", todo, None, None),
        ("WithCancel", wc, Canceled, Canceled),
        ("WithCancelCause", wcc(parent_cause), Canceled, parent_cause),
        ("WithCancelCause nil", wcc(None), Canceled, Canceled),
        ("parent cause before child", nested(with_cancel_cause, with_cancel_cause, True,
                                             (parent_cause,), (child_cause,)), Canceled, parent_cause),
        ("parent cause after child", nested(with_cancel_cause, with_cancel_cause, False,
                                            (parent_cause,), (child_cause,)), Canceled, child_cause),
        ("parent cause before nil", nested(with_cancel_cause, with_cancel, True,
                                           (parent_cause,), ()), Canceled, parent_cause),
        ("parent cause after nil", nested(with_cancel_cause, with_cancel, False,
                                          (parent_cause,), ()), Canceled, Canceled),
        ("child cause after nil", nested(with_cancel, with_cancel_cause, True,
                                         (), (child_cause,)), Canceled, Canceled),
        ("child cause before nil", nested(with_cancel, with_cancel_cause, False,
                                          (), (child_cause,)), Canceled, child_cause),
        ("WithTimeout", timeout(0), DeadlineExceeded, DeadlineExceeded),
        ("WithTimeout canceled", timeout(forever), Canceled, Canceled),
        ("WithTimeoutCause", timeout(0, too_slow), DeadlineExceeded, too_slow),
        ("WithTimeoutCause canceled", timeout(forever, too_slow), Canceled, Canceled),
        ("WithTimeoutCause stacked", timeout(0, too_slow, finished_early, stacked=True),
         DeadlineExceeded, too_slow),
        ("WithTimeoutCause stacked canceled", timeout(forever, too_slow, finished_early,
                                                      stacked=True), Canceled, finished_early),
        ("WithoutCancel", lambda: without_cancel(background()), None, None),
        ("WithoutCancel canceled", without_canceled, None, None),
        ("WithoutCancel timeout", timeout(0, too_slow, without=True), None, None),
    ]


@pytest.mark.parametrize("name,make,err,why", _cause_cases(), ids=[c[0] for c in _cause_cases()])
def test_cause(name, make, err, why) -> None:
    ctx = make()
    got = ctx.err()
    if err is None:
        assert got is None
    else:
        assert type(got) is err, f"ctx.err() = {got!r}, want {err.__name__}"
    c = cause(ctx)
    if isinstance(why, type):
        assert c is got, "cause without a cause given is the context's err() itself"
    else:
        assert c is why, f"cause(ctx) = {c!r}, want {why!r}"


def test_cause_race() -> None:
    for _ in range(50):
        because = ValueError("TestCauseRace")
        ctx, cancel = with_cancel_cause(background())
        t = go(cancel, because)
        deadline = _pytime.monotonic() + TIMEOUT
        while True:
            # Poll cause rather than waiting for done: the cause must be
            # published with the cancellation, never half-way.
            err = cause(ctx)
            if err is not None:
                assert err is because
                break
            assert _pytime.monotonic() < deadline
        join(t)


def test_without_cancel() -> None:
    ctx = with_value(background(), "key", "value")
    ctx = without_cancel(ctx)
    assert ctx.deadline() == (0.0, False)
    assert blocks(ctx)
    assert ctx.err() is None
    assert ctx.value("key") == "value"
    assert repr(ctx) == "context.Background.WithValue(key, value).WithoutCancel"


class CustomDoneContext(OtherContext):
    def __init__(self, c: Context, donec: Chan) -> None:
        super().__init__(c)
        self.donec = donec

    def done(self):
        return self.donec


def test_custom_context_propagation() -> None:
    because = ValueError("TestCustomContextPropagation")
    donec: Chan[None] = Chan()
    ctx1, cancel1 = with_cancel_cause(background())
    ctx2 = CustomDoneContext(ctx1, donec)
    ctx3, cancel3 = with_cancel(ctx2)
    try:
        cancel1(because)
        donec.close()
        wait_done(ctx3)
        assert isinstance(ctx3.err(), Canceled)
        assert cause(ctx3) is because
    finally:
        cancel3()


class CustomCauseContext(Context):
    """Go's customCauseContext: a context implemented from scratch."""

    def __init__(self) -> None:
        self.mu = threading.Lock()
        self._done: Chan[None] = Chan()
        self._err = None
        self.cancel_child = None

    def deadline(self):
        return 0.0, False

    def done(self):
        with self.mu:
            return self._done

    def err(self):
        with self.mu:
            return self._err

    def value(self, key):
        return None

    def cancel(self) -> None:
        with self.mu:
            self._err = Canceled()
            self._done.close()
            cancel_child = self.cancel_child
        if cancel_child is not None:
            cancel_child()


def test_custom_context_cause() -> None:
    # Cancel a custom context: err and cause are its Canceled.
    ccc = CustomCauseContext()
    ccc.cancel()
    assert isinstance(ccc.err(), Canceled)
    assert cause(ccc) is ccc.err()

    # A with_cancel_cause child of a custom context, canceled with a cause:
    # the child has the cause, the parent is untouched.
    ccc = CustomCauseContext()
    ctx, cause_func = with_cancel_cause(ccc)
    because = ValueError("TestCustomContextCause")
    cause_func(because)
    assert isinstance(ctx.err(), Canceled)
    assert cause(ctx) is because
    assert ccc.err() is None and cause(ccc) is None

    # Now cancel the parent: the child keeps its cause.
    ccc.cancel()
    assert isinstance(ctx.err(), Canceled)
    assert cause(ctx) is because
    assert isinstance(ccc.err(), Canceled) and cause(ccc) is ccc.err()

    # A child whose cancel the custom parent calls.
    ccc = CustomCauseContext()
    ctx, cancel_func = with_cancel(ccc)
    ccc.cancel_child = cancel_func
    ccc.cancel()
    assert isinstance(ctx.err(), Canceled)
    assert cause(ctx) is ctx.err()
    assert isinstance(ccc.err(), Canceled) and cause(ccc) is ccc.err()


def test_after_func_called_after_cancel() -> None:
    ctx, cancel = with_cancel(background())
    donec: Chan[None] = Chan()
    stop = after_func(ctx, donec.close)
    i, _ = select(donec.recv, time.after(short).recv)
    assert i == 1, "after_func called before context is done"
    cancel()
    i, _ = select(donec.recv, time.after(TIMEOUT).recv)
    assert i == 0, "after_func not called after context is canceled"
    assert stop() is False


def test_after_func_called_after_timeout() -> None:
    ctx, cancel = with_timeout(background(), short)
    donec: Chan[None] = Chan()
    after_func(ctx, donec.close)
    i, _ = select(donec.recv, time.after(TIMEOUT).recv)
    assert i == 0, "after_func not called after the deadline"
    cancel()


def test_after_func_called_immediately() -> None:
    ctx, cancel = with_cancel(background())
    cancel()
    donec: Chan[None] = Chan()
    after_func(ctx, donec.close)
    i, _ = select(donec.recv, time.after(TIMEOUT).recv)
    assert i == 0, "after_func not called for already-canceled context"


def test_after_func_not_called_after_stop() -> None:
    ctx, cancel = with_cancel(background())
    donec: Chan[None] = Chan()
    stop = after_func(ctx, donec.close)
    assert stop() is True
    cancel()
    i, _ = select(donec.recv, time.after(short).recv)
    assert i == 1, "after_func called after stop"
    assert stop() is False


def test_after_func_called_asynchronously() -> None:
    # Canceling does not wait for the after_funcs to finish.
    ctx, cancel = with_cancel(background())
    donec: Chan[None] = Chan()
    stop = after_func(ctx, lambda: donec.send(None))  # blocks until donec is read
    cancel()
    i, _ = select(donec.recv, time.after(TIMEOUT).recv)
    assert i == 0, "after_func not called after context is canceled"
    stop()


class AfterFuncContext(Context):
    """Go's afterFuncContext: a custom context with an after_func method."""

    def __init__(self) -> None:
        self.mu = threading.Lock()
        self.after_funcs: dict[object, object] = {}
        self._done: Chan[None] | None = None
        self._err = None

    def deadline(self):
        return 0.0, False

    def done(self):
        with self.mu:
            if self._done is None:
                self._done = Chan()
            return self._done

    def err(self):
        with self.mu:
            return self._err

    def value(self, key):
        return None

    def after_func(self, f):
        with self.mu:
            k = object()
            self.after_funcs[k] = f

        def stop() -> bool:
            with self.mu:
                return self.after_funcs.pop(k, None) is not None

        return stop

    def cancel(self, err: BaseException) -> None:
        with self.mu:
            if self._err is not None:
                return
            self._err = err
            for f in self.after_funcs.values():
                go(f)
            self.after_funcs = {}


def test_custom_context_after_func_cancel() -> None:
    ctx0 = AfterFuncContext()
    ctx1, cancel = with_cancel(ctx0)
    ctx0.cancel(Canceled())
    wait_done(ctx1)
    assert ctx1.err() is ctx0.err()
    cancel()


def test_custom_context_after_func_timeout() -> None:
    ctx0 = AfterFuncContext()
    ctx1, cancel = with_timeout(ctx0, very_long)
    ctx0.cancel(Canceled())
    wait_done(ctx1)
    cancel()


def test_custom_context_after_func_after_func() -> None:
    ctx0 = AfterFuncContext()
    donec: Chan[None] = Chan()
    stop = after_func(ctx0, donec.close)
    ctx0.cancel(Canceled())
    i, _ = select(donec.recv, time.after(TIMEOUT).recv)
    assert i == 0
    stop()


def test_custom_context_after_func_unregister_cancel() -> None:
    ctx0 = AfterFuncContext()
    _, cancel1 = with_cancel(ctx0)
    _, cancel2 = with_cancel(ctx0)
    assert len(ctx0.after_funcs) == 2
    cancel1()
    cancel2()
    assert len(ctx0.after_funcs) == 0


def test_custom_context_after_func_unregister_timeout() -> None:
    ctx0 = AfterFuncContext()
    _, cancel = with_timeout(ctx0, very_long)
    assert len(ctx0.after_funcs) == 1
    cancel()
    assert len(ctx0.after_funcs) == 0


def test_custom_context_after_func_unregister_after_func() -> None:
    ctx0 = AfterFuncContext()
    stop = after_func(ctx0, lambda: None)
    assert len(ctx0.after_funcs) == 1
    stop()
    assert len(ctx0.after_funcs) == 0


def test_example_with_cancel_generator() -> None:
    # Go's ExampleWithCancel: a generator goroutine stopped by cancel.
    def gen(ctx: Context) -> Chan[int]:
        dst: Chan[int] = Chan()

        def run() -> None:
            n = 1
            while True:
                i, _ = select(ctx.done().recv, (dst.send, n))
                if i == 0:
                    return  # returning not to leak the goroutine
                n += 1

        go(run)
        return dst

    ctx, cancel = with_cancel(background())
    got = []
    for n in gen(ctx):
        got.append(n)
        if n == 5:
            break
    cancel()
    assert got == [1, 2, 3, 4, 5]


def test_example_with_deadline() -> None:
    # Go's ExampleWithDeadline: the deadline beats a slow channel.
    ctx, cancel = with_deadline(background(), _pytime.time() + short)
    try:
        i, _ = select(time.after(1.0).recv, ctx.done().recv)
        assert i == 1
        assert str(ctx.err()) == "context deadline exceeded"
    finally:
        cancel()


def test_example_with_value() -> None:
    class FavContextKey(str):
        pass

    k = FavContextKey("language")
    ctx = with_value(background(), k, "Go")
    assert ctx.value(k) == "Go"
    assert ctx.value(FavContextKey("color")) is None
    assert ctx.value("language") is None   # a plain str is another type: Go's rule
