"""Benchmarks for gostd's goroutines, channels and sync primitives vs the stdlib.

Each table compares a gostd primitive with its nearest stdlib counterpart,
measured side by side in this process:

* channel ping-pong between two goroutines vs a pair of ``queue.Queue``;
* buffered channel throughput (one producer, one consumer; and send+recv in
  one goroutine) vs ``queue.Queue``;
* ``Mutex``/``RWMutex`` uncontended and contended vs ``threading.Lock``/``RLock``
  (RLock for RWMutex: the stdlib has no reader/writer lock);
* ``go()`` + ``WaitGroup`` fan-out of 1000 goroutines vs ``threading.Thread``
  + ``join``.
"""

from __future__ import annotations

import queue
import threading

from _harness import Table, best_rate

from gostd import Chan, go
from gostd.sync import Mutex, RWMutex, WaitGroup


# --- channels ------------------------------------------------------------------

def _pingpong_chan(n: int) -> None:
    ping, pong = Chan(), Chan()

    def echo() -> None:
        recv, send = ping.recv, pong.send
        for _ in range(n):
            send(recv())

    t = go(echo)
    send, recv = ping.send, pong.recv
    for i in range(n):
        send(i)
        recv()
    t.join()


def _pingpong_queue(n: int) -> None:
    ping: queue.Queue = queue.Queue(1)
    pong: queue.Queue = queue.Queue(1)

    def echo() -> None:
        get, put = ping.get, pong.put
        for _ in range(n):
            put(get())

    t = threading.Thread(target=echo, daemon=True)
    t.start()
    put, get = ping.put, pong.get
    for i in range(n):
        put(i)
        get()
    t.join()


def _stream_chan(n: int, cap: int = 128) -> None:
    ch = Chan(cap)

    def produce() -> None:
        send = ch.send
        for i in range(n):
            send(i)
        ch.close()

    t = go(produce)
    for _ in ch:
        pass
    t.join()


def _stream_queue(n: int, cap: int = 128) -> None:
    q: queue.Queue = queue.Queue(cap)
    done = object()

    def produce() -> None:
        put = q.put
        for i in range(n):
            put(i)
        put(done)

    t = threading.Thread(target=produce, daemon=True)
    t.start()
    get = q.get
    while get() is not done:
        pass
    t.join()


def _local_chan(n: int) -> None:
    ch = Chan(1)
    send, recv = ch.send, ch.recv
    for i in range(n):
        send(i)
        recv()


def _local_queue(n: int) -> None:
    q: queue.Queue = queue.Queue(1)
    put, get = q.put, q.get
    for i in range(n):
        put(i)
        get()


# --- locks ----------------------------------------------------------------------

def _pairs(lock, unlock):  # type: ignore[no-untyped-def]
    def run(n: int) -> None:
        for _ in range(n):
            lock()
            unlock()
    return run


def _with(cm):  # type: ignore[no-untyped-def]
    def run(n: int) -> None:
        for _ in range(n):
            with cm:
                pass
    return run


def _contended(lock, unlock, threads: int = 4):  # type: ignore[no-untyped-def]
    """``threads`` threads each doing n/threads lock/unlock pairs around a shared increment."""
    def run(n: int) -> None:
        box = [0]
        per = n // threads

        def work() -> None:
            for _ in range(per):
                lock()
                box[0] += 1
                unlock()

        ts = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    return run


# --- fan-out --------------------------------------------------------------------

