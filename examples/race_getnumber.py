"""The article's racy getNumber: the goroutine's write races the return, so 0 or 5.

    func getNumber() int {
        var i int
        go func() { i = 5 }()
        return i
    }

Prints one result, as the Go program does, then a tally over many runs.
``time.sleep(0)`` marks the points where Go's scheduler may switch goroutines
(taken at random here, since CPython's GIL would otherwise hide the race).
"""

import collections
import random
import time

from gostd import go


def maybe_switch() -> None:
    if random.random() < 0.5:
        time.sleep(0)


def get_number() -> int:
    i = 0

    def set_i() -> None:
        nonlocal i
        maybe_switch()
        i = 5

    go(set_i)
    maybe_switch()
    return i


def main() -> None:
    print(get_number())
    tally = collections.Counter(get_number() for _ in range(500))
    print("500 runs:", ", ".join(f"{v} x{n}" for v, n in sorted(tally.items())))


if __name__ == "__main__":
    main()
