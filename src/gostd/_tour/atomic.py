"""Tour: sync/atomic -- counters that lose nothing, the CAS retry loop, and
Go's fixed-width wrap-around."""

from __future__ import annotations

import threading
from typing import Callable

from gostd import go
from gostd.sync import WaitGroup
from gostd.sync.atomic import Int32, Int64, Uint32


def _check(cond: bool, claim: str) -> None:
    if not cond:
        raise AssertionError(f"claim does not hold: {claim}")


def run(say: Callable[[str], None]) -> None:
    # 1. 1000 goroutines each add 1; the load sees all of them.
    n = Int32()
    wg = WaitGroup()
    for _ in range(1000):
        wg.add(1)

        def worker() -> None:
            try:
                n.add(1)
            finally:
                wg.done()

        go(worker)
    wg.wait()
    _check(n.load() == 1000, "1000 goroutines add(1) -> 1000")
    say(f"1000 goroutines n.add(1), then n.load() -> {n.load()}")

    # The same with a plain read-modify-write: all read before anyone writes
    # (as goroutines preempted between the read and the write would).
    plain = [0]
    everyone_read = threading.Barrier(10, timeout=10)
    wg = WaitGroup()

    def racy() -> None:
        try:
            v = plain[0]
            everyone_read.wait()
            plain[0] = v + 1
        finally:
            wg.done()

    for _ in range(10):
        wg.add(1)
        go(racy)
    wg.wait()
    _check(plain[0] == 1, "unsynchronised read-then-write loses updates")
    say(f"10 goroutines doing n = n + 1 without atomics, all reading first -> {plain[0]}")

    # 2. The article's addValue: load, then CAS old -> old + delta until it wins.
    value = Int64()
    retries = Int64()

    def add_value(delta: int) -> None:
        while True:
            old = value.load()
            if value.compare_and_swap(old, old + delta):
                return
            retries.add(1)

    wg = WaitGroup()
    for _ in range(100):
        wg.add(1)

        def adder() -> None:
            try:
                for _ in range(100):
                    add_value(1)
            finally:
                wg.done()

        go(adder)
    wg.wait()
    _check(value.load() == 10_000, "the CAS retry loop loses no update")
    say(f"100 goroutines x 100 add_value(1) with a CAS loop -> {value.load()} "
        f"({retries.load()} retries after losing a race)")

    # 3. Fixed width, two's complement, as Go.
    x = Int32(2**31 - 1)
    _check(x.add(1) == -(2**31), "Int32 max + 1 wraps to min")
    say("Int32(2**31 - 1).add(1) -> -2147483648")
    u = Uint32(0)
    _check(u.add(-1) == 2**32 - 1, "Uint32 0 - 1 wraps to max")
    say("Uint32(0).add(-1) -> 4294967295   (Go: AddUint32(&u, ^uint32(0)))")
    try:
        Int32().store(2**31)
    except OverflowError as exc:
        say(f"Int32().store(2**31) -> OverflowError: {exc}")
    else:
        raise AssertionError("claim does not hold: storing out of range raises OverflowError")
