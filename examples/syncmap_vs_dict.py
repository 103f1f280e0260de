"""A plain dict vs gostd.sync.Map while another goroutine writes.

Go's version of this program dies with "fatal error: concurrent map read and
map write".  In Python, iterating a dict that another thread grows raises
RuntimeError; sync.Map's iteration (and range) never does.

    python examples/syncmap_vs_dict.py
"""

import threading
import time

from gostd import go
from gostd.sync import Map


def writer(put, stop):
    n = 1000
    while not stop.is_set():
        put(n, n)
        n += 1
        time.sleep(0.0005)


def slow_scan(iterable):
    count = 0
    for _ in iterable:
        time.sleep(0.0002)
        count += 1
    return count


def main():
    d = {i: i for i in range(100)}
    stop = threading.Event()
    t = go(writer, d.__setitem__, stop)
    try:
        for _ in range(50):
            slow_scan(d)
        print("dict: no error (unexpected)")
        ok = False
    except RuntimeError as exc:
        print(f"dict: RuntimeError: {exc}")
        ok = True
    finally:
        stop.set()
        t.join(5)

    m = Map()
    for i in range(100):
        m.store(i, i)
    stop = threading.Event()
    t = go(writer, m.store, stop)
    try:
        counts = [slow_scan(m) for _ in range(5)]
    finally:
        stop.set()
        t.join(5)
    print(f"sync.Map: 5 scans while writing, visited {counts} keys, no error")
    ok = ok and all(c >= 100 for c in counts)

    total = []
    m.range(lambda k, v: total.append(k) or True)
    print(f"sync.Map.range visited {len(total)} keys")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
