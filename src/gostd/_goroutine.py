"""Goroutines: ``go(fn, *args, **kwargs)``, Go's ``go`` statement."""

from __future__ import annotations

import itertools
import sys
import threading
from typing import Any, Callable, ParamSpec

__all__ = ["go", "report_exception"]

P = ParamSpec("P")

_ids = itertools.count(1)


def go(fn: Callable[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> threading.Thread:
    """Run ``fn(*args, **kwargs)`` in a new goroutine and return at once.

    A goroutine is a daemon thread: like Go, a running goroutine does not
    keep the process alive once the main program is done.  ``fn``'s return
    value is discarded, as Go discards it.

    An exception escaping ``fn`` is never lost: it is reported with its
    traceback through :func:`threading.excepthook` (by default printed to
    stderr as ``Exception in thread goroutine-N (fn): ...``).  Unlike Go, it
    does not end the process.

    Returns the started :class:`threading.Thread`, which Go has no
    counterpart for; it is handy for ``join(timeout)`` in tests and for
    ``is_alive()``.  Synchronise through channels or a ``WaitGroup`` in
    ordinary code.  Raises ``TypeError`` if ``fn`` is not callable.
    """
    if not callable(fn):
        raise TypeError(f"go: {type(fn).__name__!r} object is not callable")
    name = getattr(fn, "__name__", None) or type(fn).__name__
    t = threading.Thread(target=fn, args=args, kwargs=kwargs, daemon=True,
                         name=f"goroutine-{next(_ids)} ({name})")
    t.start()
    return t


def report_exception() -> None:
    """Report the exception being handled as one escaping the current goroutine.

    It goes to :func:`threading.excepthook`, exactly as an exception escaping
    a thread's ``run`` would.
    """
    t, v, tb = sys.exc_info()
    threading.excepthook(threading.ExceptHookArgs((t, v, tb, threading.current_thread())))
