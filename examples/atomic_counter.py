"""The article's atomic counter: 1000 goroutines each add 1, and the
addValue compare-and-swap retry loop.

    python examples/atomic_counter.py
"""

from gostd import go
from gostd.sync import WaitGroup
from gostd.sync.atomic import Int32, Int64


def main():
    n = Int32()
    wg = WaitGroup()
    for _ in range(1000):
        wg.add(1)

        def inc():
            n.add(1)
            wg.done()

        go(inc)
    wg.wait()
    print(f"1000 goroutines add(1): {n.load()}")

    value = Int64()

    def add_value(delta):
        while True:
            old = value.load()
            if value.compare_and_swap(old, old + delta):
                return

    wg = WaitGroup()
    for _ in range(50):
        wg.add(1)

        def adder():
            for _ in range(200):
                add_value(3)
            wg.done()

        go(adder)
    wg.wait()
    print(f"addValue CAS loop, 50 goroutines x 200 x 3: {value.load()}")
    return 0 if n.load() == 1000 and value.load() == 30_000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
