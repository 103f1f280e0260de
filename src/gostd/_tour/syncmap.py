"""Tour: a plain map under concurrent writes, the RWMutex fix, and sync.Map.

Go aborts with ``fatal error: concurrent map read and map write``; Python's
analogue is iterating a dict while another thread changes its size.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from gostd import go
from gostd.sync import Map, RWMutex


def _check(cond: bool, claim: str) -> None:
    if not cond:
        raise AssertionError(f"claim does not hold: {claim}")


def _writer(write: Callable[[int], None], stop: threading.Event, started: threading.Event) -> None:
    n = 1000
    while not stop.is_set():
        write(n)
        n += 1
        started.set()
        time.sleep(0.0005)


def run(say: Callable[[str], None]) -> None:
    # 1. A plain dict: iteration fails while another goroutine writes.
    plain = {i: i for i in range(100)}
    stop, started = threading.Event(), threading.Event()
    writer = go(_writer, lambda n: plain.__setitem__(n, n), stop, started)
    started.wait(5)
    error = None
    try:
        for _ in range(50):
            for _k in plain:
                time.sleep(0.0002)  # a reader that takes its time
    except RuntimeError as exc:
        error = exc
    finally:
        stop.set()
        writer.join(5)
    _check(error is not None and "dictionary changed size during iteration" in str(error),
           "iterating a dict while another goroutine writes raises RuntimeError")
    say(f"plain dict, reader vs writer goroutine: RuntimeError: {error}")

    # 2. Fix 1: readers take RLock, the writer takes Lock.
    guarded = {i: i for i in range(100)}
    mu = RWMutex()

    def locked_write(n: int) -> None:
        with mu:
            guarded[n] = n

    stop, started = threading.Event(), threading.Event()
    writer = go(_writer, locked_write, stop, started)
    started.wait(5)
    passes = 0
    try:
        for _ in range(20):
            mu.r_lock()
            try:
                for _k in guarded:
                    pass
            finally:
                mu.r_unlock()
            passes += 1
            time.sleep(0.001)
    finally:
        stop.set()
        writer.join(5)
    _check(passes == 20, "RWMutex-guarded iteration never fails")
    say(f"dict + RWMutex: {passes} full passes while the writer wrote, no error "
        "(but every reader and writer contends for one lock)")

    # 3. Fix 2: sync.Map -- iteration never fails and takes no lock per entry.
    m: Map[int, int] = Map()
    for i in range(100):
        m.store(i, i)
    stop, started = threading.Event(), threading.Event()
    writer = go(_writer, lambda n: m.store(n, n), stop, started)
    started.wait(5)
    visited_ok = True
    try:
        for _ in range(20):
            seen = []
            for k in m:
                seen.append(k)
                time.sleep(0.00005)
            visited_ok &= len(seen) == len(set(seen)) and set(range(100)) <= set(seen)
    finally:
        stop.set()
        writer.join(5)
    _check(visited_ok, "sync.Map iteration visits every unchanged key once, without error")
    say("sync.Map: 20 passes while the writer wrote, no error; every original key "
        "visited exactly once in each")

    # 4. The API in a few lines.
    m2: Map[str, int] = Map()
    m2.store("a", 1)
    _check(m2.load("a") == (1, True), "load of a stored key")
    say(f'm.store("a", 1); m.load("a") -> {m2.load("a")}')
    _check(m2.load("b") == (None, False), "load of a missing key")
    say(f'm.load("b") -> {m2.load("b")}')
    _check(m2.load_or_store("b", 2) == (2, False), "load_or_store stores when absent")
    _check(m2.load_or_store("b", 3) == (2, True), "load_or_store loads when present")
    say('m.load_or_store("b", 2) -> (2, False); again with 3 -> (2, True)')
    _check(m2.compare_and_swap("a", 1, 10), "compare_and_swap with the right old value")
    _check(m2.load_and_delete("b") == (2, True), "load_and_delete returns the old value")
    seen: list[tuple[str, int]] = []
    m2.store("c", 3)
    m2.range(lambda k, v: seen.append((k, v)) or True)
    _check(sorted(seen) == [("a", 10), ("c", 3)], "range visits every key")
    say(f"after compare_and_swap and load_and_delete, m.range(f) visits {sorted(seen)}")
    first: list[str] = []
    m2.range(lambda k, v: first.append(k) or False)
    _check(len(first) == 1, "range stops when f returns False")
    say("range stops as soon as f returns False (it visited 1 key)")
