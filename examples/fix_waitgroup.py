"""Fix 1: wait for the writing goroutine with a WaitGroup; always 5.

    func getNumber() int {
        var i int
        var wg sync.WaitGroup
        wg.Add(1)
        go func() {
            i = 5
            wg.Done()
        }()
        wg.Wait()
        return i
    }
"""

import collections
import random
import time

from gostd import go
from gostd.sync import WaitGroup


def maybe_switch() -> None:
    if random.random() < 0.5:
        time.sleep(0)


def get_number() -> int:
    i = 0
    wg = WaitGroup()
    wg.add(1)

    def set_i() -> None:
        nonlocal i
        maybe_switch()
        i = 5
        wg.done()

    go(set_i)
    maybe_switch()
    wg.wait()
    return i


def main() -> None:
    print(get_number())
    tally = collections.Counter(get_number() for _ in range(500))
    print("500 runs:", ", ".join(f"{v} x{n}" for v, n in sorted(tally.items())))


if __name__ == "__main__":
    main()
