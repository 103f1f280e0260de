"""RWMutex, after Go's sync/rwmutex.go: a reader/writer lock preferring writers.

``RWMutex`` and its read-side Locker (``RWMutex.r_locker()``) live in the C
core (``src/_core/rwmutex.c``): an uncontended ``r_lock``/``r_unlock`` is one
atomic operation each, and waits release the GIL and are interruptible.
"""

from __future__ import annotations

from .._core import RWMutex

__all__ = ["RWMutex"]
