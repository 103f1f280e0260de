"""Cancelable contexts: Go's ``cancelCtx``, ``WithCancel``, ``WithCancelCause`` and ``Cause``.

A cancelable context registers itself with the nearest cancelable ancestor
of this package (``propagate``), which cancels it along with itself.  A
context canceled first removes itself from that ancestor; it never changes
the ancestor otherwise.

Locks are taken parent before child, never the reverse, as in Go: canceling
holds the lock of each context it marks until the whole subtree below is
marked, so once any cancel of a context has returned, every descendant's
``done()`` is closed.  The subtree is walked with an explicit stack, not by
recursion, so any depth works.  What a context does once canceled besides
closing its channel (stopping a timer, starting an after_func) runs after
the locks are released.
"""

from __future__ import annotations

from threading import Lock
from typing import Any, Callable, Optional

from .._chan import Chan, select
from .._goroutine import go
from ..sync.atomic import Int64
from ._context import (CANCEL_KEY, NEXT, CancelCauseFunc, CancelFunc, Context, _Derived,
                       _DoneChan, check_parent, closed, never)
from ._errors import Canceled

__all__ = ["cause", "with_cancel", "with_cancel_cause"]

fallback_goroutines = Int64()
"""How many watcher goroutines ``propagate`` ever started (Go's ``goroutines``; for tests)."""


class _CancelCtx(_Derived):
    """Go's ``cancelCtx``: done closes on the first cancel, of itself or an ancestor."""

    __slots__ = ("_mu", "_done", "_children", "_err", "_cause", "_dl")

    # Under _mu: _cause, then _err, then the done channel are set once, in
    # that order, by the first cancel; from then on _children is None and no
    # child is added.  _done is None until someone asks for it (a context
    # canceled first gets the shared closed channel).  _err is also read
    # without the lock: once set it never changes.

    def __init__(self, parent: Context, dl: Optional[tuple[float, bool]] = None) -> None:
        self._parent = parent
        self._mu = Lock()
        self._done: Optional[Chan[None]] = None
        self._children: Optional[dict[_CancelCtx, None]] = None
        self._err: Optional[BaseException] = None
        self._cause: Optional[BaseException] = None
        # Go's cancelCtx asks its parent each time; Deadline never changes, so ask once.
        self._dl = parent.deadline() if dl is None else dl

    def deadline(self) -> tuple[float, bool]:
        return self._dl

    def done(self) -> Chan[None]:
        d = self._done
        if d is None:
            with self._mu:
                d = self._done
                if d is None:
                    d = self._done = _DoneChan()
        return d

    def err(self) -> Optional[BaseException]:
        return self._err

    def _own(self, key: object) -> Any:
        return self if key is CANCEL_KEY else NEXT

    def _suffix(self) -> str:
        return ".WithCancel"

    def _canceled(self) -> None:
        """Runs once, after this context was canceled, with no lock held."""

    def _propagate(self, parent: Context) -> None:
        """Go's ``propagateCancel``: arrange for self to be canceled with ``parent``."""
        done = parent.done()
        if done is None or done is never:
            return  # parent is never canceled
        if _is_closed(done):
            self._cancel(False, parent.err() or Canceled(), cause(parent))
            return
        p = _parent_cancel_ctx(parent, done)
        if p is not None:
            with p._mu:
                err = p._err
                if err is None:
                    if p._children is None:
                        p._children = {}
                    p._children[self] = None
                    return
                pcause = p._cause
            self._cancel(False, err, pcause)
            return
        after = getattr(parent, "after_func", None)
        if callable(after):
            # Go's afterFuncer: the parent runs our cancel; stop() undoes that.
            stop = after(lambda: self._cancel(False, parent.err() or Canceled(), cause(parent)))
            self._parent = _StopCtx(parent, stop)
            return
        fallback_goroutines.add(1)
        go(_watch, parent, self)

    def _cancel(self, remove: bool, err: BaseException, why: Optional[BaseException]) -> None:
        """Cancel self and its subtree with ``err`` (cause ``why``, default ``err``);
        with ``remove``, then leave the parent's children."""
        if why is None:
            why = err
        held: list[_CancelCtx] = []
        marked: list[_CancelCtx] = []
        stack: list[_CancelCtx] = [self]
        try:
            while stack:
                c = stack.pop()
                c._mu.acquire()
                held.append(c)
                if c._err is not None:
                    continue  # already canceled, with its subtree
                c._cause = why
                c._err = err
                d = c._done
                if d is None:
                    c._done = closed
                else:
                    Chan.close(d)
                if c._children:
                    stack.extend(c._children)
                c._children = None
                marked.append(c)
        finally:
            for c in reversed(held):
                c._mu.release()
        for c in marked:
            c._canceled()
        if remove:
            remove_child(self._parent, self)


