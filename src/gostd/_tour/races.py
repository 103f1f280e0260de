"""Tour: data races and three remedies (the seed article, "Go 并发编程里的数据竞争以及解决之道").

The racy ``getNumber`` may return 0 or 5 depending on scheduling; a WaitGroup
or a done channel orders the write before the read, so those always return 5;
a Mutex-guarded ``SafeNumber`` makes the write and the read mutually exclusive
without ordering them (the article: "不需要保证顺序，只需要保证二者是互斥的"),
so it returns 0 or 5 but never anything torn.  Then 1000 goroutines increment
a shared counter: a plain read-modify-write loses updates, the Mutex version
counts exactly 1000.

Python's GIL hides most races of a single ``i = 5``, so the programs add
scheduling points (``time.sleep(0)``, sometimes at random) where Go's
scheduler would be free to switch goroutines;
the fixes keep the same scheduling points and are still correct.
"""

from __future__ import annotations

import collections
import random
import time
from typing import Callable

from gostd import Chan, go
from gostd.sync import Mutex, WaitGroup

RUNS = 200


def _yield() -> None:
    """A scheduling point: let another goroutine run here, as Go's scheduler may."""
    time.sleep(0)


def _jitter() -> None:
    """A point where Go's scheduler may or may not switch goroutines: a coin flip."""
    if random.random() < 0.5:
        time.sleep(0)


def get_number_racy() -> int:
    """The article's racy getNumber: the goroutine's write races the return."""
    i = 0

    def set_i() -> None:
        nonlocal i
        _jitter()
        i = 5

    go(set_i)
    _jitter()
    return i


def get_number_waitgroup() -> int:
    """Fix 1: wait for the writer with a WaitGroup (Add/Done/Wait)."""
    i = 0
    wg = WaitGroup()
    wg.add(1)

    def set_i() -> None:
        nonlocal i
        _jitter()
        i = 5
        wg.done()

    go(set_i)
    _jitter()
    wg.wait()
    return i


def get_number_done_channel() -> int:
    """Fix 2: block on a done channel (``chan struct{}``) until the writer signals."""
    i = 0
    done: Chan[tuple[()]] = Chan()

    def set_i() -> None:
        nonlocal i
        _jitter()
        i = 5
        done.send(())

    go(set_i)
    _jitter()
    done.recv()
    return i


class SafeNumber:
    """Fix 3: the value and a Mutex that guards it (Go's ``SafeNumber``)."""

    def __init__(self) -> None:
        self.val = 0
        self.m = Mutex()
        self.overlaps = 0          # times Get and Set were ever inside together
        self._inside = 0

    def _enter(self) -> None:
        self._inside += 1
        if self._inside != 1:
            self.overlaps += 1

    def get(self) -> int:
        with self.m:
            self._enter()
            _jitter()
            val = self.val
            self._inside -= 1
            return val

    def set(self, val: int) -> None:
        with self.m:
            self._enter()
            _jitter()
            self.val = val
            self._inside -= 1


def get_number_mutex(counter: list[int] | None = None) -> int:
    """Fix 3: Set and Get exclude each other; which runs first is not fixed."""
    i = SafeNumber()

    def set_i() -> None:
        _jitter()
        i.set(5)

    go(set_i)
    _jitter()
    val = i.get()
    if counter is not None:
        counter[0] += i.overlaps
    return val


def count_racy(goroutines: int = 1000) -> int:
    """1000 goroutines each do ``n += 1`` as load, yield, store: updates get lost."""
    n = 0
    start: Chan[None] = Chan()
    wg = WaitGroup()

    def inc() -> None:
        nonlocal n
        start.recv()              # all goroutines contend at once
        v = n
        _yield()
        n = v + 1
        wg.done()

    for _ in range(goroutines):
        wg.add(1)
        go(inc)
    start.close()
    wg.wait()
    return n


def count_mutex(goroutines: int = 1000) -> int:
    """The same counter with the read-modify-write inside a Mutex: exactly 1000."""
    n = 0
    m = Mutex()
    start: Chan[None] = Chan()
    wg = WaitGroup()

    def inc() -> None:
        nonlocal n
        start.recv()
        with m:
            v = n
            _yield()
            n = v + 1
        wg.done()

    for _ in range(goroutines):
        wg.add(1)
        go(inc)
    start.close()
    wg.wait()
    return n


def _counts(fn: Callable[[], int], runs: int = RUNS) -> collections.Counter:
    return collections.Counter(fn() for _ in range(runs))


def _show(counts: collections.Counter) -> str:
    return ", ".join(f"{v} x{c}" for v, c in sorted(counts.items()))


def run(say: Callable[[str], None]) -> None:
    racy = _counts(get_number_racy)
    say(f"racy getNumber(), {RUNS} runs: {_show(racy)}  (0 or 5: a data race)")
    if not set(racy) <= {0, 5}:
        raise AssertionError(f"racy getNumber returned something other than 0 or 5: {racy}")

    for name, fn in (("WaitGroup", get_number_waitgroup),
                     ("done channel", get_number_done_channel)):
        counts = _counts(fn)
        say(f"getNumber() with {name}, {RUNS} runs: {_show(counts)}  (always 5)")
        if set(counts) != {5}:
            raise AssertionError(f"{name} fix did not always return 5: {counts}")

    overlaps = [0]
    counts = _counts(lambda: get_number_mutex(overlaps))
    say(f"getNumber() with SafeNumber Get/Set under a Mutex, {RUNS} runs: {_show(counts)}")
    say(f"  Get and Set overlapped {overlaps[0]} times: mutually exclusive, never torn;")
    say("  but not ordered, so 0 or 5 (whichever locks first), as the article says")
    if not set(counts) <= {0, 5} or overlaps[0]:
        raise AssertionError(f"Mutex fix: results {counts}, overlaps {overlaps[0]}")

    n = count_racy()
    say(f"1000 goroutines, n += 1 unguarded: n = {n}  ({1000 - n} updates lost)")
    if not 0 < n <= 1000:
        raise AssertionError(f"racy counter out of range: {n}")
    n = count_mutex()
    say(f"1000 goroutines, n += 1 under a Mutex: n = {n}")
    if n != 1000:
        raise AssertionError(f"Mutex counter got {n}, want 1000")
