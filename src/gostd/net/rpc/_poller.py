"""Readiness polling so idle connections cost no thread.

Each connection is registered one-shot: when bytes arrive the poller hands
the connection to the worker pool and forgets it until the worker re-arms
it, so at most one thread reads a connection at a time and a connection
that is idle holds no thread at all.  Linux ``epoll`` only; elsewhere
:func:`new_poller` returns ``None`` and the server falls back to a reading
thread per connection.
"""

from __future__ import annotations

import os
import select
import threading
from typing import Any, Callable

from ._pool import Pool, start_thread

__all__ = ["Poller", "new_poller"]

_EPOLL = getattr(select, "epoll", None)
_IN = getattr(select, "EPOLLIN", 1) | getattr(select, "EPOLLRDHUP", 0x2000)
_ONESHOT = getattr(select, "EPOLLONESHOT", 1 << 30)


class Poller:
    """Dispatches ``on_ready()`` of registered objects to a pool when their
    file descriptor becomes readable (or hangs up), once per arming."""

    def __init__(self, pool: Pool) -> None:
        assert _EPOLL is not None
        self._pool = pool
        self._ep = _EPOLL()
        self._lock = threading.Lock()
        self._targets: dict[int, Callable[[], Any]] = {}   # fd -> on_ready
        self._wake_r, self._wake_w = os.pipe()
        self._ep.register(self._wake_r, _IN)
        self._closed = False
        self._thread = start_thread(self._loop, name="rpc-poller")

    def add(self, fd: int, on_ready: Callable[[], Any]) -> None:
        """Watch ``fd``; ``on_ready`` runs on a pool thread at the first readiness."""
        with self._lock:
            self._targets[fd] = on_ready
            try:
                self._ep.register(fd, _IN | _ONESHOT)
            except FileExistsError:  # a closed socket's number, reused
                self._ep.modify(fd, _IN | _ONESHOT)

    def rearm(self, fd: int, on_ready: Callable[[], Any]) -> None:
        """Watch ``fd`` again after ``on_ready`` has drained it.  Raises
        ``OSError`` if ``fd`` is no longer watched for ``on_ready``."""
        with self._lock:
            if self._target(fd) != on_ready:
                raise OSError("rpc: connection no longer watched")
            self._ep.modify(fd, _IN | _ONESHOT)

    def remove(self, fd: int, on_ready: Callable[[], Any] | None = None) -> None:
        """Stop watching ``fd`` (only if it is still watched for ``on_ready``,
        when given: a closed descriptor's number may already belong to a
        new connection)."""
        with self._lock:
            current = self._target(fd)
            if current is None or (on_ready is not None and current != on_ready):
                return
            del self._targets[fd]
            try:
                self._ep.unregister(fd)
            except (OSError, ValueError):
                pass

    def _target(self, fd: int) -> Callable[[], Any] | None:
        """What ``fd`` is watched for, or None (called holding ``_lock``).
        Subscription, not .get: fd numbers above 256 are fresh ints, and on
        free-threaded 3.13 dict.get of one stored by another thread is slow
        (see gostd.encoding.gob._types.go_type)."""
        targets = self._targets
        return targets[fd] if fd in targets else None

    def _loop(self) -> None:
        ep, wake = self._ep, self._wake_r
        submit = self._pool.submit
        while True:
            try:
                events = ep.poll()
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return
            for fd, _ in events:
                if fd == wake:
                    return
                with self._lock:
                    target = self._target(fd)
                if target is not None:
                    submit(target)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_w, b"x")
        self._thread.join(5)
        self._ep.close()
        os.close(self._wake_r)
        os.close(self._wake_w)


def new_poller(pool: Pool) -> Poller | None:
    return Poller(pool) if _EPOLL is not None else None
