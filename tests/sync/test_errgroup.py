"""x/sync's errgroup tests, ported, and the Python specifics: exceptions as
errors, later ones attached as notes, one exception object per waiter."""

from __future__ import annotations

import threading
import time as _pytime

import pytest

from gostd import Chan, Panic, go, select
from gostd import context
from gostd import time
from gostd.sync import errgroup
from gostd.sync.atomic import Int32
from gostd_testutil import TIMEOUT, join


def fake_search(kind: str):
    def search(ctx: context.Context, query: str) -> str:
        return f'{kind} result for "{query}"'
    return search


web, image, video = fake_search("web"), fake_search("image"), fake_search("video")


def test_example_just_errors() -> None:
    g = errgroup.Group()
    fetched = []

    def fetch(url: str) -> None:
        if "somestupidname" in url:
            raise ConnectionError(f"no such host: {url}")
        fetched.append(url)

    for url in ["http://www.golang.org/", "http://www.google.com/",
                "http://www.somestupidname.com/"]:
        g.go(fetch, url)
    with pytest.raises(ConnectionError, match="no such host"):
        g.wait()
    assert sorted(fetched) == ["http://www.golang.org/", "http://www.google.com/"]


def test_example_parallel() -> None:
    def google(ctx: context.Context, query: str) -> list[str]:
        g, ctx = errgroup.with_context(ctx)
        searches = [web, image, video]
        results = [""] * len(searches)

        def run(i: int, search) -> None:
            results[i] = search(ctx, query)

        for i, search in enumerate(searches):
            g.go(run, i, search)
        g.wait()
        return results

    assert google(context.background(), "golang") == [
        'web result for "golang"', 'image result for "golang"', 'video result for "golang"']


def _fail_with(err: BaseException | None):
    def f() -> None:
        if err is not None:
            raise err
    return f


def test_zero_group() -> None:
    err1 = ValueError("errgroup_test: 1")
    err2 = ValueError("errgroup_test: 2")
    for errs in ([], [None], [err1], [err1, None], [err1, None, err2]):
        g = errgroup.Group()
        first = None
        for err in errs:
            g.go(_fail_with(err))
            if first is None and err is not None:
                first = err
            if first is None:
                assert g.wait() is None
            else:
                with pytest.raises(ValueError) as info:
                    g.wait()
                assert info.value.args == first.args   # the first error, every time


def test_with_context() -> None:
    doom = ValueError("group_test: doomed")
    for errs, want in (([], None), ([None], None), ([doom], doom), ([doom, None], doom)):
        g, ctx = errgroup.with_context(context.background())
        for err in errs:
            g.go(_fail_with(err))
        if want is None:
            g.wait()
        else:
            with pytest.raises(ValueError) as info:
                g.wait()
            assert info.value is want
        assert select(ctx.done().recv, default=True)[0] == 0, "ctx.done() was not closed"


def test_try_go() -> None:
    g = errgroup.Group()
    n = 42
    g.set_limit(42)
    ch: Chan[None] = Chan()

    def fn() -> None:
        ch.send(None)

    for i in range(n):
        assert g.try_go(fn), f"try_go should succeed but failed at call {i}"
    assert not g.try_go(fn), "try_go is expected to fail but succeeded"
    go(lambda: [ch.recv() for _ in range(n)])
    g.wait()
    assert g.try_go(fn), "try_go should succeed after all goroutines"
    go(ch.recv)
    g.wait()
    g.set_limit(1)   # switch limit
    assert g.try_go(fn)
    assert not g.try_go(fn)
    go(ch.recv)
    g.wait()
    g.set_limit(0)   # block all calls
    for _ in range(1 << 10):
        assert not g.try_go(fn)
    g.wait()


def test_go_limit() -> None:
    limit = 10
    g = errgroup.Group()
    g.set_limit(limit)
    active = Int32()
    peak = Int32()

    def f() -> None:
        n = active.add(1)
        if n > limit:
            raise AssertionError(f"saw {n} active goroutines; want <= {limit}")
        while True:
            p = peak.load()
            if n <= p or peak.compare_and_swap(p, n):
                break
        _pytime.sleep(1e-6)  # give other goroutines a chance to increment active
        active.add(-1)

    for _ in range(300):
        g.go(f)
    g.wait()
    assert 1 <= peak.load() <= limit


def test_cancel_cause() -> None:
    doom = ValueError("group_test: doomed")
    for errs, want in (([], None), ([None], None), ([doom], doom), ([doom, None], doom)):
        g, ctx = errgroup.with_context(context.background())
        for err in errs:
            g.try_go(_fail_with(err))
        if want is None:
            g.wait()
            assert isinstance(context.cause(ctx), context.Canceled)
        else:
            with pytest.raises(ValueError):
                g.wait()
            assert context.cause(ctx) is want


