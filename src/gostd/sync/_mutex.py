"""Mutex and the Locker interface, after Go's sync/mutex.go."""

from __future__ import annotations

from functools import partial
from threading import Lock
from types import TracebackType
from typing import Callable, Protocol, runtime_checkable

from .._panic import Panic

__all__ = ["Locker", "Mutex"]


@runtime_checkable
class Locker(Protocol):
    """Anything that can be locked and unlocked (Go's ``sync.Locker``)."""

    def lock(self) -> object: ...

    def unlock(self) -> object: ...


class Mutex:
    """A mutual exclusion lock (Go's ``sync.Mutex``); the zero value is unlocked.

    ``lock()`` blocks until the mutex is free; ``try_lock()`` takes it only if
    it is free now and says whether it did; ``unlock()`` frees it.  Like Go,
    a Mutex is not tied to a goroutine: one goroutine may lock it and another
    unlock it, and locking it twice from one goroutine deadlocks.
    ``with m:`` locks for the block.

    ``unlock()`` of an unlocked mutex raises :class:`gostd.Panic` with Go's
    message ``sync: unlock of unlocked mutex``.
    """

    __slots__ = ("_lk", "lock", "try_lock", "__weakref__")

    lock: Callable[[], bool]
    """Lock, waiting until the mutex is free.  (Returns True, which Go has no use for.)"""
    try_lock: Callable[[], bool]
    """Lock only if the mutex is free now; return whether it was taken."""

    def __init__(self) -> None:
        lk = Lock()
        self._lk = lk
        # The lock side is the underlying lock's own C methods, bound once:
        # no Python frame on the hot path.
        self.lock = lk.acquire
        self.try_lock = partial(lk.acquire, False)

    def unlock(self) -> None:
        """Unlock; raises ``Panic('sync: unlock of unlocked mutex')`` if not locked."""
        try:
            self._lk.release()
        except RuntimeError:
            raise Panic("sync: unlock of unlocked mutex") from None

    def __enter__(self) -> Mutex:
        self._lk.acquire()
        return self

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._lk.release()
        except RuntimeError:
            raise Panic("sync: unlock of unlocked mutex") from None

    def __repr__(self) -> str:
        return f"<Mutex {'locked' if self._lk.locked() else 'unlocked'} at {id(self):#x}>"

