"""x/sync's singleflight tests, ported; Go's panic and Goexit cases become
exceptions delivered to every caller (no crash, no channel left waiting)."""

from __future__ import annotations

import threading
import time as _pytime
import traceback

import pytest

from gostd import Chan, go, select
from gostd import time
from gostd.sync import WaitGroup
from gostd.sync.atomic import Int32
from gostd.sync.singleflight import Group, Result
from gostd_testutil import TIMEOUT, join


def recv(ch: Chan) -> object:
    i, v = select(ch.recv, time.after(TIMEOUT).recv)
    assert i == 0, "no result"
    return v


def test_do() -> None:
    g: Group[str] = Group()
    v, shared = g.do("key", lambda: "bar")
    assert (v, type(v), shared) == ("bar", str, False)


def test_do_err() -> None:
    g: Group[str] = Group()
    some = ValueError("Some error")

    def fail() -> str:
        raise some

    with pytest.raises(ValueError) as info:
        g.do("key", fail)
    assert info.value is some


def test_do_dup_suppress() -> None:
    for _ in range(5):
        g: Group[str] = Group()
        wg1, wg2 = WaitGroup(), WaitGroup()
        c: Chan[str] = Chan(1)
        calls = Int32()

        def fn() -> str:
            if calls.add(1) == 1:
                wg1.done()  # first invocation
            v = c.recv()
            c.send(v)  # pump; make available for any future calls
            _pytime.sleep(0.01)  # let more goroutines enter do
            return v

        n = 10
        errors: list[str] = []
        wg1.add(1)

        def caller() -> None:
            try:
                wg1.done()
                v, _ = g.do("key", fn)
                if v != "bar":
                    errors.append(f"do = {v!r}; want 'bar'")
            finally:
                wg2.done()

        for _ in range(n):
            wg1.add(1)
            wg2.add(1)
            go(caller)
        wg1.wait()
        # At least one goroutine is in fn now and all of them have at least
        # reached the line before the do.
        c.send("bar")
        wg2.wait()
        assert errors == []
        assert 0 < calls.load() < n


def test_forget() -> None:
    # https://github.com/golang/go/issues/31420
    g: Group[int] = Group()
    first_started: Chan[None] = Chan()
    unblock_first: Chan[None] = Chan()
    first_finished: Chan[None] = Chan()

    def first() -> int:
        first_started.close()
        unblock_first.recv()
        first_finished.close()
        return 0

    go(g.do, "key", first)
    first_started.recv()
    g.forget("key")
    unblock_second: Chan[None] = Chan()

    def second() -> int:
        unblock_second.recv()
        return 2

    second_result = g.do_chan("key", second)
    unblock_first.close()
    first_finished.recv()
    third_result = g.do_chan("key", lambda: 3)
    unblock_second.close()
    recv(second_result)
    r = recv(third_result)
    assert isinstance(r, Result) and r.val == 2, "third call must share the second's result"
    assert r.shared


def test_do_chan() -> None:
    g: Group[str] = Group()
    res = recv(g.do_chan("key", lambda: "bar"))
    assert res == Result("bar", None, False)


def test_panic_do() -> None:
    # Go re-panics in every Do caller; here every caller raises.
    g: Group[None] = Group()
    release: Chan[None] = Chan()

    def fn() -> None:
        release.recv()
        raise MemoryError("invalid memory address or nil pointer dereference")

    n = 5
    raised: list[BaseException] = []
    lock = threading.Lock()

    def caller() -> None:
        try:
            g.do("key", fn)
        except MemoryError as e:
            with lock:
                raised.append(e)

    ts = [go(caller) for _ in range(n)]
    _pytime.sleep(0.01)   # let them all join the one call (a late one runs fn again)
    release.close()
    join(*ts)
    assert len(raised) == n
    assert len({id(e) for e in raised}) == n, "every caller gets its own exception object"
    assert all(str(e) == "invalid memory address or nil pointer dereference" for e in raised)


