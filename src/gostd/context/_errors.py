"""The two errors a context reports: Go's ``context.Canceled`` and ``context.DeadlineExceeded``."""

from __future__ import annotations

from typing import Any

from .._exc import Copier

__all__ = ["Canceled", "DeadlineExceeded"]


class Canceled(Exception):
    """Go's ``context.Canceled``: ``ctx.err()`` of a context that was canceled
    for some reason other than its deadline passing.  ``str(err)`` is Go's
    text, ``context canceled``.

    Go compares errors by value (``err == context.Canceled``); here test the
    type: ``isinstance(ctx.err(), context.Canceled)`` or
    ``except context.Canceled``.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("context canceled",)))


class DeadlineExceeded(TimeoutError):
    """Go's ``context.DeadlineExceeded``: ``ctx.err()`` of a context whose
    deadline passed.  ``str(err)`` is ``context deadline exceeded``.

    It is a :class:`TimeoutError`, as Go's is a ``net.Error`` whose
    ``Timeout()`` is true, so ``except TimeoutError`` catches it.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("context deadline exceeded",)))


def raised(ctx: Any) -> BaseException:
    """The exception to raise in this thread for ``ctx``, which is done.

    ``ctx.err()`` is shared by every goroutine watching the context, and one
    exception object must never be raised by several threads (see
    :mod:`gostd._exc`), so library code raises a copy: same type and text,
    no traceback yet.  (A custom Context whose ``err()`` is still None
    although its done channel closed gets a :class:`Canceled`.)
    """
    err = ctx.err()
    if err is None:
        return Canceled()
    if type(err) is Canceled or type(err) is DeadlineExceeded:
        return type(err)(*err.args)
    return Copier(err, None).copy()
