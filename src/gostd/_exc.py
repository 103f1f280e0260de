"""Handing one exception to several threads.

An exception object must not be raised in two threads at once: each raise
rewrites its ``__traceback__`` (and may set its ``__context__``), so the
tracebacks splice together and grow with every raise, and on free-threaded
CPython 3.13t the unsynchronised rewrites can crash the interpreter.  Where
Go hands one error value to many goroutines (singleflight's callers,
errgroup's waiters, a context's watchers), gostd gives one receiver the
exception itself and every other one a copy.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Optional

__all__ = ["Copier"]


class Copier:
    """Makes copies of one exception: same type, ``args``, attributes (notes
    included), ``__cause__``, ``__context__`` and traceback.

    Everything is read from the exception when the Copier is made, so make
    it while no other thread can be raising the exception (in the thread
    that caught it, before handing it on); copies can then be made from any
    thread at any time.  Copies share the traceback object, which no raise
    ever changes (new frames are linked in front of it).
    """

    __slots__ = ("_e", "_make", "_args", "_state", "_cause", "_context", "_suppress", "_tb")

    def __init__(self, e: BaseException, tb: Optional[TracebackType]) -> None:
        self._e = e
        self._tb = tb
        self._cause = e.__cause__
        self._context = e.__context__
        self._suppress = e.__suppress_context__
        # Exceptions copy and pickle through __reduce__: (callable, args[, state]).
        try:
            rv = e.__reduce_ex__(2)
            self._make: Any = rv[0]
            self._args: tuple = tuple(rv[1])
            state = rv[2] if len(rv) > 2 else None
        except Exception:
            self._make, self._args, state = None, (), None
        self._state: Optional[dict] = dict(state) if isinstance(state, dict) else None

    def copy(self) -> BaseException:
        """A new exception like the original (the original itself only if
        its type can be made neither through ``__reduce__`` nor ``__new__``)."""
        cls = type(self._e)
        new: Any = None
        try:
            new = self._make(*self._args)
        except Exception:
            try:
                new = cls.__new__(cls, *self._e.args)
                new.args = self._e.args
            except Exception:
                return self._e
        if type(new) is not cls:
            return self._e
        if self._state:
            new.__dict__.update(self._state)
            notes = self._state.get("__notes__")
            if isinstance(notes, list):
                new.__notes__ = list(notes)   # each copy has its own
        new.__cause__ = self._cause
        new.__context__ = self._context
        new.__suppress_context__ = self._suppress
        return new.with_traceback(self._tb)
