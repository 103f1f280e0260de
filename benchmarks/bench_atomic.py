"""Benchmarks for gostd.sync.atomic vs a lock-guarded int and the peers.

* ``Int64.add`` single-threaded vs an int under ``threading.Lock`` (goal:
  at least 3x faster) and vs ``next()`` on ``itertools.count`` (not an atomic,
  but the stdlib's cheapest counter);
* the CAS retry loop (the article's ``addValue``) vs the lock;
* contended increments from 1, 2 and 4 threads, as total throughput;
* where they install (``cereggii``, ``ft_utils``, ``atomics``), their atomic
  int64 in the same tables; a missing peer prints a note instead.
"""

from __future__ import annotations

import itertools
from functools import partial
import threading
import time
from typing import Callable

from _harness import Table, best_rate

from gostd.sync.atomic import Int64


def _peer_counters() -> list[tuple[str, Callable[[], Callable[[], object]]]]:
    """(name, factory returning a bound increment) for each importable peer."""
    peers: list[tuple[str, Callable[[], Callable[[], object]]]] = []
    try:
        import cereggii

        peers.append(("cereggii.AtomicInt64 +1",
                      lambda: cereggii.AtomicInt64(0).increment_and_get))
    except Exception as exc:  # not installable on every interpreter
        print(f"note: cereggii unavailable ({type(exc).__name__}: {exc})")
    try:
        from ft_utils.concurrency import AtomicInt64 as FtAtomicInt64

        peers.append(("ft_utils AtomicInt64.incr", lambda: FtAtomicInt64(0).incr))
    except Exception as exc:
        print(f"note: ft_utils unavailable ({type(exc).__name__}: {exc})")
    try:
        import atomics

        def make_atomics() -> Callable[[], object]:
            a = atomics.atomic(width=8, atype=atomics.INT)
            return a.inc

        make_atomics()
        peers.append(("atomics.atomic(INT).inc", make_atomics))
    except Exception as exc:
        print(f"note: atomics unavailable ({type(exc).__name__}: {exc})")
    return peers


def _lock_counter() -> Callable[[], None]:
    lock = threading.Lock()
    box = [0]

    def inc() -> None:
        with lock:
            box[0] += 1

    return inc


def _loop(make: Callable[[], Callable[[], object]]) -> Callable[[int], None]:
    def run(n: int) -> None:
        inc = make()
        for _ in range(n):
            inc()
    return run


def _cas_loop_int64(n: int) -> None:
    v = Int64()
    load, cas = v.load, v.compare_and_swap
    for _ in range(n):
        while True:
            old = load()
            if cas(old, old + 1):
                break


def _threads_rate(make_inc: Callable[[], Callable[[], object]], threads: int, per: int,
                  repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        inc = make_inc()
        start = threading.Barrier(threads + 1)

        def work() -> None:
            start.wait()
            for _ in range(per):
                inc()

        ts = [threading.Thread(target=work) for _ in range(threads)]
        for t in ts:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in ts:
            t.join()
        best = min(best, time.perf_counter() - t0)
    return threads * per / best


def run(quick: bool) -> None:
    ops = 20_000 if quick else 200_000
    repeat = 3 if quick else 5
    peers = _peer_counters()

    t = Table("atomic counter increment, 1 thread", baseline="lock + int")
    t.add("lock + int", best_rate(_loop(_lock_counter), ops, repeat=repeat))
    t.add("Int64.add(1) via partial", best_rate(_loop(lambda: partial(Int64().add, 1)), ops,
                                                repeat=repeat), "same call shape as peers")
    add = Int64().add

    def direct(n: int) -> None:
        for _ in range(n):
            add(1)

    t.add("Int64.add(1) direct", best_rate(direct, ops, repeat=repeat), "goal >= 3x lock")
    t.add("itertools.count next", best_rate(_loop(lambda: itertools.count().__next__), ops,
                                            repeat=repeat), "not atomic on 3.13t")
    for name, make in peers:
        t.add(name, best_rate(_loop(make), ops, repeat=repeat))
    t.print()

    t = Table("CAS retry loop (addValue), 1 thread", baseline="lock + int")
    t.add("lock + int", best_rate(_loop(_lock_counter), ops, repeat=repeat))
    t.add("Int64 load+compare_and_swap", best_rate(_cas_loop_int64, ops, repeat=repeat))
    t.print()

    per = 20_000 if quick else 100_000
    for threads in (1, 2, 4):
        t = Table(f"contended increments, {threads} thread(s), total throughput",
                  baseline="lock + int")
        t.add("lock + int", _threads_rate(_lock_counter, threads, per, repeat))

        t.add("Int64.add(1)", _threads_rate(lambda: partial(Int64().add, 1), threads, per, repeat))
        for name, make in peers:
            t.add(name, _threads_rate(make, threads, per, repeat))
        t.print()
