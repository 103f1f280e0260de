"""1000 goroutines increment one counter: unguarded it loses updates, under a Mutex it is 1000.

In Go, ``n++`` from 1000 goroutines is a load, an add and a store that other
goroutines can interleave with.  CPython's GIL makes a bare ``n += 1`` rarely
interleave, so the unguarded version spells out the load and the store with a
scheduling point (``time.sleep(0)``) between them -- exactly the window Go has.
All goroutines wait on one closed channel so that they contend at once.
"""

import time

from gostd import Chan, go
from gostd.sync import Mutex, WaitGroup


def count(guard: Mutex | None) -> int:
    n = 0
    start: Chan[None] = Chan()
    wg = WaitGroup()

    def inc() -> None:
        nonlocal n
        start.recv()
        if guard is not None:
            guard.lock()
        v = n
        time.sleep(0)          # another goroutine may run between load and store
        n = v + 1
        if guard is not None:
            guard.unlock()
        wg.done()

    for _ in range(1000):
        wg.add(1)
        go(inc)
    start.close()              # release all 1000 at once
    wg.wait()
    return n


def main() -> None:
    print("unguarded:", count(None))
    print("mutex:", count(Mutex()))


if __name__ == "__main__":
    main()
