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


class _Interrupt:
    """The SIGINT handler behind :func:`interrupt_main_when`.

    A signal that arrives after the main thread's last check for signals but
    before it blocks in the kernel is noted and then not acted on until the
    thread runs Python code again -- which a blocked thread never does.  How
    long "parked" takes to become "blocked in the kernel" depends on the
    machine's load, so the helper re-sends until the interrupt has landed;
    this handler raises once per request and swallows the repeats.  Any
    other SIGINT (a real Ctrl-C) goes to the handler that was there before.
    """

    GRACE = 5.0         # seconds after our last send in which a SIGINT is a repeat

    def __init__(self) -> None:
        self.armed = False
        self.last_sent = -self.GRACE
        self.previous: object = signal.default_int_handler

    def install(self) -> None:
        current = signal.getsignal(signal.SIGINT)
        if current != self.handle:
            self.previous = current
            signal.signal(signal.SIGINT, self.handle)

    def handle(self, signum: int, frame: object) -> None:
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        if time.monotonic() - self.last_sent < self.GRACE:
            return      # one of ours, after the interrupt already landed
        if callable(self.previous):
            self.previous(signum, frame)
        elif self.previous != signal.SIG_IGN:
            raise KeyboardInterrupt


_interrupt = _Interrupt()


def interrupt_main_when(blocked: Callable[[], object]) -> threading.Thread:
    """SIGINT the main thread (the calling test's) once ``blocked()`` shows it
    is parked, so the KeyboardInterrupt lands inside the blocking call; never
    if it never parks.  Exactly one KeyboardInterrupt is raised; join the
    returned thread afterwards."""
    main = threading.main_thread().ident
    assert threading.get_ident() == main and main is not None
    _interrupt.install()
    _interrupt.armed = True

    def kill() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not blocked():
            if time.monotonic() > deadline:
                _interrupt.armed = False
                return
            time.sleep(0.001)
        time.sleep(0.01)
        while _interrupt.armed and time.monotonic() < deadline:
            _interrupt.last_sent = time.monotonic()
            signal.pthread_kill(main, signal.SIGINT)
            time.sleep(0.05)
        _interrupt.armed = False

    return go(kill)
