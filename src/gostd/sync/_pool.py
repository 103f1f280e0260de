"""Pool, after Go's sync/pool.go: a cache of reusable objects."""

from __future__ import annotations

import gc
import weakref
from typing import Callable, Generic, Optional, TypeVar
from ._nocopy import NoCopy

__all__ = ["Pool"]

T = TypeVar("T")

_pools: weakref.WeakSet[Pool] = weakref.WeakSet()


class Pool(NoCopy, Generic[T]):
    """A set of temporary objects that may be saved and reused (Go's ``sync.Pool``).

    ``put(x)`` adds ``x`` to the pool (``put(None)`` is a no-op, as Go
    ignores nil); ``get()`` removes and returns some pooled object, or, if
    the pool is empty, returns ``new()`` when a ``new`` function was given
    and ``None`` otherwise.  Callers must not assume any relation between
    values passed to ``put`` and values returned by ``get``.

    As in Go, pooled objects may be dropped at any time: like Go's per-GC
    victim cache, each full (generation 2) garbage collection moves the
    pool's contents to a victim list and drops the previous victims, so an
    idle pool empties after two full collections and never pins memory.
    Safe for concurrent use.
    """

    __slots__ = ("new", "_private", "_items", "_victim", "__weakref__")

    # Like Go's per-P poolLocal as seen from one goroutine: put fills the
    # private slot first, then the shared stack; get takes the private slot,
    # then the newest shared object, then the victims.  So put(a), put(b),
    # get(), get() gives a then b, as in Go.  Each part is a list, whose
    # append and pop are atomic, so no lock is needed; two racing puts may
    # both land in _private, which costs nothing but Go's exact order.

    def __init__(self, new: Optional[Callable[[], T]] = None) -> None:
        self.new = new                # Go's Pool.New; may be set later
        self._private: list[T] = []
        self._items: list[T] = []
        self._victim: list[T] = []
        _pools.add(self)

    def get(self) -> Optional[T]:
        """Remove and return a pooled object, else ``new()``, else ``None``."""
        try:
            return self._private.pop()
        except IndexError:
            pass
        try:
            return self._items.pop()
        except IndexError:
            pass
        try:
            return self._victim.pop()
        except IndexError:
            pass
        new = self.new
        return new() if new is not None else None

    def put(self, x: Optional[T]) -> None:
        """Add ``x`` to the pool; ``None`` is ignored."""
        if x is not None:
            if self._private:
                self._items.append(x)
            else:
                self._private.append(x)

    def _age(self) -> None:
        # The victims are popped from the end: the private object goes last.
        victim = self._items
        private = self._private
        self._items = []
        self._private = []
        victim.extend(private)
        self._victim = victim


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start" and info.get("generation") == 2:
        for pool in list(_pools):
            pool._age()


gc.callbacks.append(_on_gc)
