"""Helpers shared by the concurrency tests: bounded joins and waits.

Every blocking step in a test goes through one of these, so a wrong
implementation fails the test with a message instead of hanging the suite.
(`tests/` is on sys.path through pytest's ``pythonpath`` setting.)
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Callable

from gostd import go

# How long any single wait in a test may take before it counts as a hang.
TIMEOUT = 10.0


def join(*threads: threading.Thread, timeout: float = TIMEOUT) -> None:
    """Join every thread within ``timeout`` seconds in all, or fail."""
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        assert not t.is_alive(), "goroutine still blocked: lost wake-up or deadlock"


def wait_until(cond: Callable[[], object], timeout: float = TIMEOUT) -> None:
    """Poll ``cond`` until it is true, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.001)


def interrupt_main_when(blocked: Callable[[], object]) -> threading.Thread:
    """SIGINT the main thread (the calling test's) once ``blocked()`` shows it
    is parked, so the KeyboardInterrupt lands inside the blocking call; never
    if it never parks."""
    main = threading.main_thread().ident
    assert threading.get_ident() == main and main is not None

    def kill() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not blocked():
            if time.monotonic() > deadline:
                return
            time.sleep(0.001)
        time.sleep(0.01)
        signal.pthread_kill(main, signal.SIGINT)

    return go(kill)
