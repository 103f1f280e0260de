"""x/sync's semaphore tests, ported, plus invariants under contention and
the FIFO guarantee that keeps large requests from starving."""

from __future__ import annotations

import os
import random
import threading
import time as _pytime

import pytest

from gostd import Chan, Panic, go, select
from gostd import context
from gostd import time
from gostd.sync import errgroup
from gostd.sync.atomic import Int64
from gostd.sync.semaphore import Weighted
from gostd_testutil import TIMEOUT, join, wait_until

bg = context.background()
max_sleep = 1 * time.Millisecond


def acquire_in_background(sem: Weighted, ctx: context.Context, n: int,
                          outcome: list) -> threading.Thread:
    """Start ``sem.acquire(ctx, n)`` in a goroutine; ``outcome`` gets what it
    raised, or None."""
    def run() -> None:
        try:
            sem.acquire(ctx, n)
            outcome.append(None)
        except BaseException as e:
            outcome.append(e)
    return go(run)


def hammer(sem: Weighted, n: int, loops: int, held: Int64, size: int) -> None:
    for _ in range(loops):
        sem.acquire(bg, n)
        assert held.add(n) <= size, "more weight held than the semaphore has"
        _pytime.sleep(random.random() * max_sleep / 4)
        held.add(-n)
        sem.release(n)


def test_weighted() -> None:
    n = max(4, os.cpu_count() or 1)
    loops = 400 // n
    sem = Weighted(n)
    held = Int64()
    threads = [go(hammer, sem, i, loops, held, n) for i in range(n)]
    join(*threads)
    assert sem.try_acquire(n), "weight lost"


def test_weighted_panic() -> None:
    w = Weighted(1)
    with pytest.raises(Panic, match="^semaphore: released more than held$"):
        w.release(1)
    assert w.try_acquire(1)      # unlike Go, the failed release changed nothing
    assert not w.try_acquire(1)


def test_weighted_try_acquire() -> None:
    sem = Weighted(2)
    tries = []
    sem.acquire(bg, 1)
    tries.append(sem.try_acquire(1))
    tries.append(sem.try_acquire(1))
    sem.release(2)
    tries.append(sem.try_acquire(1))
    sem.acquire(bg, 1)
    tries.append(sem.try_acquire(1))
    assert tries == [True, False, True, False]


def test_weighted_acquire() -> None:
    sem = Weighted(2)

    def try_acquire(n: int) -> bool:
        ctx, cancel = context.with_timeout(bg, 10 * time.Millisecond)
        try:
            sem.acquire(ctx, n)
            return True
        except context.DeadlineExceeded:
            return False
        finally:
            cancel()

    tries = []
    sem.acquire(bg, 1)
    tries.append(try_acquire(1))
    tries.append(try_acquire(1))
    sem.release(2)
    tries.append(try_acquire(1))
    sem.acquire(bg, 1)
    tries.append(try_acquire(1))
    assert tries == [True, False, True, False]


def test_weighted_doesnt_block_if_too_big() -> None:
    n = 2
    sem = Weighted(n)
    big_ctx, cancel = context.with_cancel(bg)
    errs: list[BaseException] = []

    def too_big() -> None:
        try:
            sem.acquire(big_ctx, n + 1)
        except context.Canceled as e:
            errs.append(e)

    t = go(too_big)
    g, ctx = errgroup.with_context(bg)

    def small() -> None:
        sem.acquire(ctx, 1)
        _pytime.sleep(0.001)
        sem.release(1)

    for _ in range(n * 3):
        g.go(small)
    g.wait()   # raises if any acquire failed
    cancel()
    join(t)
    assert len(errs) == 1


def test_large_acquire_doesnt_starve() -> None:
    # Would time out if a large acquire starved.
    n = 4
    sem = Weighted(n)
    running = True
    threads = []

    def loop() -> None:
        try:
            while running:
                _pytime.sleep(0.001)
                sem.release(1)
                sem.acquire(bg, 1)
        finally:
            sem.release(1)

    for _ in range(n):
        sem.acquire(bg, 1)
        threads.append(go(loop))
    ctx, cancel = context.with_timeout(bg, TIMEOUT)
    sem.acquire(ctx, n)
    cancel()
    running = False
    sem.release(n)
    join(*threads)


def test_alloc_cancel_doesnt_starve() -> None:
    for _ in range(20):
        sem = Weighted(10)
        sem.acquire(bg, 1)   # block off a portion so that acquire(10) can eventually succeed
        ctx, cancel = context.with_cancel(bg)
        outcome: list = []
        t = acquire_in_background(sem, ctx, 10, outcome)
        # Wait until the acquire(10) blocks.
        wait_until(lambda: len(sem._waiters) == 1)
        # Now try to grab a read lock, and simultaneously unblock the acquire(10):
        # both calls must return, in either order.
        go(cancel)
        got, cancel2 = context.with_timeout(bg, TIMEOUT)
        sem.acquire(got, 1)
        cancel2()
        sem.release(1)
        join(t)
        assert type(outcome[0]) is context.Canceled


