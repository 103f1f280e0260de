"""Go's ``time`` package, the concurrency half: durations, sleep, timers, tickers.

Durations are float seconds (``Duration`` is ``float``), so ``3 * Millisecond``
reads as in Go.  Timers and tickers deliver on :class:`gostd.Chan` channels and
mix freely with :func:`gostd.select`; the value delivered is the wall-clock
time of firing, as ``time.time()`` seconds (Go sends a ``time.Time``).

All timers share one daemon thread that sleeps until the earliest deadline of
a heap, as Go's runtime keeps timers in a heap rather than a thread each.
Channel semantics follow Go 1.23: a timer's or ticker's channel is
unbuffered as far as users can tell (``len(c) == c.cap == 0``, as Go's
``len``/``cap`` report for timer channels), though internally it keeps at most
one pending value, so ticks nobody is ready to take are dropped; and after
``stop``/``reset`` returns no stale value from before the call is received.
"""

import heapq as _heapq
import itertools as _itertools
import math as _math
import os as _os
import threading as _threading
import time as _time
import weakref as _weakref
from typing import Any as _Any, Callable as _Callable

from .._chan import Chan as _Chan, select as _select
from .._goroutine import go as _go, report_exception as _report_exception
from .._panic import Panic as _Panic

__all__ = [
    "Duration", "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour",
    "sleep", "after", "tick", "Ticker", "new_ticker", "Timer", "new_timer", "after_func",
]

Duration = float
"""A span of time in seconds (Go's ``time.Duration`` counts nanoseconds)."""

Nanosecond: Duration = 1e-9
Microsecond: Duration = 1e-6
Millisecond: Duration = 1e-3
Second: Duration = 1.0
Minute: Duration = 60.0
Hour: Duration = 3600.0

_monotonic = _time.monotonic

# The longest single OS-level wait.  Longer durations (Go's 1<<63-1 ns, or
# float('inf') for "never") are waited out in slices of this, because
# time.sleep and Lock.acquire reject timeouts beyond threading.TIMEOUT_MAX.
_MAX_WAIT = 3600.0
_INF = float("inf")
_PAUSE = 50e-6    # see _run


def _deadline(d: Duration) -> float:
    """The monotonic time ``d`` seconds from now (``d <= 0``: now).

    Raises ``ValueError`` for a NaN duration (Go's integer durations have
    none, and a NaN deadline would corrupt the timer heap's ordering).
    """
    if d != d:
        raise ValueError("time: invalid duration NaN")
    now = _monotonic()
    return now + d if d > 0 else now


def sleep(d: Duration) -> None:
    """Pause the calling goroutine for at least ``d`` seconds; ``d <= 0`` returns at once.

    Any length works, ``float('inf')`` included (that sleeps forever), as Go's
    ``Sleep(1<<63 - 1)`` does.
    """
    if d > 0:
        if d <= _MAX_WAIT:
            _time.sleep(d)
            return
        deadline = _monotonic() + d
        while True:
            left = deadline - _monotonic()
            if left <= 0:
                return
            _time.sleep(min(left, _MAX_WAIT))


# ---------------------------------------------------------------------------
# The timer thread.  _cond's lock guards the heap and every timer's state;
# the channel send of a firing timer happens under it too, so stop/reset
# (which also hold it) never race with a send.  Lock order: _cond, then a
# channel's lock; never the reverse.
#
# The heap refers to timers weakly, so that, as in Go 1.23, a timer or ticker
# nobody can receive from any more is garbage-collected instead of ticking
# forever: a timer's channel refers back to it (_TimerChan), so holding
# either keeps it alive.  after_func timers have no channel; while armed
# they are kept in _armed_funcs, as Go's runtime keeps f alive.

