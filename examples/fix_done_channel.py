"""Fix 2: block on a done channel until the writing goroutine signals; always 5.

    func getNumber() int {
        var i int
        done := make(chan struct{})
        go func() {
            i = 5
            done <- struct{}{}
        }()
        <-done
        return i
    }
"""

import collections
import random
import time

from gostd import Chan, go


def maybe_switch() -> None:
    if random.random() < 0.5:
        time.sleep(0)


def get_number() -> int:
    i = 0
    done: Chan[tuple[()]] = Chan()

    def set_i() -> None:
        nonlocal i
        maybe_switch()
        i = 5
        done.send(())

    go(set_i)
    maybe_switch()
    done.recv()
    return i


def main() -> None:
    print(get_number())
    tally = collections.Counter(get_number() for _ in range(500))
    print("500 runs:", ", ".join(f"{v} x{n}" for v, n in sorted(tally.items())))


if __name__ == "__main__":
    main()