def test_weighted_acquire_canceled() -> None:
    # https://go.dev/issue/63615
    for _ in range(20):
        sem = Weighted(2)
        ctx, cancel = context.with_cancel(bg)
        sem.acquire(bg, 1)
        ch: Chan[None] = Chan()

        def other() -> None:
            # Synchronise with the acquire(2) below.
            while sem.try_acquire(1):
                sem.release(1)
                _pytime.sleep(0)
            cancel()         # cancel first,
            sem.release(1)   # then release the token
            ch.close()

        go(other)
        # The context closes before enough tokens are available: this must fail.
        with pytest.raises(context.Canceled):
            sem.acquire(ctx, 2)
        ch.recv()
        # Two tokens are back once the other goroutine released ours.
        assert sem.try_acquire(2), "try_acquire after canceled acquire failed"
        # No acquiring with a done context, even without blocking.
        sem.release(2)
        with pytest.raises(context.Canceled):
            sem.acquire(ctx, 1)
        assert sem.try_acquire(2)


def test_fifo_large_waiter_goes_before_later_small_ones() -> None:
    sem = Weighted(4)
    sem.acquire(bg, 3)
    order: list[str] = []
    lock = threading.Lock()

    def want(name: str, n: int) -> None:
        sem.acquire(bg, n)
        with lock:
            order.append(name)

    big = go(want, "big", 4)
    wait_until(lambda: len(sem._waiters) == 1)
    smalls = []
    for i in range(3):
        smalls.append(go(want, f"small{i}", 1))
        wait_until(lambda: len(sem._waiters) == 2 + i)
    assert not sem.try_acquire(1)        # someone waits: no barging even though 1 is free
    sem.release(3)
    join(big)
    assert order == ["big"]
    sem.release(4)
    join(*smalls)
    assert order[0] == "big" and sorted(order[1:]) == ["small0", "small1", "small2"]
    sem.release(3)
    assert sem.try_acquire(4)


def test_canceled_front_waiter_lets_the_next_in() -> None:
    sem = Weighted(2)
    sem.acquire(bg, 1)
    ctx, cancel = context.with_cancel(bg)
    outcome: list = []
    t1 = acquire_in_background(sem, ctx, 2, outcome)
    wait_until(lambda: len(sem._waiters) == 1)
    got: Chan[None] = Chan(1)
    t2 = go(lambda: (sem.acquire(bg, 1), got.send(None)))
    wait_until(lambda: len(sem._waiters) == 2)
    cancel()   # the front one leaves: the small one behind it fits now
    i, _ = select(got.recv, time.after(TIMEOUT).recv)
    assert i == 0
    join(t1, t2)
    assert type(outcome[0]) is context.Canceled
    assert not sem.try_acquire(1)


def test_deadline_error_is_raised_per_caller() -> None:
    sem = Weighted(1)
    sem.acquire(bg, 1)
    ctx, cancel = context.with_timeout(bg, 0.005)
    errs: list[BaseException] = []
    lock = threading.Lock()

    def acq() -> None:
        try:
            sem.acquire(ctx, 1)
        except context.DeadlineExceeded as e:
            with lock:
                errs.append(e)

    join(*[go(acq) for _ in range(5)])
    cancel()
    assert len(errs) == 5 and len({id(e) for e in errs}) == 5
    assert all(str(e) == "context deadline exceeded" for e in errs)
    assert sem._cur == 1 and not sem._waiters


def test_bad_weights() -> None:
    with pytest.raises(ValueError):
        Weighted(-1)
    with pytest.raises(TypeError):
        Weighted(1.5)  # type: ignore[arg-type]
    sem = Weighted(2)
    with pytest.raises(ValueError):
        sem.acquire(bg, -1)
    with pytest.raises(TypeError):
        sem.try_acquire("1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sem.release(-2)
    assert sem.try_acquire(2)


def test_hammer_with_cancellations_keeps_the_count() -> None:
    size = 5
    sem = Weighted(size)
    held = Int64()

    def worker(seed: int) -> None:
        r = random.Random(seed)
        for _ in range(150):
            n = r.randint(1, size)
            ctx, cancel = context.with_timeout(bg, r.choice([0.0, 0.0005, 0.002, 1.0]))
            try:
                sem.acquire(ctx, n)
            except context.DeadlineExceeded:
                continue
            finally:
                cancel()
            assert held.add(n) <= size
            held.add(-n)
            sem.release(n)

    join(*[go(worker, s) for s in range(6)])
    assert sem._cur == 0 and not sem._waiters
    assert sem.try_acquire(size)
