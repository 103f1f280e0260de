"""Once and the Go 1.21 helpers OnceFunc, OnceValue, OnceValues (sync/once.go, oncefunc.go)."""

from __future__ import annotations

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
    call raises that same exception again (with ``f``'s traceback).  Once
    ``f`` has returned normally it is no longer referenced, so whatever it
    holds can be garbage-collected.
    """
    fn: list[Any] = [f]
    del f

    def run() -> None:
        fn[0]()                 # its result is discarded, not kept alive
        fn[0] = None

    get = once_value(run)

    def call() -> None:
        get()

    return call


def once_value(f: Callable[[], T]) -> Callable[[], T]:
    """Go's ``sync.OnceValue``: a function that calls ``f`` only once and then
    returns its value on every call.

    If ``f`` raised, every call raises that same exception again (each time
    with ``f``'s original traceback, so it does not grow).  Once ``f`` has
    returned normally it is dropped (Go: "do not keep f alive after invoking
    it"); only its value is kept.
    """
    mu = Lock()
    # state[0]: None until f has finished; then (value, exception, traceback).
    # fn[0]: f, until it has returned normally.
    state: list[Any] = [None]
    fn: list[Any] = [f]
    del f

    def call() -> T:
        outcome = state[0]
        if outcome is None:
            with mu:
                outcome = state[0]
                if outcome is None:
                    try:
                        outcome = (fn[0](), None, None)
                        fn[0] = None
                    except BaseException as e:
                        outcome = (None, e, e.__traceback__)
                    state[0] = outcome
        value, exc, tb = outcome
        if exc is not None:
            raise exc.with_traceback(tb)
        return value

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
        result = fn[0]()
        fn[0] = None
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(
                f"once_values: f must return a 2-tuple, not {type(result).__name__}")
        return result

    return once_value(pair)
