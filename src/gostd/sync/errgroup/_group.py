"""errgroup.Group, after x/sync's errgroup.go."""

from __future__ import annotations

from threading import Lock
from types import TracebackType
from typing import Any, Callable, Optional, ParamSpec

from ..._chan import Chan, select
from ..._exc import Copier
from ..._goroutine import go
from ..._panic import Panic
from ...context import CancelCauseFunc, Context, with_cancel_cause
from .._nocopy import NoCopy
from .._waitgroup import WaitGroup

__all__ = ["Group", "with_context"]

P = ParamSpec("P")


class Group(NoCopy):
    """Go's ``errgroup.Group``: a collection of goroutines working on subtasks
    of one task.  A Group is not reused for different tasks.

    ``Group()`` has no limit and cancels nothing; :func:`with_context` makes
    one whose context is canceled by the first failure.

    A function fails by raising.  The first exception raised in the group is
    the one :meth:`wait` raises, and is the cause of the group's context.
    Every later one is attached to it as a note (PEP 678 ``__notes__``,
    shown in its traceback: ``errgroup: also raised in the group:
    ValueError: ...``), so none is lost.  Return values are ignored, as Go's
    functions return only an error.
    """

    __slots__ = ("_cancel", "_wg", "_sem", "_mu", "_err", "_tb", "_copier", "__weakref__")

    # Under _mu: _err is set once, by the first failure, with _tb its
    # traceback as caught; later failures only add notes to _err, and all
    # of them happen before the goroutines' WaitGroup reaches zero.  The
    # first wait() to raise _err makes _copier first, for the waits after.
    # _sem holds one token per active goroutine while a limit is set.

    def __init__(self) -> None:
        self._cancel: Optional[CancelCauseFunc] = None
        self._wg = WaitGroup()
        self._sem: Optional[Chan[None]] = None
        self._mu = Lock()
        self._err: Optional[BaseException] = None
        self._tb: Optional[TracebackType] = None
        self._copier: Optional[Copier] = None

    def go(self, f: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run ``f(*args, **kwargs)`` in a new goroutine of the group.

        Blocks while the group has as many active goroutines as its limit
        (:meth:`set_limit`).  The first call to ``go`` must happen before a
        :meth:`wait`.  Raises ``TypeError`` if ``f`` is not callable.
        """
        if not callable(f):
            raise TypeError(f"errgroup: {type(f).__name__!r} object is not callable")
        sem = self._sem
        if sem is not None:
            sem.send(None)
        self._start(sem, f, args, kwargs)

    def try_go(self, f: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Run ``f(*args, **kwargs)`` in a new goroutine only if the group is
        below its limit now; return whether it was started."""
        if not callable(f):
            raise TypeError(f"errgroup: {type(f).__name__!r} object is not callable")
        sem = self._sem
        if sem is not None and select((sem.send, None), default=True)[0] < 0:
            return False
        self._start(sem, f, args, kwargs)
        return True

    def _start(self, sem: Optional[Chan[None]], f: Callable[..., Any], args: tuple,
               kwargs: dict) -> None:
        self._wg.add(1)
        try:
            go(self._run, sem, f, args, kwargs)
        except BaseException:  # no thread: undo the accounting
            self._done(sem)
            raise

    def _run(self, sem: Optional[Chan[None]], f: Callable[..., Any], args: tuple,
             kwargs: dict) -> None:
        try:
            f(*args, **kwargs)
        except BaseException as e:
            self._fail(e, e.__traceback__)
        finally:
            self._done(sem)

    def _done(self, sem: Optional[Chan[None]]) -> None:
        if sem is not None:
            sem.recv()
        self._wg.done()

    def _fail(self, e: BaseException, tb: Optional[TracebackType]) -> None:
        with self._mu:
            first = self._err
            if first is None:
                self._err, self._tb = e, tb
            elif e is not first:
                note = f"errgroup: also raised in the group: {type(e).__qualname__}: {e}"
                notes = getattr(first, "__notes__", None)
                if isinstance(notes, list):
                    notes.append(note)
                else:
                    first.__notes__ = [note]
        if first is None and self._cancel is not None:
            self._cancel(e)

    def wait(self) -> None:
        """Block until every function started by :meth:`go` has returned,
        then raise the first exception any of them raised (and return None
        if none did).  Cancels the group's context either way.

        The first ``wait`` to raise raises the exception object itself, with
        the traceback of the goroutine that raised it; any other ``wait``
        raises a copy (one exception object must not be raised by two
        threads at once).
        """
        self._wg.wait()
        with self._mu:
            err = self._err
            if err is not None:
                copier = self._copier
                if copier is None:
                    self._copier = Copier(err, self._tb)
                else:
                    err = copier.copy()
        if self._cancel is not None:
            self._cancel(self._err)
        if err is not None:
            raise err

    def set_limit(self, n: int) -> None:
        """Allow at most ``n`` active goroutines in the group (``n < 0``: no
        limit; 0: none can be added).  Later :meth:`go` calls block until
        they can start one within the limit.

        Raises :class:`gostd.Panic` with x/sync's text (``errgroup: modify
        limit while N goroutines in the group are still active``) if
        goroutines started under a limit are still running.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"errgroup: limit must be an int, not {type(n).__name__}")
        if n < 0:
            self._sem = None
            return
        sem = self._sem
        active = len(sem) if sem is not None else 0
        if active:
            raise Panic(f"errgroup: modify limit while {active} goroutines in the group "
                        "are still active")
        self._sem = Chan(n)

    def __repr__(self) -> str:
        sem = self._sem
        limit = f" limit={sem.cap} active={len(sem)}" if sem is not None else ""
        return f"<errgroup.Group{limit} at {id(self):#x}>"


def with_context(ctx: Context) -> tuple[Group, Context]:
    """Go's ``errgroup.WithContext``: a new Group and a context derived from ``ctx``.

    The derived context is canceled the first time a function started by
    ``go`` raises -- with that exception as its :func:`gostd.context.cause`
    -- or the first time :meth:`Group.wait` returns, whichever comes first.
    """
    derived, cancel = with_cancel_cause(ctx)
    g = Group()
    g._cancel = cancel
    return g, derived
