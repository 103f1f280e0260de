"""sync.Once, once_func, once_value, once_values (Go 1.21 semantics)."""

from __future__ import annotations

import time

import pytest

from gostd import go
from gostd.sync import Once, once_func, once_value, once_values
from gostd_testutil import join

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_do_runs_once_even_with_other_functions() -> None:
    once = Once()
    calls: list[str] = []
    once.do(lambda: calls.append("a"))
    once.do(lambda: calls.append("b"))
    once.do(lambda: calls.append("a"))
    assert calls == ["a"]


def test_do_concurrent_callers_wait_for_first() -> None:
    once = Once()
    calls = [0]
    finished_before_return: list[bool] = []
    state = {"done": False}

    def f() -> None:
        calls[0] += 1
        time.sleep(0.05)
        state["done"] = True

    def caller() -> None:
        once.do(f)
        finished_before_return.append(state["done"])

    join(*[go(caller) for _ in range(10)])
    assert calls[0] == 1
    assert finished_before_return == [True] * 10


def test_do_counts_as_done_when_f_raises() -> None:
    once = Once()
    with pytest.raises(ValueError, match="first"):
        once.do(lambda: (_ for _ in ()).throw(ValueError("first")))
    ran = []
    once.do(lambda: ran.append(1))
    assert ran == []


def test_once_func_calls_once() -> None:
    calls = [0]

    def f() -> None:
        calls[0] += 1

    g = once_func(f)
    join(*[go(g) for _ in range(10)])
    g()
    assert calls[0] == 1
    assert g() is None


def test_once_func_reraises_same_exception_every_call() -> None:
    calls = [0]

    def f() -> None:
        calls[0] += 1
        raise KeyError("once")

    g = once_func(f)
    seen = []
    for _ in range(3):
        with pytest.raises(KeyError) as info:
            g()
        seen.append(info.value)
    assert calls[0] == 1
    assert seen[1] is seen[2] and type(seen[0]) is KeyError and seen[0].args == seen[1].args
    # The traceback starts afresh with each call: it does not grow.
    depth = len(_frames(seen[2].__traceback__))
    for _ in range(20):
        with pytest.raises(KeyError) as info:
            g()
    assert len(_frames(info.value.__traceback__)) == depth


def _frames(tb) -> list:  # type: ignore[no-untyped-def]
    out = []
    while tb is not None:
        out.append(tb)
        tb = tb.tb_next
    return out


def test_once_value() -> None:
    calls = [0]

    def f() -> list[int]:
        calls[0] += 1
        time.sleep(0.02)
        return [1, 2, 3]

    get = once_value(f)
    results: list[list[int]] = []
    join(*[go(lambda: results.append(get())) for _ in range(8)])
    assert calls[0] == 1
    assert all(r is results[0] for r in results) and results[0] == [1, 2, 3]
    assert get() is results[0]


def test_once_value_reraises() -> None:
    calls = [0]

    def f() -> int:
        calls[0] += 1
        raise RuntimeError("no value")

    get = once_value(f)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="no value"):
            get()
    assert calls[0] == 1


def test_once_values() -> None:
    calls = [0]

    def f() -> tuple[int, str]:
        calls[0] += 1
        return 7, "seven"

    get = once_values(f)
    assert get() == (7, "seven")
    a, b = get()
    assert (a, b) == (7, "seven") and calls[0] == 1


def test_once_values_requires_pair() -> None:
    get = once_values(lambda: 3)  # type: ignore[arg-type, return-value]
    for _ in range(2):
        with pytest.raises(TypeError, match="2-tuple"):
            get()


class _Odd(Exception):
    """An exception whose __init__ does not take its args back."""

    def __init__(self, code: int, where: str) -> None:
        super().__init__(f"{where}: {code}")
        self.code = code


def _raise_then_again(exc_factory):  # type: ignore[no-untyped-def]
    """The first and a later exception of a once_value whose f raises."""
    get = once_value(exc_factory)
    out = []
    for _ in range(2):
        try:
            get()
        except BaseException as e:  # noqa: B036 - the helper re-raises anything
            out.append(e)
    return out


def test_later_calls_raise_a_faithful_copy() -> None:
    def odd() -> None:
        raise _Odd(7, "here")
    first, later = _raise_then_again(odd)
    assert type(later) is _Odd and later.args == ("here: 7",) and later.code == 7
    assert later.__traceback__ is not None and first is not later

    def chained() -> None:
        try:
            {}["missing"]
        except KeyError as k:
            raise ValueError("outer") from k
    first, later = _raise_then_again(chained)
    assert isinstance(later, ValueError) and later.args == ("outer",)
    assert isinstance(later.__cause__, KeyError) and later.__cause__.args == ("missing",)
    assert later.__cause__.__traceback__ is None      # no frame of f kept through the cause
    assert later.__suppress_context__

    def oserror() -> None:
        raise FileNotFoundError(2, "No such file or directory", "/nope")
    first, later = _raise_then_again(oserror)
    assert type(later) is FileNotFoundError
    assert (later.errno, later.strerror, later.filename) == (2, "No such file or directory", "/nope")


def test_later_calls_of_a_group_hold_no_member_tracebacks() -> None:
    import builtins
    group = getattr(builtins, "ExceptionGroup", None)
    if group is None:
        pytest.skip("ExceptionGroup is Python 3.11+")

    def f() -> None:
        errors = []
        for i in range(2):
            try:
                raise KeyError(i)
            except KeyError as e:
                errors.append(e)
        raise group("two", errors)
    first, later = _raise_then_again(f)
    assert type(later) is group and later.message == "two"
    assert [e.args for e in later.exceptions] == [(0,), (1,)]
    assert all(e.__traceback__ is None for e in later.exceptions)
    assert all(e.__traceback__ is not None for e in first.exceptions)
