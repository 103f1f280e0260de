"""WaitGroup, after Go's sync/waitgroup.go."""

from __future__ import annotations

from threading import Lock
from typing import Any, Callable, ParamSpec

from .._goroutine import go, report_exception
from .._panic import Panic
from ._nocopy import NoCopy

__all__ = ["WaitGroup"]

P = ParamSpec("P")


class WaitGroup(NoCopy):
    """Waits for a collection of goroutines to finish (Go's ``sync.WaitGroup``).

    ``add(n)`` adds to a counter, ``done()`` subtracts one, ``wait()`` blocks
    until the counter is zero.  ``go(fn, *args)`` (Go 1.25's ``wg.Go``) is
    ``add(1)`` plus a goroutine running ``fn(*args)`` that calls ``done()``
    when ``fn`` returns.

    Raises :class:`gostd.Panic` with Go's messages: ``sync: negative
    WaitGroup counter`` when the counter would drop below zero, and ``sync:
    WaitGroup is reused before previous Wait has returned`` from a ``wait``
    that wakes to find the counter already raised again (as in Go, new
    ``add`` calls must happen after all previous ``wait`` calls returned).
    """

    __slots__ = ("_mu", "_n", "_waiters", "__weakref__")

    # Invariant, under _mu: _waiters is empty whenever _n == 0.  The add that
    # brings _n to zero releases every waiter and empties the list.

    def __init__(self) -> None:
        self._mu = Lock()
        self._n = 0
        self._waiters: list[Lock] = []

    def add(self, delta: int) -> None:
        """Add ``delta`` (may be negative) to the counter; at zero, release all waiters.

        Raises ``TypeError`` unless ``delta`` is an int.
        """
        if type(delta) is not int:
            if not isinstance(delta, int) or isinstance(delta, bool):
                raise TypeError(f"WaitGroup.add: delta must be an int, not {type(delta).__name__}")
        with self._mu:
            n = self._n + delta
            if n < 0:
                raise Panic("sync: negative WaitGroup counter")
            self._n = n
            if n == 0 and self._waiters:
                for w in self._waiters:
                    w.release()
                self._waiters = []

    def done(self) -> None:
        """Decrement the counter by one (``add(-1)``)."""
        with self._mu:
            n = self._n - 1
            if n < 0:
                raise Panic("sync: negative WaitGroup counter")
            self._n = n
            if n == 0 and self._waiters:
                for w in self._waiters:
                    w.release()
                self._waiters = []

    def wait(self) -> None:
        """Block until the counter is zero."""
        with self._mu:
            if self._n == 0:
                return
            w = Lock()
            w.acquire()
            self._waiters.append(w)
        w.acquire()
        if self._n != 0:
            raise Panic("sync: WaitGroup is reused before previous Wait has returned")

    def go(self, fn: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run ``fn(*args, **kwargs)`` in a new goroutine counted by this group.

        Go's ``wg.Go`` leaves the count raised when ``fn`` panics, because the
        panic ends the process anyway.  Here an exception does not end the
        process, so it is first reported (like any goroutine's, through
        :func:`threading.excepthook`) and then the count is dropped, so that
        ``wait`` neither hangs nor returns before the report is out.
        """
        if not callable(fn):
            raise TypeError(f"WaitGroup.go: {type(fn).__name__!r} object is not callable")
        self.add(1)
        try:
            go(self._run, fn, args, kwargs)
        except BaseException:
            self.done()
            raise

    def _run(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            fn(*args, **kwargs)
        except BaseException:
            report_exception()
        finally:
            self.done()

    def __repr__(self) -> str:
        return f"<WaitGroup counter={self._n} at {id(self):#x}>"
