"""Cond, after Go's sync/cond.go: a rendezvous point for goroutines waiting for an event."""

from __future__ import annotations

from collections import deque
from threading import Lock
from typing import Any
from ._nocopy import NoCopy

__all__ = ["Cond"]


class Cond(NoCopy):
    """A condition variable (Go's ``sync.Cond``) over the Locker ``l``.

    ``l`` is any object with ``lock()``/``unlock()`` (a :class:`Mutex`, an
    :class:`RWMutex` or its ``r_locker()``), or with ``acquire()``/``release()``
    (a :class:`threading.Lock`); it is exposed as ``.l`` and must be held
    while the condition is checked or changed.

    ``wait()`` must be called with ``l`` held: it unlocks ``l``, suspends the
    caller until ``signal`` or ``broadcast`` wakes it, and locks ``l`` again
    before returning.  A waiter is registered before ``l`` is released, so
    no wake-up sent after that can be lost.  As in Go, ``wait`` cannot tell
    why it woke, so callers re-check their condition in a loop.
    ``signal()`` wakes the longest-waiting goroutine, if any (no waiter: no
    effect, nothing is remembered); ``broadcast()`` wakes all current waiters.
    Neither requires holding ``l``.

    ``wait`` without ``l`` held raises what unlocking ``l`` raises (for a
    Mutex, :class:`gostd.Panic` ``sync: unlock of unlocked mutex``) and
    leaves no waiter behind.
    """

    __slots__ = ("l", "_lock", "_unlock", "_mu", "_waiters", "__weakref__")

    def __init__(self, l: Any) -> None:  # noqa: E741 -- Go's field name
        lock = getattr(l, "lock", None)
        unlock = getattr(l, "unlock", None)
        if not (callable(lock) and callable(unlock)):
            lock = getattr(l, "acquire", None)
            unlock = getattr(l, "release", None)
        if not (callable(lock) and callable(unlock)):
            raise TypeError(f"Cond needs a Locker (lock/unlock), not {type(l).__name__}")
        self.l = l
        self._lock = lock
        self._unlock = unlock
        self._mu = Lock()                     # guards _waiters
        self._waiters: deque[Lock] = deque()  # FIFO of held wake locks

    def wait(self) -> None:
        """Unlock ``l``, wait to be signalled, then lock ``l`` again."""
        wake = Lock()
        wake.acquire()
        with self._mu:
            self._waiters.append(wake)
        try:
            self._unlock()
        except BaseException:
            with self._mu:
                try:
                    self._waiters.remove(wake)
                except ValueError:  # already signalled: pass the wake-up on
                    if self._waiters:
                        self._waiters.popleft().release()
            raise
        try:
            wake.acquire()
        except BaseException:  # interrupted: withdraw, passing on a signal already taken
            with self._mu:
                try:
                    self._waiters.remove(wake)
                except ValueError:
                    if self._waiters:
                        self._waiters.popleft().release()
            self._lock()           # wait always returns, or raises, with l held
            raise
        self._lock()

    def signal(self) -> None:
        """Wake one waiting goroutine, the one waiting longest; no-op if none waits."""
        with self._mu:
            if self._waiters:
                self._waiters.popleft().release()

    def __repr__(self) -> str:
        return f"<Cond waiters={len(self._waiters)} l={self.l!r} at {id(self):#x}>"

    def broadcast(self) -> None:
        """Wake every goroutine waiting now."""
        with self._mu:
            waiters = self._waiters
            self._waiters = deque()
        for w in waiters:
            w.release()
