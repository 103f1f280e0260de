"""RWMutex, after Go's sync/rwmutex.go: a reader/writer lock preferring writers."""

from __future__ import annotations

from queue import SimpleQueue
from threading import Lock
from types import TracebackType

from .._core import Int64
from .._goroutine import go
from .._panic import Panic
from ._mutex import Locker

__all__ = ["RWMutex"]

_MAX_READERS = 1 << 30   # Go's rwmutexMaxReaders


class RWMutex:
    """A reader/writer mutual exclusion lock (Go's ``sync.RWMutex``).

    Any number of readers (``r_lock``/``r_unlock``) or one writer
    (``lock``/``unlock``) hold it at a time.  As in Go, writers are never
    starved: once a writer is waiting, new readers wait behind it; when that
    writer unlocks, the readers that queued during its turn go before the
    next writer.  So a goroutine must not ``r_lock`` recursively (it would
    deadlock behind a waiting writer), and a lock may be released by a
    goroutine other than the one that took it.

    ``with rw:`` holds the write side; ``with rw.r_locker():`` the read side.
    Misuse raises :class:`gostd.Panic` with Go's messages:
    ``sync: RUnlock of unlocked RWMutex`` and ``sync: Unlock of unlocked RWMutex``.
    """

    __slots__ = ("_w", "_count", "_departing", "_reader_sem", "_writer_sem", "__weakref__")

    # Go's algorithm, on hardware atomics from the C core:
    #   _count = readers holding or waiting for the lock, minus _MAX_READERS
    #            while a writer has announced itself (so readers see < 0 and wait);
    #   _departing = readers the announced writer still waits for;
    #   _w excludes writers from each other (no hand-off: no convoys).
    # The semaphores are SimpleQueues of tokens: a release may come before
    # its acquire.  An uncontended r_lock/r_unlock is one atomic add each.

    def __init__(self) -> None:
        self._w = Lock()
        self._count = Int64(0)
        self._departing = Int64(0)
        self._reader_sem: SimpleQueue[None] = SimpleQueue()
        self._writer_sem: SimpleQueue[None] = SimpleQueue()

    def r_lock(self) -> None:
        """Lock for reading; waits while a writer holds or awaits the lock."""
        if self._count.add(1) < 0:
            try:
                self._reader_sem.get()      # the writer's unlock hands us in
            except BaseException:
                # Interrupted: we are counted as a reader and the writer will
                # admit us; a helper takes the admission and leaves at once.
                go(self._abandoned_reader)
                raise

    def try_r_lock(self) -> bool:
        """Lock for reading only if that needs no waiting; return whether it did."""
        count = self._count
        while True:
            c = count.load()
            if c < 0:
                return False
            if count.compare_and_swap(c, c + 1):
                return True

    def r_unlock(self) -> None:
        """Undo one ``r_lock``; raises ``Panic('sync: RUnlock of unlocked RWMutex')``
        if no reader holds the lock."""
        r = self._count.add(-1)
        if r < 0:
            if r + 1 == 0 or r + 1 == -_MAX_READERS:
                self._count.add(1)
                raise Panic("sync: RUnlock of unlocked RWMutex")
            # A writer is waiting: the last departing reader lets it in.
            if self._departing.add(-1) == 0:
                self._writer_sem.put(None)

    def lock(self) -> None:
        """Lock for writing; waits for the current readers or writer to leave."""
        self._w.acquire()
        # Announce: from here on new readers wait.
        r = self._count.add(-_MAX_READERS) + _MAX_READERS
        if r != 0 and self._departing.add(r) != 0:
            try:
                self._writer_sem.get()
            except BaseException:
                go(self._abandoned_writer)
                raise

    def try_lock(self) -> bool:
        """Lock for writing only if the lock is free now; return whether it did."""
        if not self._w.acquire(False):
            return False
        if not self._count.compare_and_swap(0, -_MAX_READERS):
            self._w.release()
            return False
        return True

    def unlock(self) -> None:
        """Undo ``lock``; raises ``Panic('sync: Unlock of unlocked RWMutex')`` if no
        writer holds the lock.  Readers that queued meanwhile are admitted before
        the next writer can announce itself."""
        r = self._count.add(_MAX_READERS)
        if r >= _MAX_READERS:
            self._count.add(-_MAX_READERS)
            raise Panic("sync: Unlock of unlocked RWMutex")
        if r:
            put = self._reader_sem.put
            for _ in range(r):
                put(None)
        self._w.release()

    def _abandoned_reader(self) -> None:
        self._reader_sem.get()
        self.r_unlock()

    def _abandoned_writer(self) -> None:
        self._writer_sem.get()
        self.unlock()

    def r_locker(self) -> Locker:
        """A Locker whose ``lock``/``unlock`` are this RWMutex's ``r_lock``/``r_unlock``."""
        return _RLocker(self)

    def __enter__(self) -> RWMutex:
        self.lock()
        return self

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.unlock()

    def __repr__(self) -> str:
        c = self._count.load()
        state = f"write-locked, readers={c + _MAX_READERS}" if c < 0 else f"readers={c}"
        return f"<RWMutex {state} at {id(self):#x}>"


class _RLocker:
    """The read side of an RWMutex as a Locker (Go's ``rw.RLocker()``)."""

    __slots__ = ("lock", "unlock", "_rw")

    def __init__(self, rw: RWMutex) -> None:
        self._rw = rw
        self.lock = rw.r_lock
        self.unlock = rw.r_unlock

    def __enter__(self) -> _RLocker:
        self._rw.r_lock()
        return self

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._rw.r_unlock()
