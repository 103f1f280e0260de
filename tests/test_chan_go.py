"""Channels and select against the scenarios of Go's runtime/chan_test.go,
plus the Python protocols a channel offers (iteration, copy, pickle, typing)."""

from __future__ import annotations

import collections
import copy
import pickle
import threading
import time

import pytest

from gostd import Chan, Panic, go, select
from gostd_testutil import TIMEOUT, join

pytestmark = pytest.mark.timeout(60)


def recv_within(c: Chan, timeout: float = TIMEOUT):  # type: ignore[no-untyped-def]
    """c.recv_ok(), failing instead of hanging when nothing comes."""
    box: list = []
    t = go(lambda: box.append(c.recv_ok()))
    join(t, timeout=timeout)
    return box[0]


CAPS = [0, 1, 2, 7]


@pytest.mark.parametrize("cap", CAPS)
def test_chan_blocking_and_non_blocking(cap: int) -> None:
    # TestChan: receive from empty blocks; non-blocking receive does not.
    c: Chan[int] = Chan(cap)
    got = threading.Event()
    t = go(lambda: (c.recv(), got.set()))
    time.sleep(0.02)
    assert not got.is_set(), "chan[%d]: receive from empty chan" % cap
    assert select(c.recv, default=True) == (-1, None)
    c.send(0)                                  # unblock the receiver
    join(t)
    # Send to a full chan blocks; a non-blocking send does not.
    for i in range(cap):
        c.send(i)
    sent = threading.Event()
    t = go(lambda: (c.send(99), sent.set()))
    time.sleep(0.02)
    assert not sent.is_set(), "chan[%d]: send to full chan" % cap
    assert select((c.send, 98), default=True) == (-1, None)
    for i in range(cap):
        assert c.recv() == i
    assert c.recv() == 99
    join(t)


@pytest.mark.parametrize("cap", CAPS)
def test_chan_receive_zero_from_closed(cap: int) -> None:
    # TestChan: buffered values survive close, then (None, False) for ever.
    c: Chan[int] = Chan(cap)
    for i in range(cap):
        c.send(i)
    c.close()
    for i in range(cap):
        assert c.recv_ok() == (i, True)
    for _ in range(3):
        assert c.recv_ok() == (None, False)
        assert c.recv() is None
        assert select(c.recv_ok) == (0, (None, False))
        assert select(c.recv, default=True) == (0, None)
    assert len(c) == 0 and c.cap == cap


@pytest.mark.parametrize("cap", CAPS)
def test_chan_close_unblocks_receive(cap: int) -> None:
    c: Chan[int] = Chan(cap)
    box: list = []
    t = go(lambda: box.append(c.recv_ok()))
    time.sleep(0.01)
    c.close()
    join(t)
    assert box == [(None, False)]


@pytest.mark.parametrize("cap", CAPS)
@pytest.mark.parametrize("mode", ["plain", "select"])
def test_chan_fifo_uncorrupted(cap: int, mode: str) -> None:
    # TestChan: send 100 integers, receive them non-corrupted in FIFO order.
    c: Chan[int] = Chan(cap)

    def sender() -> None:
        for i in range(100):
            if mode == "plain":
                c.send(i)
            else:
                assert select((c.send, i)) == (0, None)

    t = go(sender)
    for i in range(100):
        v = c.recv() if mode == "plain" else select(c.recv)[1]
        assert v == i, f"chan[{cap}]: received {v}, expected {i}"
    join(t)


@pytest.mark.parametrize("cap", CAPS)
def test_chan_many_senders_receivers_counts(cap: int) -> None:
    # TestChan: 4 senders x L values, 4 receivers x L values; what we get is what we sent.
    P, L = 4, 500
    c: Chan[int] = Chan(cap)
    results: Chan[collections.Counter] = Chan()
    ths = [go(lambda: [c.send(i) for i in range(L)]) for _ in range(P)]

    def receiver() -> None:
        got: collections.Counter = collections.Counter()
        for _ in range(L):
            got[c.recv()] += 1
        results.send(got)

    ths += [go(receiver) for _ in range(P)]
    total: collections.Counter = collections.Counter()
    for _ in range(P):
        total += recv_within(results)[0]
    join(*ths)
    assert total == collections.Counter({i: P for i in range(L)})