def test_goexit_do() -> None:
    # runtime.Goexit's nearest Python relative is SystemExit: it reaches every caller.
    g: Group[None] = Group()
    release: Chan[None] = Chan()

    def fn() -> None:
        release.recv()
        raise SystemExit(0)

    outcomes: list[str] = []
    lock = threading.Lock()

    def caller() -> None:
        try:
            g.do("key", fn)
            out = "returned"
        except SystemExit:
            out = "exit"
        with lock:
            outcomes.append(out)

    ts = [go(caller) for _ in range(5)]
    _pytime.sleep(0.01)
    release.close()
    join(*ts)
    assert outcomes == ["exit"] * 5


def test_panic_do_chan() -> None:
    # Go crashes the program so that DoChan's channel is not left waiting;
    # here the exception is delivered as the result.
    g: Group[None] = Group()

    def fn() -> None:
        raise RuntimeError("Panicking in DoChan")

    r = recv(g.do_chan("", fn))
    assert isinstance(r, Result) and r.val is None and not r.shared
    assert isinstance(r.err, RuntimeError) and str(r.err) == "Panicking in DoChan"
    assert any(f.name == "fn" for f in traceback.extract_tb(r.err.__traceback__))


def test_panic_do_shared_by_do_chan() -> None:
    g: Group[None] = Group()
    blocked: Chan[None] = Chan()
    unblock: Chan[None] = Chan()
    do_err: list[BaseException] = []

    def fn() -> None:
        blocked.close()
        unblock.recv()
        raise RuntimeError("Panicking in Do")

    def do() -> None:
        try:
            g.do("", fn)
        except RuntimeError as e:
            do_err.append(e)

    t = go(do)
    blocked.recv()

    def never() -> None:
        raise AssertionError("DoChan unexpectedly executed callback")

    ch = g.do_chan("", never)
    unblock.close()
    r = recv(ch)
    join(t)
    assert isinstance(r, Result) and r.shared
    assert type(r.err) is RuntimeError and str(r.err) == "Panicking in Do"
    assert do_err and do_err[0] is not r.err and str(do_err[0]) == "Panicking in Do"


def test_example_group() -> None:
    g: Group[str] = Group()
    block: Chan[None] = Chan()

    def f1() -> str:
        block.recv()
        return "func 1"

    def f2() -> str:
        block.recv()
        return "func 2"

    res1c = g.do_chan("key", f1)
    res2c = g.do_chan("key", f2)
    block.close()
    res1, res2 = recv(res1c), recv(res2c)
    assert res2.shared  # results are shared by functions executed with duplicate keys
    assert res1.val == res2.val == "func 1"  # only the first function is executed


def test_keys_are_independent_and_reused() -> None:
    g: Group[int] = Group()
    calls = Int32()

    def fn(k: int) -> int:
        calls.add(1)
        return k * k

    for _ in range(3):
        for k in range(5):
            assert g.do(k, lambda k=k: fn(k)) == (k * k, False)
    assert calls.load() == 15
    assert "in_flight=0" in repr(g)


def test_callers_reraise_their_own_objects_concurrently() -> None:
    # Rewriting a shared exception's traceback from several threads crashes
    # 3.13t; every caller has its own object, so this is safe.
    for _ in range(10):
        g: Group[None] = Group()
        release: Chan[None] = Chan()

        def fn() -> None:
            release.recv()
            raise ValueError("shared failure")

        got: list[BaseException] = []
        lock = threading.Lock()

        def caller() -> None:
            try:
                g.do("k", fn)
                return
            except ValueError as e:
                mine = e
            for _ in range(300):
                try:
                    raise mine
                except ValueError:
                    mine.__traceback__ = None
            with lock:
                got.append(mine)

        ts = [go(caller) for _ in range(8)]
        _pytime.sleep(0.005)
        release.close()
        join(*ts)
        assert len(got) == 8 and len({id(e) for e in got}) == 8
