"""singleflight.Group, after x/sync's singleflight.go."""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from types import TracebackType
from typing import Callable, Generic, Hashable, Optional, TypeVar

from ..._chan import Chan
from ..._exc import Copier
from ..._goroutine import go

__all__ = ["Group", "Result"]

T = TypeVar("T")


@dataclass(frozen=True)
class Result(Generic[T]):
    """What :meth:`Group.do_chan` delivers (Go's ``singleflight.Result``):
    the function's return value ``val`` (None if it raised), the exception
    ``err`` it raised (or None), and whether the result was ``shared`` with
    other callers."""

    val: Optional[T]
    err: Optional[BaseException]
    shared: bool


class _Call(Generic[T]):
    """One in-flight or completed call for a key."""

    __slots__ = ("done", "val", "errs", "dups", "chans")

    # val and errs are written once before done is released and only read
    # after; dups and chans change under the group's lock while the call is
    # in the group's map, and are final once it has left.

    def __init__(self) -> None:
        self.done = Lock()
        self.done.acquire()
        self.val: Optional[T] = None
        # What fn raised, one object per caller: itself and dups copies
        # (one exception must not be raised by two threads at once).
        self.errs: list[BaseException] = []
        self.dups = 0
        self.chans: list[Chan[Result[T]]] = []

    def error(self) -> Optional[BaseException]:
        """This caller's exception, if fn raised."""
        try:
            return self.errs.pop()
        except IndexError:
            return None


class Group(Generic[T]):
    """Go's ``singleflight.Group``: a namespace of keys in which a function
    runs at most once at a time per key; callers arriving meanwhile wait for
    that run and share its result.

    An exception raised by the function is the result too: every caller
    waiting on that run gets it (:meth:`do` raises it, :meth:`do_chan`
    delivers it in ``Result.err``).  Go re-panics a panic in every ``Do``
    caller and crashes the program for ``DoChan`` callers (whose channels
    would otherwise wait for ever); in Python an exception is an ordinary
    result, so nothing crashes and no channel is left waiting -- including
    for ``SystemExit``, Python's nearest thing to ``runtime.Goexit``.  Each
    caller gets its own exception object (one of them the object ``fn``
    raised, the others copies with the same type, args and traceback), so
    all of them can raise it at once.
    """

    __slots__ = ("_mu", "_m")

    def __init__(self) -> None:
        self._mu = Lock()
        self._m: dict[Hashable, _Call[T]] = {}

    def do(self, key: Hashable, fn: Callable[[], T]) -> tuple[T, bool]:
        """Run ``fn()`` unless a run for ``key`` is in flight, in which case
        wait for that one; return ``(value, shared)``, ``shared`` telling
        whether the value went to more than one caller.  Raises what ``fn``
        raised."""
        with self._mu:
            c = self._m.get(key)
            leader = c is None
            if c is None:
                c = self._m[key] = _Call()
            else:
                c.dups += 1
        if leader:
            self._do_call(c, key, fn)
        else:
            c.done.acquire()
            c.done.release()
        err = c.error()
        if err is not None:
            raise err
        return c.val, (c.dups > 0 if leader else True)  # type: ignore[return-value]

    def do_chan(self, key: Hashable, fn: Callable[[], T]) -> Chan[Result[T]]:
        """Like :meth:`do`, but return at once a channel that will receive
        the :class:`Result` (one value; the channel is never closed).  A new
        run goes in its own goroutine."""
        ch: Chan[Result[T]] = Chan(1)
        with self._mu:
            c = self._m.get(key)
            if c is not None:
                c.dups += 1
                c.chans.append(ch)
                return ch
            c = self._m[key] = _Call()
            c.chans.append(ch)
        go(self._do_call, c, key, fn)
        return ch

    def _do_call(self, c: _Call[T], key: Hashable, fn: Callable[[], T]) -> None:
        err: Optional[BaseException] = None
        tb: Optional[TracebackType] = None
        try:
            c.val = fn()
        except BaseException as e:
            err, tb = e, e.__traceback__
        with self._mu:
            if self._m.get(key) is c:
                del self._m[key]
        # Nobody joins c any more: its callers are the one that ran fn and
        # c.dups others.
        if err is not None:
            copier = Copier(err, tb)
            c.errs = [copier.copy() for _ in range(c.dups)] + [err]
        c.done.release()
        shared = c.dups > 0
        for ch in c.chans:   # each has room for its one result
            ch.send(Result(c.val, c.error(), shared))

    def forget(self, key: Hashable) -> None:
        """Forget ``key``: later calls run the function again instead of
        waiting for a run in flight (which still completes for its callers)."""
        with self._mu:
            self._m.pop(key, None)

    def __repr__(self) -> str:
        return f"<singleflight.Group in_flight={len(self._m)} at {id(self):#x}>"
