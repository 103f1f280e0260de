"""Go's ``context`` package: deadlines, cancellation and request-scoped values
carried across API boundaries and goroutines.

::

    from gostd import context, go, select, Chan

    ctx, cancel = context.with_timeout(context.background(), 0.5)
    try:
        i, v = select(ctx.done().recv, results.recv)
        if i == 0:
            raise ctx.err()          # context.DeadlineExceeded
    finally:
        cancel()

Names and semantics are Go's (1.21, with ``with_cancel_cause``,
``without_cancel``, ``after_func`` and ``cause``); ``repr`` of a context is
Go's ``String()`` (``context.Background.WithCancel``).  Where it differs:

* ``ctx.err()`` is an exception instance -- a :class:`Canceled` or a
  :class:`DeadlineExceeded` (also a ``TimeoutError``) -- tested with
  ``isinstance`` or ``except``, where Go compares ``err == context.Canceled``.
* ``done()`` of a context that can never be canceled (``background()``,
  ``todo()``, ``without_cancel``) is a channel that is never closed rather
  than Go's nil channel, so ``select(ctx.done().recv, ...)`` needs no test
  for ``None``.  Done channels are receive-only: ``send``/``close`` raise.
* Deadlines are ``time.time()`` seconds, and ``deadline()`` returns
  ``(0.0, False)`` when there is none.
"""

from ._afterfunc import after_func
from ._cancel import cause, with_cancel, with_cancel_cause
from ._context import CancelCauseFunc, CancelFunc, Context, background, todo
from ._deadline import with_deadline, with_deadline_cause, with_timeout, with_timeout_cause
from ._errors import Canceled, DeadlineExceeded
from ._value import with_value, without_cancel

__all__ = [
    "CancelCauseFunc", "CancelFunc", "Canceled", "Context", "DeadlineExceeded",
    "after_func", "background", "cause", "todo", "with_cancel", "with_cancel_cause",
    "with_deadline", "with_deadline_cause", "with_timeout", "with_timeout_cause",
    "with_value", "without_cancel",
]
