"""Once and the Go 1.21 helpers OnceFunc, OnceValue, OnceValues (sync/once.go, oncefunc.go)."""

from __future__ import annotations

import builtins
import copy
from threading import Lock
from typing import Any, Callable, TypeVar
from ._nocopy import NoCopy

__all__ = ["Once", "once_func", "once_value", "once_values"]

T = TypeVar("T")
T1 = TypeVar("T1")
T2 = TypeVar("T2")


class Once(NoCopy):
    """Performs exactly one action (Go's ``sync.Once``).

    ``do(f)`` calls ``f()`` if and only if ``do`` is being called for the
    first time on this Once, even with a different ``f``.  Concurrent callers
    wait until that first ``f`` has returned, so when any ``do`` returns, ``f``
    has finished.  If ``f`` raises, the exception propagates to its caller
    and ``do`` still counts as done (Go: "if f panics, Do considers it to have
    returned").  Calling ``do`` from inside ``f`` deadlocks, as in Go.
    """

    __slots__ = ("_done", "_mu", "__weakref__")

    # _done becomes True only after f has returned or raised, under _mu; a
    # True _done therefore publishes everything f did.

    def __init__(self) -> None:
        self._done = False
        self._mu = Lock()

    def do(self, f: Callable[[], object]) -> None:
        """Call ``f()`` unless some ``do`` on this Once already has."""
        if self._done:
            return
        with self._mu:
            if not self._done:
                try:
                    f()
                finally:
                    self._done = True

    def __repr__(self) -> str:
        return f"<Once {'done' if self._done else 'not done'} at {id(self):#x}>"


def once_func(f: Callable[[], object]) -> Callable[[], None]:
    """Go's ``sync.OnceFunc``: a function that calls ``f`` only once.

    Concurrent calls wait for the first to finish.  If ``f`` raised, every
    call raises again, as :func:`once_value` describes.  After the first
    call ``f`` is no longer referenced, whether it returned or raised, so
    whatever it holds can be garbage-collected (Go's ``TestOnceXGC``).
    """
    fn: list[Any] = [f]
    del f

    def run() -> None:
        f = fn[0]
        fn[0] = None
        f()                     # its result is discarded, not kept alive

    get = once_value(run)

    def call() -> None:
        get()

    return call


def once_value(f: Callable[[], T]) -> Callable[[], T]:
    """Go's ``sync.OnceValue``: a function that calls ``f`` only once and then
    returns its value on every call.

    If ``f`` raises, that call raises ``f``'s exception itself, with its
    traceback into ``f`` (as Go re-panics at once so that the first call's
    stack reaches the origin); every later call raises one copy of it, the
    same object each time: same type, ``args``, attributes and chained
    causes, but no traceback into ``f``.  After the first call ``f`` is
    dropped, returning or raising (Go: "do not keep f alive after invoking
    it"), and the stored exception holds none of its frames, so nothing
    ``f`` referenced is kept alive by the helper; only the value, or the
    exception, is.
    """
    mu = Lock()
    # state[0]: None until f has finished; then (value, exception), the
    # exception being _detached: it references no frame of f's call.
    # fn[0]: f, until it is called.
    state: list[Any] = [None]
    fn: list[Any] = [f]
    del f

    def call() -> T:
        outcome = state[0]
        if outcome is None:
            with mu:
                outcome = state[0]
                if outcome is None:
                    f = fn[0]
                    fn[0] = None
                    try:
                        state[0] = (f(), None)
                    except BaseException as e:
                        state[0] = (None, _detached(e))
                        raise               # the first caller gets f's own traceback
                    return state[0][0]      # type: ignore[no-any-return]
        value, exc = outcome
        if exc is not None:
            raise exc.with_traceback(None)
        return value                        # type: ignore[no-any-return]

    return call


def once_values(f: Callable[[], tuple[T1, T2]]) -> Callable[[], tuple[T1, T2]]:
    """Go's ``sync.OnceValues``: like :func:`once_value` for an ``f`` returning a
    pair ``(T1, T2)``; each call returns that same pair.

    Raises ``TypeError`` (on every call) if ``f`` returns something other
    than a 2-tuple.
    """
    fn: list[Any] = [f]
    del f

    def pair() -> tuple[T1, T2]:
        f = fn[0]
        fn[0] = None
        result = f()
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(
                f"once_values: f must return a 2-tuple, not {type(result).__name__}")
        return result

    return once_value(pair)


_BaseExceptionGroup = getattr(builtins, "BaseExceptionGroup", None)


def _detached(e: BaseException, depth: int = 0) -> BaseException:
    """A copy of ``e`` that references no traceback, for the once helpers to
    keep: type, ``args`` and attributes (``copy.copy``, the protocol
    exceptions implement for pickling), chained ``__cause__``/``__context__``
    and exception-group members copied the same way.  Falls back to
    building the copy without ``__init__``; a type that refuses both is
    kept as ``e`` itself, traceback and all."""
    try:
        c = _copy(e)
    except Exception:
        return e
    if depth < _CHAIN_DEPTH:
        if e.__cause__ is not None:
            c.__cause__ = _detached(e.__cause__, depth + 1)
        if e.__context__ is not None:
            c.__context__ = _detached(e.__context__, depth + 1)
    c.__suppress_context__ = e.__suppress_context__
    return c


_CHAIN_DEPTH = 16   # chained exceptions copied; deeper ones are dropped


def _copy(e: BaseException) -> BaseException:
    if _BaseExceptionGroup is not None and isinstance(e, _BaseExceptionGroup):
        c = e.derive([_detached(x) for x in e.exceptions])
        c.__dict__.update(e.__dict__)
        return c  # type: ignore[no-any-return]
    try:
        c = copy.copy(e)
    except Exception:   # __init__ does not take e.args back: skip it
        c = type(e).__new__(type(e), *e.args)
        c.__dict__.update(e.__dict__)
    if type(c) is not type(e):
        raise TypeError("copy changed the type")
    return c