@pytest.mark.parametrize("cap", CAPS)
def test_chan_len_cap(cap: int) -> None:
    c: Chan[int] = Chan(cap)
    assert len(c) == 0 and c.cap == cap
    for i in range(cap):
        c.send(i)
    assert len(c) == cap and c.cap == cap


def test_nonblock_recv_race() -> None:
    # TestNonblockRecvRace: a closed channel with a buffered value is always ready.
    for _ in range(300):
        c: Chan[int] = Chan(1)
        c.send(1)
        box: list = []
        t = go(lambda: box.append(select(c.recv, default=True)[0]))
        c.close()
        c.recv()
        join(t)
        assert box == [0], "chan is not ready"


@pytest.mark.parametrize("swap", [False, True])
def test_nonblock_select_race(swap: bool) -> None:
    # TestNonblockSelectRace(2): one of two channels is always ready for the select.
    for _ in range(300):
        c1: Chan[int] = Chan(1)
        c2: Chan[int] = Chan(1)
        c1.send(1)
        done: Chan[bool] = Chan(1)

        def other() -> None:
            i, _ = select(c1.recv, c2.recv, default=True)
            done.send(i != -1)

        t = go(other)
        if swap:
            c2.close()
        else:
            c2.send(1)
        select(c1.recv, c2.recv)
        assert recv_within(done) == (True, True), "no chan is ready"
        join(t)


def test_select_duplicate_channel() -> None:
    # TestSelectDuplicateChannel: a select waiting on c twice and on d is woken
    # through d; it must leave c's queue intact so that c's other waiter is served.
    c: Chan[int] = Chan()
    d: Chan[int] = Chan()
    e: Chan[int] = Chan()
    box: list = []

    def a() -> None:
        box.append(select(c.recv, c.recv, d.recv))
        e.send(9)

    ta = go(a)
    time.sleep(0.01)
    got_b: list = []
    tb = go(lambda: got_b.append(c.recv()))
    time.sleep(0.01)
    d.send(7)
    assert recv_within(e) == (9, True)
    c.send(8)
    join(ta, tb)
    assert box == [(2, 7)] and got_b == [8]
    assert not c._recvq and not d._recvq


@pytest.mark.parametrize("cap", [0, 100])
def test_pseudo_random_send(cap: int) -> None:
    # TestPseudoRandomSend: select { case c <- 1: case c <- 0: } picks both.
    n = 200
    c: Chan[int] = Chan(cap)
    got: list[int] = []

    def receiver() -> None:
        for _ in range(n):
            time.sleep(0)
            got.append(c.recv())

    t = go(receiver)
    for _ in range(n):
        select((c.send, 1), (c.send, 0))
    join(t)
    ones = sum(got)
    zeros = n - ones
    assert zeros > n // 10 and ones > n // 10, (zeros, ones)


def test_blocked_select_on_one_channel_twice_is_served_randomly() -> None:
    # The deterministic core of TestPseudoRandomSend: the select is already
    # blocked with both send cases queued when the receiver arrives.
    counts = [0, 0]
    for _ in range(200):
        c: Chan[int] = Chan()
        box: list = []
        t = go(lambda: box.append(select((c.send, 0), (c.send, 1))))
        deadline = time.monotonic() + TIMEOUT
        while len(c._sendq) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.0005)
        v = c.recv()
        join(t)
        assert box == [(v, None)]
        counts[v] += 1
        assert not c._sendq
    assert min(counts) > 50, counts


def test_select_stress_with_nil_cases() -> None:
    # TestSelectStress: plain and select senders/receivers on 4 channels; the
    # selects switch a case off by making it nil (None) once its quota is met.
    N = 1000
    cs: list[Chan[int]] = [Chan(0), Chan(0), Chan(2), Chan(3)]
    ths = []
    for k in range(4):
        ths.append(go(lambda k=k: [cs[k].send(0) for _ in range(N)]))
        ths.append(go(lambda k=k: [cs[k].recv() for _ in range(N)]))

    def select_sender() -> None:
        n = [0] * 4
        c1: list = list(cs)
        for _ in range(4 * N):
            i, _ = select(*[None if c is None else (c.send, 0) for c in reversed(c1)])
            k = 3 - i
            n[k] += 1
            if n[k] == N:
                c1[k] = None
        assert n == [N] * 4

    def select_receiver() -> None:
        n = [0] * 4
        c1: list = list(cs)
        for _ in range(4 * N):
            i, _ = select(*[None if c is None else c.recv for c in reversed(c1)])
            k = 3 - i
            n[k] += 1
            if n[k] == N:
                c1[k] = None
        assert n == [N] * 4

    ths += [go(select_sender), go(select_receiver)]
    join(*ths, timeout=40)
    assert all(len(c) == 0 for c in cs)