_cond = _threading.Condition(_threading.Lock())
_heap: list[tuple[float, int, int, "_weakref.ref[_Timer]"]] = []   # (when, seq, gen, timer)
_seq = _itertools.count()
_thread: _threading.Thread | None = None
_armed_funcs: set["_Timer"] = set()
# Stale heap entries (timer collected, stopped or re-armed) normally leave
# the heap when they reach its head.  Far-off ones would pile up -- one per
# select(..., after(timeout).recv) or t.reset(timeout) in a loop -- so once
# the heap reaches _compact_at entries _schedule drops them all, and sets the
# next threshold to twice the live count: amortised O(1) per push, and the
# heap stays within about twice the timers still armed (or not yet
# collected) at the last compaction.  Go 1.23 likewise frees unreferenced
# timers.
_COMPACT_MIN = 1024
_compact_at = _COMPACT_MIN


def _armed(entry: tuple[float, int, int, "_weakref.ref[_Timer]"]) -> bool:
    """Whether a heap entry still stands for an armed timer."""
    t = entry[3]()
    return t is not None and t._gen == entry[2]


def _compact() -> None:
    """Drop every stale heap entry (caller holds ``_cond``)."""
    global _compact_at
    _heap[:] = [entry for entry in _heap if _armed(entry)]
    _heapq.heapify(_heap)
    _compact_at = max(_COMPACT_MIN, 2 * len(_heap))


def _schedule(t: "_Timer", when: float) -> None:
    """Arm ``t`` for monotonic time ``when``; caller holds ``_cond``."""
    global _thread
    if len(_heap) >= _compact_at:
        _compact()
    t._gen += 1
    t._when = when
    t._active = True
    if t.c is None:
        _armed_funcs.add(t)
    _heapq.heappush(_heap, (when, next(_seq), t._gen, _weakref.ref(t)))
    if _heap[0][3]() is t:
        _cond.notify()
    if _thread is None:
        _thread = _threading.Thread(target=_run, name="gostd-timers", daemon=True)
        _thread.start()


def _after_fork_in_child() -> None:
    """A forked child has no timer thread, and ``_cond`` may have been held
    by a parent thread that does not exist here: start afresh, keeping the
    armed timers (the child's copies of them still fire)."""
    global _cond, _thread
    _cond = _threading.Condition(_threading.Lock())
    _thread = None
    if _heap:
        _thread = _threading.Thread(target=_run, name="gostd-timers", daemon=True)
        _thread.start()


if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_after_fork_in_child)


def _run() -> None:
    # Each round waits for the earliest live deadline, then fires, in one
    # batch, every timer due by the time the batch starts.  A ticker fired in
    # the batch re-arms strictly after that instant, so a batch always ends
    # and _cond is released between batches: a tiny ticker period (even
    # Nanosecond) cannot lock stop/reset callers out.
    calls: list[tuple[_Callable[[], _Any], bool]] = []
    while True:
        with _cond:
            while True:
                if not _heap:
                    _cond.wait()
                    continue
                when, _, gen, ref = _heap[0]
                t = ref()
                if t is None or gen != t._gen:  # collected, stopped or re-armed: stale
                    _heapq.heappop(_heap)
                    continue
                del t                           # wait holding no timer alive
                delay = when - _monotonic()
                if delay <= 0:
                    break
                _cond.wait(min(delay, _MAX_WAIT))   # a far deadline is waited in slices
            now = _monotonic()
            while _heap and _heap[0][0] <= now:
                when, _, gen, ref = _heapq.heappop(_heap)
                t = ref()
                if t is None or gen != t._gen:
                    continue
                f = t._fire(when)
                if f is not None:
                    calls.append((f, t._inline))
                del t
            again = bool(_heap) and _heap[0][0] <= _monotonic()
        for f, inline in calls:
            try:
                if inline:
                    f()
                else:
                    _go(f)
            except Exception:  # f failed, or no thread to be had: the timer thread must not die
                _report_exception()
        calls.clear()
        if again:
            # Timers came due during the batch (a ticker faster than we fire):
            # pause briefly so that threads waiting for _cond get it first.
            _time.sleep(_PAUSE)


