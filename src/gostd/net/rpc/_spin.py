"""Bounded busy-polling for the next message of a sequential peer.

On a machine whose idle CPUs sleep (most virtual machines), waking a
thread blocked in ``recv`` costs tens of microseconds, more than a whole
Python request or reply.  A peer that calls one at a time therefore pays
two wake-ups per round trip.  Go's scheduler hides most of that by letting
an idle thread spin a moment before parking; here the thread that expects
the next message soon (the client waiting for its reply, the server
waiting for a sequential client's next request) polls the socket without
blocking for a few tens of microseconds before it blocks.

Limits, so spinning costs little where it does not pay:

* a :class:`Spin` gives up on a connection that stops answering within
  the window: after two misses in a row it sits out a growing number of
  waits (up to 64) before it tries again, and one hit resets it;
* at most :data:`MAX_SPINNERS` threads per process spin at once (one
  under the GIL, where a second spinner would only steal the first one's
  turn); a thread that finds no free slot blocks at once, as without
  spinning;
* ``GOSTD_RPC_SPIN_US`` in the environment sets the window in
  microseconds (default 60, at most 10,000; 0 turns spinning off, as does
  setting :data:`WINDOW` to 0); a value that is not a finite number is
  ignored.
"""

from __future__ import annotations

import math
import os
import sys
from _thread import allocate_lock
from typing import Any

__all__ = ["MAX_SPINNERS", "WINDOW", "Spin"]


def _window() -> float:
    raw = os.environ.get("GOSTD_RPC_SPIN_US", "")
    try:
        us = float(raw) if raw else 60.0
    except ValueError:
        us = 60.0
    if not math.isfinite(us):
        us = 60.0
    return min(max(us, 0.0), 10_000.0) / 1e6


WINDOW = _window()
"""Seconds a waiter polls before it blocks (``GOSTD_RPC_SPIN_US``, default 60 µs)."""

_gil = getattr(sys, "_is_gil_enabled", lambda: True)()
MAX_SPINNERS = 1 if _gil else max(1, (os.cpu_count() or 2) // 2)
"""Threads of this process that may spin at once."""

_slots = [allocate_lock() for _ in range(MAX_SPINNERS)]

_MAX_SKIP = 64


class Spin:
    """One connection's spinning policy: whether the next wait may spin.

    Invariant: ``skip`` waits are passed over (blocking at once) after a
    run of misses; each further miss doubles the next run, up to
    ``_MAX_SKIP``; a hit resets both.
    """

    __slots__ = ("misses", "skip")

    def __init__(self) -> None:
        self.misses = 0
        self.skip = 0

    def wait(self, conn: Any) -> bool:
        """Poll ``conn`` (a :class:`~gostd.net.rpc._conn.Conn`) for up to
        :data:`WINDOW` seconds; True if bytes (or the end of the stream)
        arrived, False if the caller should block as usual."""
        if self.skip:
            self.skip -= 1
            return False
        window = WINDOW
        fill = getattr(conn, "spin_fill", None)
        if not window or fill is None:
            return False
        for slot in _slots:
            if slot.acquire(False):
                break
        else:
            return False
        try:
            hit = fill(window)
        finally:
            slot.release()
        if hit:
            self.misses = 0
        else:
            self.misses += 1
            if self.misses >= 2:
                self.skip = min(1 << (self.misses - 2), _MAX_SKIP)
        return hit
