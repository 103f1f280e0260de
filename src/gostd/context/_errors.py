"""The two errors a context reports: Go's ``context.Canceled`` and ``context.DeadlineExceeded``."""

from __future__ import annotations

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


def fresh(err: BaseException) -> BaseException:
    """An exception to raise for a context's error ``err`` in this thread.

    ``err`` is shared by every goroutine watching the context, and raising
    one exception object from several threads would splice their tracebacks
    together (and grow it on every raise); so our own two errors are raised
    as a new instance of the same type and text.  Any other error (from a
    custom Context) is raised as it is.
    """
    if type(err) is Canceled or type(err) is DeadlineExceeded:
        return type(err)(*err.args)
    return err