def _drain(c: _Chan | None) -> bool:
    """Discard a value waiting in ``c``; return whether there was one (``_cond`` held)."""
    if c is None or not c._buf:   # not len(c): a timer channel's len is always 0
        return False
    with c._lock:
        if c._buf:
            c._buf.clear()
            return True
    return False


def _offer(c: _Chan, value: _Any) -> None:
    """Send ``value`` on ``c`` unless nobody can take it now (``_cond`` held).

    Go's timer channels are receive-only; here user code could close one.
    A closed channel just gets no more values: the timer thread must not die.
    """
    try:
        _select((c.send, value), default=True)
    except _Panic:
        pass


class _TimerChan(_Chan):
    """A timer's channel; it keeps its timer alive (see the heap above).

    Internally it buffers one value (the pending tick), but like Go 1.23's
    timer channels it presents itself as unbuffered: ``len`` and ``cap`` are 0
    (Go's chanlen/chancap special-case timer channels the same way).
    """

    __slots__ = ("_timer",)

    _timer: "_Timer"

    @property
    def cap(self) -> int:
        """0: Go 1.23's ``cap(t.C)`` for a timer or ticker channel."""
        return 0

    def __len__(self) -> int:
        """0: Go 1.23's ``len(t.C)``; whether a tick is pending is not observable."""
        return 0

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Chan len=0 cap=0 (timer){state} at {id(self):#x}>"


class _Timer:
    __slots__ = ("c", "_f", "_period", "_gen", "_when", "_active", "__weakref__")

    _inline = False   # True: f runs on the timer thread itself (see _InlineTimer)

    def __init__(self, c: _TimerChan | None, f: _Callable[[], _Any] | None,
                 period: float) -> None:
        self.c: _Chan[float] | None = c
        if c is not None:
            c._timer = self
        self._f = f
        self._period = period
        self._gen = 0
        self._when = 0.0
        self._active = False

    def _fire(self, when: float) -> _Callable[[], _Any] | None:
        """The deadline passed (``_cond`` held): deliver, re-arm a ticker, or
        return the after_func function for the caller to start."""
        if self._period > 0:
            now = _monotonic()
            # Skip the ticks missed meanwhile, as Go does: next = when + k*period > now.
            # (Float floor division: no int overflow for absurdly small periods.)
            nxt = when + self._period * (1.0 + (now - when) // self._period)
            if not now < nxt < _INF:  # the period is lost in float rounding
                nxt = _math.nextafter(now, _INF)
            _schedule(self, nxt)
        else:
            self._active = False
            _armed_funcs.discard(self)
        if self.c is not None:
            _offer(self.c, _time.time())
            return None
        return self._f

    def __repr__(self) -> str:
        state = "active" if self._active else "stopped"
        return f"<{type(self).__name__} {state} at {id(self):#x}>"

    def _stop(self) -> bool:
        """Disarm (``_cond`` held); True if a delivery was still to come or unreceived."""
        pending = self._active
        self._active = False
        self._gen += 1
        _armed_funcs.discard(self)
        if _drain(self.c):
            pending = True
        return pending


class Timer(_Timer):
    """A single event (Go's ``time.Timer``): after ``d`` seconds the current time
    is delivered on ``.c`` -- or, for :func:`after_func`, ``f`` runs in its own
    goroutine and ``.c`` is ``None``.  ``d <= 0`` fires at once.
    """

    __slots__ = ()

    c: _Chan[float] | None

    def __init__(self, d: Duration, _f: _Callable[[], _Any] | None = None) -> None:
        super().__init__(None if _f is not None else _TimerChan(1), _f, 0.0)
        with _cond:
            _schedule(self, _deadline(d))

    def stop(self) -> bool:
        """Prevent the timer from firing.

        Returns True if this call stopped it, False if it had already
        expired or been stopped.  As of Go 1.23, a value fired but not yet
        received counts as not expired: it is discarded (True is returned),
        and no stale value can be received from ``.c`` after ``stop``
        returns.  For ``after_func`` timers, ``stop`` does not wait for an
        ``f`` already started.
        """
        with _cond:
            return self._stop()

    def reset(self, d: Duration) -> bool:
        """Make the timer fire ``d`` seconds from now (discarding any unreceived
        value); returns True if it had been active, False if it had expired or
        been stopped -- the same answer ``stop`` would have given."""
        with _cond:
            when = _deadline(d)
            pending = self._stop()
            _schedule(self, when)
            return pending


class _InlineTimer(Timer):
    """An ``after_func`` timer whose ``f`` runs on the timer thread itself
    (after ``_cond`` is released), not in a new goroutine: for gostd's own
    short callbacks that never block, such as a context's deadline, so that
    expiring costs no thread.  An exception from ``f`` is reported."""

    __slots__ = ()

    _inline = True


def new_timer(d: Duration) -> Timer:
    """Go's ``time.NewTimer``: same as ``Timer(d)``."""
    return Timer(d)


def after_func(d: Duration, f: _Callable[[], _Any]) -> Timer:
    """Go's ``time.AfterFunc``: after ``d`` seconds run ``f()`` in its own goroutine.

    Returns the Timer (with ``.c`` None) whose ``stop`` cancels the call.
    """
    if not callable(f):
        raise TypeError(f"after_func: {type(f).__name__!r} object is not callable")
    return Timer(d, f)


def after(d: Duration) -> _Chan[float]:
    """Go's ``time.After``: a channel that receives the time once, ``d`` seconds from now."""
    return Timer(d).c  # type: ignore[return-value]


class Ticker(_Timer):
    """Delivers the time on ``.c`` every ``d`` seconds (Go's ``time.Ticker``).

    At most one tick is kept for a receiver (though, as in Go 1.23,
    ``len(.c)`` and ``.c.cap`` are 0): a slow receiver misses ticks rather
    than falling behind, and the schedule skips ticks missed, as in Go.  Raises
    :class:`gostd.Panic` (``non-positive interval for NewTicker``) if
    ``d <= 0``.
    """

    __slots__ = ()

    c: _Chan[float]

    def __init__(self, d: Duration) -> None:
        if not d > 0:
            raise _Panic("non-positive interval for NewTicker")
        super().__init__(_TimerChan(1), None, float(d))
        with _cond:
            _schedule(self, _monotonic() + d)

    def stop(self) -> None:
        """Turn the ticker off: no more ticks are delivered (an unreceived one is
        discarded).  ``.c`` is not closed, as in Go."""
        with _cond:
            self._stop()

    def reset(self, d: Duration) -> None:
        """Stop the ticker and restart it with period ``d``; the next tick arrives
        ``d`` from now.  Raises :class:`gostd.Panic`
        (``non-positive interval for Ticker.Reset``) if ``d <= 0``."""
        if not d > 0:
            raise _Panic("non-positive interval for Ticker.Reset")
        with _cond:
            self._stop()
            self._period = float(d)
            _schedule(self, _monotonic() + d)


def new_ticker(d: Duration) -> Ticker:
    """Go's ``time.NewTicker``: same as ``Ticker(d)``."""
    return Ticker(d)


def tick(d: Duration) -> _Chan[float] | None:
    """Go's ``time.Tick``: the channel of a new Ticker, or ``None`` if ``d <= 0``.

    ``None`` is Go's nil channel: as a :func:`gostd.select` case it never
    proceeds, so ``c = tick(d)`` then ``select(c and c.recv, ...)`` behaves
    as Go's ``case <-c:`` for any ``d`` (a channel is always true).
    """
    if not d > 0:
        return None
    return Ticker(d).c
