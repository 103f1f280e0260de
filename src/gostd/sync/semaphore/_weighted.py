"""semaphore.Weighted, after x/sync's semaphore.go."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from ..._chan import Chan, select
from ..._panic import Panic
from ...context import Context
from ...context._errors import raised

__all__ = ["Weighted"]


class _Waiter:
    __slots__ = ("n", "ready")

    def __init__(self, n: int) -> None:
        self.n = n
        self.ready: Chan[None] = Chan()   # closed when the semaphore is acquired for us


def _check_weight(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"semaphore: {what} must be an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"semaphore: negative {what} {n}")
    return n


def _is_done(done: Chan[None]) -> bool:
    return select(done.recv, default=True)[0] == 0


class Weighted:
    """Go's ``semaphore.Weighted`` (``NewWeighted(n)``): bounds concurrent
    access to a resource of size ``n``; callers ask for a weight each.

    Waiters are served strictly first come, first served: while the oldest
    waiter's request does not fit, later ones wait too, even if theirs
    would, so a large request is not starved by a stream of small ones.
    """

    __slots__ = ("_size", "_cur", "_mu", "_waiters")

    # Under _mu: 0 <= _cur <= _size; _waiters are in arrival order, each
    # still blocked; a waiter leaves the queue either granted (its weight
    # added to _cur, then its ready channel closed) or withdrawn by itself.

    def __init__(self, n: int) -> None:
        """A semaphore with total weight ``n``.  Raises ``TypeError`` for a
        non-int and ``ValueError`` for a negative ``n``."""
        self._size = _check_weight(n, "size")
        self._cur = 0
        self._mu = Lock()
        self._waiters: OrderedDict[_Waiter, None] = OrderedDict()

    def acquire(self, ctx: Context, n: int = 1) -> None:
        """Acquire weight ``n``, blocking until it is available or ``ctx`` is done.

        If ``ctx`` is done first, raises ``ctx``'s error (a copy of
        ``ctx.err()``: :class:`gostd.context.Canceled` or
        :class:`~gostd.context.DeadlineExceeded`, as Go returns
        ``ctx.Err()``) and leaves the semaphore unchanged -- also when
        ``ctx`` is already done on entry, even if the weight is free.  A
        request larger than the semaphore's size can never succeed: it waits
        for ``ctx`` without holding up anyone else.
        """
        _check_weight(n, "weight")
        done = ctx.done()
        with self._mu:
            if _is_done(done):
                # ctx became done before the call (or while waiting for _mu):
                # fail even though acquiring might not need to block.
                raise raised(ctx)
            if self._size - self._cur >= n and not self._waiters:
                self._cur += n
                return
            doomed = n > self._size
            if not doomed:
                w = _Waiter(n)
                self._waiters[w] = None
        if doomed:
            done.recv()
            raise raised(ctx)

        if select(done.recv, w.ready.recv)[0] == 1:
            # Acquired; still, fail if ctx is done by now (Go checks too).
            if _is_done(done):
                self.release(n)
                raise raised(ctx)
            return
        with self._mu:
            if w.ready.closed:
                # Granted after we were canceled: give it back.
                self._cur -= n
                self._notify()
            else:
                front = next(iter(self._waiters)) is w
                del self._waiters[w]
                # Leaving the front with room to spare: the next may fit now.
                if front and self._size > self._cur:
                    self._notify()
        raise raised(ctx)

    def try_acquire(self, n: int = 1) -> bool:
        """Acquire weight ``n`` if that needs no waiting (and nobody is
        waiting); return whether it did."""
        _check_weight(n, "weight")
        with self._mu:
            if self._size - self._cur >= n and not self._waiters:
                self._cur += n
                return True
            return False

    def release(self, n: int = 1) -> None:
        """Release weight ``n``, waking the waiters it lets in, oldest first.

        Raises :class:`gostd.Panic` (``semaphore: released more than held``,
        Go's text) if more is released than is held; unlike Go, the
        semaphore is left as it was.
        """
        _check_weight(n, "weight")
        with self._mu:
            if self._cur - n < 0:
                raise Panic("semaphore: released more than held")
            self._cur -= n
            self._notify()

    def _notify(self) -> None:
        """Grant waiters in order while the oldest one fits (``_mu`` held).

        Stopping at the first that does not fit, rather than looking for a
        smaller request further back, is what keeps large requests from
        starving: think of a semaphore of N used as a read-write lock, with
        readers acquiring 1 and a writer N.
        """
        waiters = self._waiters
        while waiters:
            w = next(iter(waiters))
            if self._size - self._cur < w.n:
                break
            self._cur += w.n
            del waiters[w]
            Chan.close(w.ready)

    def __repr__(self) -> str:
        return (f"<semaphore.Weighted size={self._size} held={self._cur} "
                f"waiters={len(self._waiters)} at {id(self):#x}>")