def test_nil_cases_never_proceed() -> None:
    c: Chan[int] = Chan(1)
    c.send(5)
    assert select(None, c.recv) == (1, 5)
    assert select(None, (None, 3), default=True) == (-1, None)
    assert select((None, 3), (c.send, 6)) == (1, None)
    assert select(None, c.recv_ok, None) == (1, (6, True))
    c.close()
    assert select(None, c.recv_ok) == (1, (None, False))
    # Only nil cases and no default: blocks for ever, like select {}.
    box: list = []
    t = go(lambda: box.append(select(None, (None, 1))))
    t.join(0.05)
    assert t.is_alive() and box == []


def test_multi_consumer() -> None:
    # TestMultiConsumer: workers range over q and forward to r; nothing lost.
    nwork, niter = 23, 5000
    pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31]
    q: Chan[int] = Chan(nwork * 3)
    r: Chan[int] = Chan(nwork * 3)
    done = threading.Barrier(nwork + 1, timeout=TIMEOUT)

    def worker(w: int) -> None:
        for v in q:
            if pn[w % len(pn)] == v:
                time.sleep(0)
            r.send(v)
        done.wait()

    ths = [go(worker, i) for i in range(nwork)]
    expect = sum(pn[i % len(pn)] for i in range(niter))

    def feeder() -> None:
        for i in range(niter):
            q.send(pn[i % len(pn)])
        q.close()
        done.wait()
        r.close()

    ths.append(go(feeder))
    n = s = 0
    for v in r:
        n += 1
        s += v
    join(*ths)
    assert (n, s) == (niter, expect)


def test_blocked_sender_drained_slowly() -> None:
    # TestShrinkStackDuringBlockedSend's pattern: a sender blocks again and again.
    c: Chan[int] = Chan()
    t = go(lambda: [c.send(i) for i in range(20)])
    for i in range(20):
        time.sleep(0.001)
        assert c.recv() == i
    join(t)


def test_select_send_and_recv_same_channel_between_two_goroutines() -> None:
    # TestSelfSelect for both capacities: never receives its own value when unbuffered.
    for cap in (0, 10):
        c: Chan[int] = Chan(cap)
        errors: list = []

        def run(p: int) -> None:
            for i in range(1000):
                if p == 0 or i % 2 == 0:
                    j, v = select((c.send, p), c.recv)
                    if j == 1 and cap == 0 and v == p:
                        errors.append("self receive")
                else:
                    j, v = select(c.recv, (c.send, p))
                    if j == 0 and cap == 0 and v == p:
                        errors.append("self receive")

        join(go(run, 0), go(run, 1), timeout=30)
        assert errors == []


def test_select_same_channel_recv_and_recv_ok() -> None:
    c: Chan[int] = Chan(2)
    c.send(1)
    c.send(2)
    seen = collections.Counter()
    for _ in range(2):
        i, v = select(c.recv, c.recv_ok)
        seen[i] += 1
        assert v in (1, 2, (1, True), (2, True))
    c.close()
    i, v = select(c.recv, c.recv_ok)
    assert (i, v) in ((0, None), (1, (None, False)))


# --- Python protocols -------------------------------------------------------------

def test_channel_is_a_reference_copy_shares_it() -> None:
    c: Chan[int] = Chan(1)
    assert copy.copy(c) is c
    assert copy.deepcopy(c) is c
    holder = {"c": c, "n": [1]}
    h2 = copy.deepcopy(holder)
    assert h2["c"] is c and h2["n"] is not holder["n"]


def test_channel_refuses_pickle() -> None:
    c: Chan[int] = Chan(1)
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="pickle"):
            pickle.dumps(c, protocol=proto)


def test_generic_alias_repr_and_iteration() -> None:
    c = Chan[int](3)
    assert isinstance(c, Chan) and c.cap == 3
    c.send(1)
    c.send(2)
    assert "len=2" in repr(c) and "cap=3" in repr(c)
    c.close()
    assert "closed" in repr(c)
    assert list(c) == [1, 2]
    assert list(c) == []
    with pytest.raises(Panic, match="^send on closed channel$"):
        c.send(3)
    with pytest.raises(Panic, match="^close of closed channel$"):
        c.close()
