"""sync.Map under real threads: invariants that lose nothing."""

import sys
import threading
import time

import pytest

from gostd.sync import Map

THREADS = 4


@pytest.fixture(autouse=True)
def fast_switching():
    # Make the GIL build interleave threads often, so races are exercised.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(old)


def run_threads(target, n=THREADS, timeout=60.0):
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # reported to the test below
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "worker did not finish in time"
    if errors:
        raise errors[0]


def churn_structure(m, stop):
    """Force promotions, dirty copies and expunges while others work."""
    i = 0
    while not stop.is_set():
        m.store(("churn", i % 50), i)
        m.load(("missing", i))
        m.delete(("churn", (i + 25) % 50))
        if i % 200 == 0:
            list(m.items())
        i += 1


def test_cas_counters_lose_nothing():
    m = Map()
    keys = 16
    rounds = 1500
    stop = threading.Event()
    churner = threading.Thread(target=churn_structure, args=(m, stop))
    churner.start()
    try:
        def worker(i):
            for j in range(rounds):
                k = (i * 7 + j) % keys  # overlapping keys across threads
                actual, _ = m.load_or_store(k, 0)
                while not m.compare_and_swap(k, actual, actual + 1):
                    actual, ok = m.load(k)
                    assert ok

        run_threads(worker)
    finally:
        stop.set()
        churner.join(30)
    assert sum(m.load(k)[0] for k in range(keys)) == THREADS * rounds


def test_load_or_store_has_exactly_one_winner_per_key():
    m = Map()
    keys = 300
    results = [[] for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=30)

    def worker(i):
        barrier.wait()
        for k in range(keys):
            results[i].append(m.load_or_store(k, i))

    run_threads(worker)
    for k in range(keys):
        outcomes = [results[i][k] for i in range(THREADS)]
        winners = [i for i in range(THREADS) if not outcomes[i][1]]
        assert len(winners) == 1, outcomes
        assert all(actual == winners[0] for actual, _ in outcomes)
        assert m.load(k) == (winners[0], True)


def test_disjoint_keys_end_exact():
    m = Map()
    per = 400

    def worker(i):
        for j in range(per):
            m.store((i, j), j)
        for j in range(0, per, 2):
            assert m.load_and_delete((i, j)) == (j, True)
        for j in range(1, per, 2):
            assert m.swap((i, j), -j) == (j, True)
            assert m.load((i, j)) == (-j, True)

    run_threads(worker)
    want = {(i, j): -j for i in range(THREADS) for j in range(1, per, 2)}
    assert dict(m.items()) == want


def test_swapped_tokens_come_out_exactly_once():
    # Every value ever swapped into the shared key is returned once: by a
    # swap, a load_and_delete, or the final load.  Nothing lost or doubled.
    m = Map()
    stop = threading.Event()
    churner = threading.Thread(target=churn_structure, args=(m, stop))
    churner.start()
    out = [[] for _ in range(THREADS)]
    try:
        def worker(i):
            for j in range(1500):
                if j % 10 == 9:
                    prev, ok = m.load_and_delete("hot")
                else:
                    prev, ok = m.swap("hot", (i, j))
                if ok:
                    out[i].append(prev)

        run_threads(worker)
    finally:
        stop.set()
        churner.join(30)
    final, ok = m.load("hot")
    seen = [v for o in out for v in o] + ([final] if ok else [])
    stored = [(i, j) for i in range(THREADS) for j in range(1500) if j % 10 != 9]
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(stored)


def test_range_and_iteration_never_fail_while_mutated():
    m = Map()
    stable = {("stable", i): i for i in range(200)}
    for k, v in stable.items():
        m.store(k, v)
    stop = threading.Event()

    def writer(i):
        n = 0
        while not stop.is_set():
            m.store(("w", i, n % 300), n)
            m.delete(("w", i, (n + 150) % 300))
            m.load(("nope", n))
            n += 1

    writers = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for t in writers:
        t.start()
    try:
        deadline = time.monotonic() + 2.0
        rounds = 0
        while time.monotonic() < deadline or rounds < 20:
            seen = []
            if rounds % 2:
                m.range(lambda k, v: seen.append((k, v)))
            else:
                seen = list(m.items())
            keys = [k for k, _ in seen]
            assert len(keys) == len(set(keys)), "a key was visited twice"
            got = {k: v for k, v in seen if k[0] == "stable"}
            assert got == stable, "an unchanged key was missed or wrong"
            rounds += 1
    finally:
        stop.set()
        for t in writers:
            t.join(30)
            assert not t.is_alive()


def test_plain_dict_iteration_fails_where_map_does_not():
    # The article's point, in Python: iterating a dict that another thread
    # grows raises RuntimeError; the Map keeps going.
    d = {i: i for i in range(100)}
    m = Map()
    for i in range(100):
        m.store(i, i)
    grow = threading.Event()
    stop = threading.Event()

    def writer():
        n = 100
        while not stop.is_set():
            if grow.wait(0.01):
                d[n] = n
                m.store(n, n)
                n += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        grow.set()
        with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
            for _ in d:
                time.sleep(0.001)
        count = 0
        for _ in m:
            time.sleep(0.001)
            count += 1
        assert count >= 100
    finally:
        stop.set()
        t.join(30)
        assert not t.is_alive()


def test_one_iterator_shared_by_threads_yields_each_key_once():
    m = Map()
    for i in range(5000):
        m.store(i, i)
    it = m.items()
    got = [[] for _ in range(THREADS)]

    def worker(i):
        for k, v in it:
            assert k == v
            got[i].append(k)

    run_threads(worker)
    flat = [k for g in got for k in g]
    assert sorted(flat) == list(range(5000))