def _fanout_go(n: int) -> None:
    for _ in range(n // 1000):
        wg = WaitGroup()
        done = wg.done
        for _ in range(1000):
            wg.add(1)
            go(done)
        wg.wait()


def _fanout_wg_go(n: int) -> None:
    def nothing() -> None:
        pass
    for _ in range(n // 1000):
        wg = WaitGroup()
        for _ in range(1000):
            wg.go(nothing)
        wg.wait()


def _fanout_threads(n: int) -> None:
    def nothing() -> None:
        pass
    for _ in range(n // 1000):
        ts = [threading.Thread(target=nothing, daemon=True) for _ in range(1000)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


def _measure(rows: list[tuple[str, object, int, str]], rounds: int, repeat: int,
             min_time: float) -> list[tuple[str, float, str]]:
    """Best rate of each row over ``rounds`` interleaved rounds.

    Interleaving rows (rather than timing each row once, in turn) spreads the
    load of a shared machine over all of them, so ratios are steadier.
    """
    best = [0.0] * len(rows)
    for _ in range(rounds):
        for k, (_, fn, ops, _) in enumerate(rows):
            best[k] = max(best[k], best_rate(fn, ops, repeat=repeat, min_time=min_time))
    return [(name, rate, note) for (name, _, _, note), rate in zip(rows, best)]


def run(quick: bool) -> None:
    rounds, repeat, min_time = (1, 2, 0.02) if quick else (3, 3, 0.05)

    def table(title: str, baseline: str, rows: list) -> None:  # type: ignore[type-arg]
        t = Table(title, baseline)
        for name, rate, note in _measure(rows, rounds, repeat, min_time):
            t.add(name, rate, note)
        t.print()

    def lock_table(title: str, baseline: str, rows: list) -> None:  # type: ignore[type-arg]
        """Like table(); a row's last field names its stdlib counterpart row,
        and its note shows the ratio to that row."""
        measured = _measure([(n, fn, ops, "") for n, fn, ops, _ in rows], rounds, repeat, min_time)
        rate = {name: r for name, r, _ in measured}
        t = Table(title, baseline)
        for (name, r, _), (_, _, _, peer) in zip(measured, rows):
            note = f"{r / rate[peer]:.2f}x vs {peer} (goal >= 1.0x)" if peer else ""
            t.add(name, r, note)
        t.print()

    table("channel ping-pong between two goroutines (round trips)", "queue.Queue(1) pair", [
        ("queue.Queue(1) pair", _pingpong_queue, 500, ""),
        ("Chan() unbuffered pair", _pingpong_chan, 500, "goal >= 1.0x"),
        ("Chan(1) pair", lambda n: _pingpong_chan_cap(n, 1), 500, ""),
    ])

    table("buffered channel throughput (items)", "queue.Queue(128) producer->consumer", [
        ("queue.Queue(128) producer->consumer", _stream_queue, 5000, ""),
        ("Chan(128) producer->consumer", _stream_chan, 5000, "goal >= 1.0x"),
        ("queue.Queue(1) put+get, one thread", _local_queue, 5000, ""),
        ("Chan(1) send+recv, one goroutine", _local_chan, 5000, "compare with the row above"),
    ])

    # Mutex rows are compared with threading.Lock, RWMutex rows with
    # threading.RLock (the stdlib has no reader/writer lock); the tables keep
    # threading.Lock as their baseline and each gostd row's note gives its
    # ratio to its own counterpart (goal >= 1.0x).
    lk, rl, m, rw = threading.Lock(), threading.RLock(), Mutex(), RWMutex()
    rl_side = rw.r_locker()
    lock_table("uncontended lock/unlock pairs", "threading.Lock acquire/release", [
        ("threading.Lock acquire/release", _pairs(lk.acquire, lk.release), 20000, ""),
        ("threading.RLock acquire/release", _pairs(rl.acquire, rl.release), 20000, ""),
        ("Mutex lock/unlock", _pairs(m.lock, m.unlock), 20000,
         "threading.Lock acquire/release"),
        ("with threading.Lock", _with(lk), 20000, ""),
        ("with Mutex", _with(m), 20000, "with threading.Lock"),
        ("with threading.RLock", _with(rl), 20000, ""),
        ("RWMutex lock/unlock", _pairs(rw.lock, rw.unlock), 20000,
         "threading.RLock acquire/release"),
        ("RWMutex r_lock/r_unlock", _pairs(rw.r_lock, rw.r_unlock), 20000,
         "threading.RLock acquire/release"),
        ("with RWMutex", _with(rw), 20000, "with threading.RLock"),
        ("with RWMutex.r_locker()", _with(rl_side), 20000, "with threading.RLock"),
    ])

    lock_table("contended: 4 threads, shared counter (lock/unlock pairs)",
               "threading.Lock acquire/release", [
        ("threading.Lock acquire/release", _contended(lk.acquire, lk.release), 20000, ""),
        ("threading.RLock acquire/release", _contended(rl.acquire, rl.release), 20000, ""),
        ("Mutex lock/unlock", _contended(m.lock, m.unlock), 20000,
         "threading.Lock acquire/release"),
        ("RWMutex lock/unlock", _contended(rw.lock, rw.unlock), 20000,
         "threading.RLock acquire/release"),
        ("RWMutex r_lock/r_unlock", _contended(rw.r_lock, rw.r_unlock), 20000,
         "threading.RLock acquire/release"),
    ])

    table("fan-out of 1000 goroutines and wait (goroutines)", "threading.Thread start+join", [
        ("threading.Thread start+join", _fanout_threads, 1000, ""),
        ("go() + WaitGroup", _fanout_go, 1000, "goal >= 1.0x"),
        ("WaitGroup.go", _fanout_wg_go, 1000, ""),
    ])


def _pingpong_chan_cap(n: int, cap: int) -> None:
    ping, pong = Chan(cap), Chan(cap)

    def echo() -> None:
        recv, send = ping.recv, pong.send
        for _ in range(n):
            send(recv())

    t = go(echo)
    send, recv = ping.send, pong.recv
    for i in range(n):
        send(i)
        recv()
    t.join()


if __name__ == "__main__":
    run(quick=False)
