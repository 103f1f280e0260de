"""Mutex and the Locker interface, after Go's sync/mutex.go.

``Mutex`` lives in the C core (``src/_core/mutex.c``): lock, unlock and the
``with`` protocol are C methods on one atomic word, so an uncontended
``lock()``/``unlock()`` pair costs less than ``threading.Lock``'s.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .._core import Mutex

__all__ = ["Locker", "Mutex"]


@runtime_checkable
class Locker(Protocol):
    """Anything that can be locked and unlocked (Go's ``sync.Locker``).

    :class:`Mutex`, :class:`RWMutex` and ``RWMutex.r_locker()`` are Lockers.
    """

    def lock(self) -> object: ...

    def unlock(self) -> object: ...
