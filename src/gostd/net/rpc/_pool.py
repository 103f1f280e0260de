"""An elastic pool of worker threads: Go's "one goroutine per call", reused.

``submit`` hands a task to an idle worker, or starts a new one when none is
idle, so a slow task never holds up another (as with goroutines).  Workers
that stay idle for ``idle_timeout`` seconds exit.  Threads are started with
a small stack so hundreds of concurrent calls stay cheap.
"""

from __future__ import annotations

import collections
import threading
from typing import Any, Callable

__all__ = ["Pool", "start_thread"]

_STACK_SIZE = 512 * 1024
_stack_lock = threading.Lock()


def start_thread(target: Callable[..., Any], *args: Any, name: str | None = None) -> threading.Thread:
    """Start a daemon thread with the pool's small stack size."""
    with _stack_lock:
        try:
            old = threading.stack_size(_STACK_SIZE)
        except (ValueError, RuntimeError):  # platform refuses: keep the default
            old = None
        try:
            t = threading.Thread(target=target, args=args, name=name, daemon=True)
            t.start()
        finally:
            if old is not None:
                threading.stack_size(old)
    return t


class Pool:
    """Runs submitted callables on reusable daemon threads."""

    def __init__(self, name: str = "rpc", idle_timeout: float = 5.0) -> None:
        self._name = name
        self._idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._tasks: collections.deque[tuple[Callable[..., Any], tuple[Any, ...]]] = collections.deque()
        self._cond = threading.Condition(self._lock)
        # Invariants (under _lock): idle <= threads - running; a worker that
        # is not running a task takes queued tasks before it waits, so a new
        # thread is needed only when every worker is busy.
        self._idle = 0       # workers waiting in _cond
        self._running = 0    # workers running a task
        self._threads = 0

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on some worker thread soon.

        An exception escaping ``fn`` is reported on stderr and does not
        kill the worker.
        """
        with self._lock:
            self._tasks.append((fn, args))
            if self._threads - self._running >= len(self._tasks):
                if self._idle:
                    self._cond.notify()
                return
            self._threads += 1
        try:
            start_thread(self._worker, name=f"{self._name}-worker")
        except BaseException:
            with self._lock:
                self._threads -= 1
            raise

    def _worker(self) -> None:
        lock = self._lock
        tasks = self._tasks
        ran = False
        while True:
            with lock:
                if ran:
                    self._running -= 1
                while not tasks:
                    self._idle += 1
                    woke = self._cond.wait(self._idle_timeout)
                    self._idle -= 1
                    if not tasks and not woke:
                        self._threads -= 1
                        return
                fn, args = tasks.popleft()
                self._running += 1
            ran = True
            try:
                fn(*args)
            except BaseException as exc:  # keep serving other tasks
                _report(exc)
            del fn, args

    @property
    def threads(self) -> int:
        """Worker threads alive now."""
        with self._lock:
            return self._threads


def _report(exc: BaseException) -> None:
    import sys
    import traceback

    print("rpc: unhandled exception in worker:", file=sys.stderr)
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
