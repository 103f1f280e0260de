"""Fix 3: a Mutex-guarded SafeNumber; Get and Set never overlap.

    type SafeNumber struct {
        val int
        m   sync.Mutex
    }
    func (i *SafeNumber) Get() int  { i.m.Lock(); defer i.m.Unlock(); return i.val }
    func (i *SafeNumber) Set(val int) { i.m.Lock(); defer i.m.Unlock(); i.val = val }

    func getNumber() int {
        i := &SafeNumber{}
        go func() { i.Set(5) }()
        return i.Get()
    }

As the article says, the mutex makes the write and the read mutually
exclusive but does not order them: getNumber returns 0 or 5 (whichever side
locks first), never a half-written value.  Use the WaitGroup or done channel
when the order matters.
"""

import collections
import random
import time

from gostd import go
from gostd.sync import Mutex


def maybe_switch() -> None:
    if random.random() < 0.5:
        time.sleep(0)


class SafeNumber:
    def __init__(self) -> None:
        self.val = 0
        self.m = Mutex()

    def get(self) -> int:
        with self.m:
            return self.val

    def set(self, val: int) -> None:
        with self.m:
            self.val = val


def get_number() -> int:
    i = SafeNumber()

    def set_i() -> None:
        maybe_switch()
        i.set(5)

    go(set_i)
    maybe_switch()
    return i.get()


def main() -> None:
    print(get_number())
    tally = collections.Counter(get_number() for _ in range(500))
    print("500 runs:", ", ".join(f"{v} x{n}" for v, n in sorted(tally.items())))


if __name__ == "__main__":
    main()
