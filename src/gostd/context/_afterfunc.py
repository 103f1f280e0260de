"""Go 1.21's ``context.AfterFunc``: run a function once a context is done."""

from __future__ import annotations

from threading import Lock
from typing import Any, Callable, Optional

from .._goroutine import go
from ._cancel import _CancelCtx
from ._context import Context, check_parent
from ._errors import Canceled

__all__ = ["after_func"]


class _AfterFuncCtx(_CancelCtx):
    """Go's ``afterFuncCtx``: a hidden child whose cancellation starts ``f``."""

    __slots__ = ("_f", "_once")

    # _once is acquired exactly once: by the cancellation that starts f, or
    # by the stop() that prevents it.

    def __init__(self, parent: Context, f: Callable[[], Any]) -> None:
        super().__init__(parent, (0.0, False))
        self._f: Optional[Callable[[], Any]] = f
        self._once = Lock()

    def _canceled(self) -> None:
        if self._once.acquire(False):
            f, self._f = self._f, None
            assert f is not None
            go(f)


def after_func(ctx: Context, f: Callable[[], Any]) -> Callable[[], bool]:
    """Go 1.21's ``context.AfterFunc``: call ``f()`` in its own goroutine
    once ``ctx`` is done (at once if it already is).  Returns ``stop``.

    ``stop()`` ends the association: it returns True if that prevented ``f``
    from running, False if ``f`` was already started (or stop was already
    called).  It does not wait for ``f`` to finish.  Several after_funcs on
    one context are independent.  A ``ctx`` of a custom type with an
    ``after_func(f) -> stop`` method schedules ``f`` through it.
    """
    check_parent(ctx)
    if not callable(f):
        raise TypeError(f"after_func: {type(f).__name__!r} object is not callable")
    a = _AfterFuncCtx(ctx, f)
    a._propagate(ctx)

    def stop() -> bool:
        if not a._once.acquire(False):
            return False
        a._f = None
        a._cancel(True, Canceled(), None)
        return True

    return stop
