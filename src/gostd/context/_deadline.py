"""Contexts with a deadline: Go's ``timerCtx``, ``WithDeadline``, ``WithTimeout``
and their ``...Cause`` forms.

Deadlines are ``time.time()`` seconds.  Each armed deadline is one entry in
:mod:`gostd.time`'s timer heap, expiring on the shared timer thread (no
thread per context, none started when one expires); canceling the context
first disarms it.
"""

from __future__ import annotations

import datetime
import math
import time as _time
from typing import Optional

from ..time import _InlineTimer
from ._cancel import _CancelCtx, with_cancel
from ._context import CancelFunc, Context, check_parent
from ._errors import Canceled, DeadlineExceeded

__all__ = ["with_deadline", "with_deadline_cause", "with_timeout", "with_timeout_cause"]


class _TimerCtx(_CancelCtx):
    """Go's ``timerCtx``: a cancelCtx that its deadline also cancels."""

    __slots__ = ("_timer",)

    # _timer (under _mu) is armed only while the context is not canceled;
    # the first cancel, whatever its reason, disarms and drops it.

    def __init__(self, parent: Context, d: float) -> None:
        super().__init__(parent, (d, True))
        self._timer: Optional[_InlineTimer] = None

    def _canceled(self) -> None:
        with self._mu:
            t, self._timer = self._timer, None
        if t is not None:
            t.stop()

    def _suffix(self) -> str:
        d = self._dl[0]
        return f".WithDeadline({format_time(d)} [{format_duration(d - _time.time())}])"


def with_deadline(parent: Context, d: float) -> tuple[Context, CancelFunc]:
    """Go's ``context.WithDeadline``: a child of ``parent`` canceled at the
    latest at ``d`` (``time.time()`` seconds), with ``err()`` a
    :class:`DeadlineExceeded` once ``d`` passes.

    If ``parent``'s deadline is already earlier, this is ``with_cancel``.
    A ``d`` already past gives a context that is done at once.  The child is
    also canceled by ``cancel()`` or with ``parent``, whichever comes first;
    call ``cancel`` as soon as the work is done, to release the timer.
    Raises ``ValueError`` for a NaN deadline.
    """
    return with_deadline_cause(parent, d, None)


def with_deadline_cause(parent: Context, d: float,
                        cause: Optional[BaseException]) -> tuple[Context, CancelFunc]:
    """Go 1.21's ``context.WithDeadlineCause``: :func:`with_deadline` whose
    expiry also sets :func:`cause` to ``cause`` (``cancel()`` does not)."""
    check_parent(parent)
    if d != d:
        raise ValueError("context: invalid deadline NaN")
    cur, ok = parent.deadline()
    if ok and cur < d:
        return with_cancel(parent)  # the parent's deadline comes first
    c = _TimerCtx(parent, d)
    c._propagate(parent)

    def cancel() -> None:
        c._cancel(True, Canceled(), None)

    left = d - _time.time()
    if left <= 0:
        c._cancel(True, DeadlineExceeded(), cause)  # already past
        return c, cancel

    def expire() -> None:
        c._cancel(True, DeadlineExceeded(), cause)

    with c._mu:
        if c._err is None:
            c._timer = _InlineTimer(left, expire)
    return c, cancel


def with_timeout(parent: Context, timeout: float) -> tuple[Context, CancelFunc]:
    """Go's ``context.WithTimeout``: ``with_deadline(parent, time.time() + timeout)``.

    ``timeout`` is in seconds (``float('inf')``: no deadline ever comes).
    """
    return with_timeout_cause(parent, timeout, None)


def with_timeout_cause(parent: Context, timeout: float,
                       cause: Optional[BaseException]) -> tuple[Context, CancelFunc]:
    """Go 1.21's ``context.WithTimeoutCause``: :func:`with_timeout` whose
    expiry also sets :func:`cause` to ``cause``."""
    if timeout != timeout:
        raise ValueError("context: invalid timeout NaN")
    return with_deadline_cause(parent, _time.time() + timeout, cause)


def format_time(t: float) -> str:
    """Go's ``Time.String`` for ``time.time()`` seconds, in local time:
    ``2006-01-02 15:04:05.999999 -0700 MST`` (to the microsecond)."""
    try:
        dt = datetime.datetime.fromtimestamp(t).astimezone()
    except (OverflowError, OSError, ValueError):
        return repr(t)
    frac = f"{dt.microsecond:06d}".rstrip("0")
    return dt.strftime("%Y-%m-%d %H:%M:%S") + ("." + frac if frac else "") + dt.strftime(" %z %Z")


def format_duration(s: float) -> str:
    """Go's ``Duration.String`` for ``s`` seconds: ``1h2m3.5s``, ``1.5ms``, ``0s``."""
    if not math.isfinite(s):
        return repr(s)
    ns = round(s * 1e9)
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u == 0:
        return "0s"
    if u < 1000:
        return f"{sign}{u}ns"
    if u < 1_000_000:
        return f"{sign}{_decimal(u, 3)}µs"
    if u < 1_000_000_000:
        return f"{sign}{_decimal(u, 6)}ms"
    secs = _decimal(u, 9) + "s"
    whole = u // 1_000_000_000
    if whole < 60:
        return sign + secs
    h, m = divmod(whole // 60, 60)
    secs = _decimal(u - whole // 60 * 60 * 1_000_000_000, 9) + "s"
    return f"{sign}{h}h{m}m{secs}" if h else f"{sign}{m}m{secs}"


def _decimal(u: int, digits: int) -> str:
    """``u / 10**digits`` in decimal, trailing zeros (and point) dropped."""
    whole, frac = divmod(u, 10 ** digits)
    f = f"{frac:0{digits}d}".rstrip("0")
    return f"{whole}.{f}" if f else str(whole)