class _StopCtx(_Derived):
    """Go's ``stopCtx``: stands between a cancelCtx and a parent with an
    ``after_func`` method, holding the stop function that unregisters it."""

    __slots__ = ("_stop",)

    def __init__(self, parent: Context, stop: Callable[[], object]) -> None:
        self._parent = parent
        self._stop = stop

    def deadline(self) -> tuple[float, bool]:
        return self._parent.deadline()

    def done(self) -> Chan[None]:
        return self._parent.done()

    def err(self) -> Optional[BaseException]:
        return self._parent.err()


def _is_closed(done: Chan[None]) -> bool:
    """Whether ``<-done`` would proceed now (Go's select with a default)."""
    if type(done) is _DoneChan:
        return done.closed
    return select(done.recv, default=True)[0] == 0


def _watch(parent: Context, child: _CancelCtx) -> None:
    """The goroutine Go starts for a parent it cannot hook into."""
    if select(parent.done().recv, child.done().recv)[0] == 0:
        child._cancel(False, parent.err() or Canceled(), cause(parent))


def _parent_cancel_ctx(parent: Context, done: Optional[Chan[None]] = None) -> Optional[_CancelCtx]:
    """Go's ``parentCancelCtx``: the cancelCtx of this package whose done
    channel is ``parent``'s, if any (not when a custom context in between
    supplies a channel of its own)."""
    if done is None:
        done = parent.done()
    if done is None or done is closed or done is never:
        return None
    p = parent if isinstance(parent, _CancelCtx) else parent.value(CANCEL_KEY)
    if not isinstance(p, _CancelCtx) or p._done is not done:
        return None
    return p


def remove_child(parent: Context, child: _CancelCtx) -> None:
    """Go's ``removeChild``: ``child`` was canceled on its own; unhook it."""
    if type(parent) is _StopCtx:
        parent._stop()
        return
    p = _parent_cancel_ctx(parent)
    if p is None:
        return
    with p._mu:
        if p._children is not None:
            p._children.pop(child, None)


def new_cancel_ctx(parent: Context) -> _CancelCtx:
    check_parent(parent)
    c = _CancelCtx(parent)
    c._propagate(parent)
    return c


def with_cancel(parent: Context) -> tuple[Context, CancelFunc]:
    """Go's ``context.WithCancel``: a child of ``parent`` with its own done
    channel, and the function that cancels it.

    The child is canceled (``err()`` a :class:`Canceled`) when ``cancel()``
    is called or when ``parent`` is, whichever comes first; canceling it
    cancels its own descendants at once and never touches ``parent``.  Call
    ``cancel`` as soon as the work is done: until then ``parent`` keeps a
    reference to the child.  ``cancel`` may be called many times, from any
    thread; only the first call does anything.

    Raises :class:`gostd.Panic` (``cannot create context from nil parent``)
    for ``None`` and ``TypeError`` for anything else not a :class:`Context`.
    """
    c = new_cancel_ctx(parent)

    def cancel() -> None:
        c._cancel(True, Canceled(), None)

    return c, cancel


def with_cancel_cause(parent: Context) -> tuple[Context, CancelCauseFunc]:
    """Go 1.20's ``context.WithCancelCause``: like :func:`with_cancel`, but
    ``cancel(cause)`` also records why.

    ``ctx.err()`` is still a :class:`Canceled`; :func:`cause` returns the
    exception given (``cancel(None)``: the Canceled itself).  Only the first
    cancellation of the context or an ancestor sets the cause.
    """
    c = new_cancel_ctx(parent)

    def cancel(cause: Optional[BaseException] = None) -> None:
        if cause is not None and not isinstance(cause, BaseException):
            raise TypeError(f"context: cause must be an exception, not {type(cause).__name__}")
        c._cancel(True, Canceled(), cause)

    return c, cancel


def cause(c: Context) -> Optional[BaseException]:
    """Go 1.20's ``context.Cause``: why ``c`` was canceled.

    The first cancellation of ``c`` or of an ancestor sets it: the exception
    passed to a ``with_cancel_cause`` cancel function (or to
    ``with_deadline_cause``/``with_timeout_cause`` when the deadline passes),
    else the same object as ``c.err()``.  ``None`` while ``c`` is not
    canceled, and for ``without_cancel`` contexts.
    """
    cc = c.value(CANCEL_KEY)
    if isinstance(cc, _CancelCtx):
        with cc._mu:
            why = cc._cause
        if why is not None:
            return why
        # Not canceled, or canceled by a custom context rather than one of ours.
    return c.err()