def test_first_failure_cancels_at_once() -> None:
    g, ctx = errgroup.with_context(context.background())
    release: Chan[None] = Chan()
    seen: list[BaseException | None] = []

    def slow() -> None:
        i, _ = select(ctx.done().recv, time.after(TIMEOUT).recv)
        seen.append(context.cause(ctx) if i == 0 else None)
        release.recv()

    boom = KeyError("boom")
    g.go(slow)
    g.go(_fail_with(boom))
    for _ in range(1):
        i, _ = select(ctx.done().recv, time.after(TIMEOUT).recv)
        assert i == 0, "the failure did not cancel the context before wait()"
    release.send(None)
    with pytest.raises(KeyError) as info:
        g.wait()
    assert info.value is boom and seen == [boom]


def test_later_errors_are_attached_as_notes() -> None:
    g = errgroup.Group()
    gate = threading.Barrier(3)

    def fail(i: int) -> None:
        gate.wait()
        raise ValueError(f"failure {i}")

    for i in range(3):
        g.go(fail, i)
    with pytest.raises(ValueError) as info:
        g.wait()
    first = info.value
    notes = first.__notes__
    assert len(notes) == 2
    others = {f"failure {i}" for i in range(3)} - {str(first)}
    assert {n.rsplit(": ", 1)[1] for n in notes} == others
    assert all(n.startswith("errgroup: also raised in the group: ValueError: ") for n in notes)


def test_each_wait_raises_its_own_exception_object() -> None:
    g = errgroup.Group()
    boom = OSError(5, "boom")
    g.go(_fail_with(boom))
    got = []
    for _ in range(3):
        with pytest.raises(OSError) as info:
            g.wait()
        got.append(info.value)
    assert got[0] is boom
    assert got[1] is not boom and got[2] is not got[1]
    assert all(type(e) is OSError and e.errno == 5 and str(e) == str(boom) for e in got)
    # The copies carry the goroutine's traceback, where the error came from.
    assert any(fr.name == "f" for fr in __import__("traceback").extract_tb(got[2].__traceback__))


def test_concurrent_waits() -> None:
    for _ in range(20):
        g = errgroup.Group()
        gate: Chan[None] = Chan()
        g.go(lambda: (gate.recv(), (_ for _ in ()).throw(RuntimeError("x"))))
        results: list[BaseException] = []
        lock = threading.Lock()

        def waiter() -> None:
            try:
                g.wait()
            except RuntimeError as e:
                with lock:
                    results.append(e)

        ws = [go(waiter) for _ in range(4)]
        gate.close()
        join(*ws)
        assert len(results) == 4 and len({id(e) for e in results}) == 4


def test_set_limit_while_active_panics_with_x_sync_text() -> None:
    g = errgroup.Group()
    g.set_limit(2)
    hold: Chan[None] = Chan()
    g.go(hold.recv)
    g.go(hold.recv)
    with pytest.raises(Panic, match="^errgroup: modify limit while 2 goroutines in the group "
                                    "are still active$"):
        g.set_limit(5)
    hold.close()
    g.wait()
    g.set_limit(5)
    with pytest.raises(TypeError):
        g.set_limit(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not callable"):
        g.go(3)  # type: ignore[arg-type]


def test_go_passes_arguments() -> None:
    g = errgroup.Group()
    out: Chan[tuple] = Chan(2)
    g.go(lambda a, b=0: out.send((a, b)), 1, b=2)
    assert g.try_go(lambda *a: out.send(a), 3, 4)
    g.wait()
    assert sorted([out.recv(), out.recv()]) == [(1, 2), (3, 4)]


def test_many_groups_many_threads() -> None:
    for round in range(20):
        g, ctx = errgroup.with_context(context.background())
        g.set_limit(4)
        done = Int32()
        n_fail = round % 3

        def work(i: int) -> None:
            if i < n_fail:
                raise IndexError(i)
            select(ctx.done().recv, default=True)
            done.add(1)

        for i in range(30):
            g.go(work, i)
        if n_fail:
            with pytest.raises(IndexError) as info:
                g.wait()
            assert context.cause(ctx) is info.value or context.cause(ctx).args == info.value.args
            assert len(getattr(info.value, "__notes__", [])) == n_fail - 1
        else:
            g.wait()
        assert done.load() == 30 - n_fail
        assert ctx.err() is not None
