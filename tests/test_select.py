"""select: readiness, blocking, default, close, exactly-one-case, fairness, cleanup."""

from __future__ import annotations

import collections
import math
import threading
import time

import pytest

from gostd import Chan, Panic, go, select
from gostd_testutil import interrupt_main_when, join, wait_until

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def in_goroutine(fn, *args):  # type: ignore[no-untyped-def]
    """Run fn(*args) in a goroutine; return (thread, box) with box[0] its result or exception."""
    box: list = []

    def run() -> None:
        try:
            box.append(fn(*args))
        except BaseException as e:  # noqa: BLE001 -- handed to the test
            box.append(e)

    return go(run), box


# --- ready cases ------------------------------------------------------------------

def test_ready_recv_case() -> None:
    a, b = Chan[int](1), Chan[int](1)
    b.send(5)
    assert select(a.recv, b.recv) == (1, 5)
    b.send(6)
    assert select(a.recv_ok, b.recv_ok) == (1, (6, True))


def test_ready_send_case() -> None:
    a, b = Chan[int](), Chan[int](1)
    assert select((a.send, 1), (b.send, 2)) == (1, None)
    assert b.recv() == 2
    assert len(a) == 0


def test_default_when_nothing_ready() -> None:
    a, b = Chan[int](), Chan[int](1)
    b.send(0)                                    # b full: its send case is not ready
    assert select(a.recv, (b.send, 1), default=True) == (-1, None)
    assert select(default=True) == (-1, None)
    assert len(b) == 1 and b.recv() == 0


def test_default_never_taken_when_a_case_is_ready() -> None:
    a = Chan[int](1000)
    for i in range(1000):
        a.send(i)
    assert [select(a.recv, default=True) for _ in range(1000)] == [(0, i) for i in range(1000)]


def test_closed_channel_recv_case_is_ready() -> None:
    a, b = Chan[int](), Chan[int]()
    b.close()
    assert select(a.recv, b.recv) == (1, None)
    assert select(a.recv, b.recv_ok, default=True) == (1, (None, False))


def test_send_case_on_closed_channel_panics() -> None:
    a = Chan[int]()
    a.close()
    with pytest.raises(Panic) as info:
        select((a.send, 1))
    assert str(info.value) == "send on closed channel"
    with pytest.raises(Panic):
        select((a.send, 1), default=True)


def test_malformed_cases_raise_type_error() -> None:
    a = Chan[int]()
    for bad in (a, a.close, (a.recv, 1), (a.send,), print, 3, (len, 1)):
        with pytest.raises(TypeError, match="select case"):
            select(bad, default=True)  # type: ignore[arg-type]


# --- blocking -------------------------------------------------------------------

def test_blocks_until_a_sender_arrives() -> None:
    a, b = Chan[str](), Chan[str]()
    t, box = in_goroutine(select, a.recv, b.recv_ok)
    time.sleep(0.05)
    assert box == [] and t.is_alive()
    b.send("hi")
    join(t)
    assert box == [(1, ("hi", True))]
    # Its sudog on `a` is gone: a later send on `a` must block, not complete.
    assert len(a._recvq) == 0
    assert select((a.send, "x"), default=True) == (-1, None)


def test_blocks_until_a_receiver_arrives() -> None:
    a, b = Chan[int](), Chan[int]()
    t, box = in_goroutine(select, (a.send, 1), (b.send, 2))
    wait_until(lambda: len(a._sendq) == 1 and len(b._sendq) == 1)
    assert b.recv() == 2
    join(t)
    assert box == [(1, None)]
    assert len(a._sendq) == 0
    assert select(a.recv, default=True) == (-1, None)


def test_blocked_select_woken_by_close() -> None:
    a, b = Chan[int](), Chan[int]()
    t1, box1 = in_goroutine(select, a.recv, b.recv)
    t2, box2 = in_goroutine(select, a.recv_ok, b.recv_ok)
    wait_until(lambda: len(a._recvq) == 2)
    b.close()
    join(t1, t2)
    assert box1 == [(1, None)]
    assert box2 == [(1, (None, False))]
    assert len(a._recvq) == 0


def test_blocked_send_case_panics_when_channel_closes() -> None:
    a, b = Chan[int](), Chan[int]()
    t, box = in_goroutine(select, (a.send, 1), b.recv)
    wait_until(lambda: len(a._sendq) == 1)
    a.close()
    join(t)
    assert isinstance(box[0], Panic) and str(box[0]) == "send on closed channel"
    assert len(b._recvq) == 0


def test_select_does_not_match_itself() -> None:
    # A send and a receive on the same unbuffered channel in one select never pair up.
    c = Chan[int]()
    assert select((c.send, 1), c.recv, default=True) == (-1, None)
    t, box = in_goroutine(select, (c.send, 1), c.recv)
    wait_until(lambda: len(c._sendq) == 1 and len(c._recvq) == 1)
    assert c.recv() == 1
    join(t)
    assert box == [(0, None)]
    assert len(c._sendq) == 0 and len(c._recvq) == 0


def test_two_selects_rendezvous_with_each_other() -> None:
    # Both sides block in select; each can only complete against the other.
    for _ in range(200):
        c = Chan[int]()
        quit_ = Chan[int]()
        t1, box1 = in_goroutine(select, (c.send, 1), quit_.recv)
        t2, box2 = in_goroutine(select, c.recv, quit_.recv)
        join(t1, t2)
        assert box1 == [(0, None)] and box2 == [(0, 1)]
        assert not c._sendq and not c._recvq and not quit_._recvq


def test_no_stale_waiters_accumulate() -> None:
    # A select loop whose other case is never ready must not grow that channel's queue.
    data, never = Chan[int](), Chan[int]()

    def produce() -> None:
        for i in range(500):
            data.send(i)

    t = go(produce)
    for i in range(500):
        assert select(never.recv, data.recv) == (1, i)
        assert len(never._recvq) == 0
    join(t)


def test_no_cases_no_default_blocks_forever() -> None:
    t, box = in_goroutine(select)
    time.sleep(0.1)
    assert t.is_alive() and box == []   # a daemon goroutine: left blocked, as in Go


# --- exactly one case, under load ------------------------------------------------

def test_exactly_one_case_takes_effect_stress() -> None:
    # Selecting senders offer each value on two channels at once; receivers on both
    # channels must see every value exactly once.
    a, b = Chan[int](), Chan[int](2)
    n_senders, per = 4, 300
    got_a: list[int] = []
    got_b: list[int] = []

    def sender(k: int) -> None:
        for i in range(per):
            v = k * per + i
            select((a.send, v), (b.send, v))

    def receiver(ch: Chan[int], out: list[int]) -> None:
        out.extend(ch)

    rs = [go(receiver, a, got_a), go(receiver, b, got_b), go(receiver, a, got_a)]
    ss = [go(sender, k) for k in range(n_senders)]
    join(*ss)
    a.close()
    b.close()
    join(*rs)
    total = got_a + got_b
    assert sorted(total) == list(range(n_senders * per))
    assert got_a and got_b


def test_selecting_receivers_and_senders_stress() -> None:
    # Both ends select, over several channels: every value delivered exactly once.
    chans = [Chan[int]() for _ in range(3)]
    quit_ = Chan[None]()
    n_senders, per = 3, 300
    received: list[int] = []
    lock = threading.Lock()

    def sender(k: int) -> None:
        for i in range(per):
            v = k * per + i
            select(*[(c.send, v) for c in chans])

    def receiver() -> None:
        while True:
            i, v = select(quit_.recv_ok, *[c.recv for c in chans])
            if i == 0:
                return
            with lock:
                received.append(v)

    rs = [go(receiver) for _ in range(3)]
    ss = [go(sender, k) for k in range(n_senders)]
    join(*ss)
    wait_until(lambda: len(received) >= n_senders * per)
    quit_.close()
    join(*rs)
    assert sorted(received) == list(range(n_senders * per))
    assert all(not c._recvq and not c._sendq for c in chans)


# --- fairness -----------------------------------------------------------------------

def _assert_uniform(counts: list[int], n: int) -> None:
    # Each count is Binomial(n, 1/k); 6 standard deviations: a fair select fails this
    # with probability < 1e-8 per count, a biased one (e.g. always first) fails surely.
    k = len(counts)
    p = 1 / k
    sd = math.sqrt(n * p * (1 - p))
    for c in counts:
        assert abs(c - n * p) < 6 * sd, counts
    # And a chi-square check at a far tail (df = k-1).
    chi2 = sum((c - n * p) ** 2 / (n * p) for c in counts)
    assert chi2 < 40, (counts, chi2)


def test_fair_choice_among_ready_buffered_cases() -> None:
    chans = [Chan[int](1) for _ in range(3)]
    never = Chan[int]()
    n = 6000
    counts = [0, 0, 0]
    for ch in chans:
        ch.send(0)
    for _ in range(n):
        i, _ = select(never.recv, *[c.recv for c in chans])
        counts[i - 1] += 1
        chans[i - 1].send(0)
    _assert_uniform(counts, n)


def test_fair_choice_among_ready_send_and_recv_cases() -> None:
    inbox, outbox = Chan[int](1), Chan[int](1)
    n = 4000
    counts = [0, 0]
    inbox.send(1)
    for _ in range(n):
        i, _ = select(inbox.recv, (outbox.send, 2))
        counts[i] += 1
        if i == 0:
            inbox.send(1)
        else:
            outbox.recv()
    _assert_uniform(counts, n)


def test_fair_choice_between_waiting_senders() -> None:
    a, b = Chan[str](), Chan[str]()
    stop = threading.Event()

    def pump(ch: Chan[str], v: str) -> None:
        while not stop.is_set():
            try:
                ch.send(v)
            except Panic:
                return

    ts = [go(pump, a, "a"), go(pump, b, "b")]
    wait_until(lambda: a._sendq and b._sendq)
    n = 1500
    counts = collections.Counter()
    for _ in range(n):
        wait_until(lambda: a._sendq and b._sendq)   # both ready at every select
        counts[select(a.recv, b.recv)[1]] += 1
    stop.set()
    a.close()
    b.close()
    join(*ts)
    _assert_uniform([counts["a"], counts["b"]], n)


def test_interrupted_select_leaves_no_dead_waiters() -> None:
    a, b = Chan[int](), Chan[int]()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: len(a._recvq) == 1 and len(b._sendq) == 1)
        select(a.recv, (b.send, 1))
    join(t)
    assert not a._recvq and not b._sendq
    assert select((a.send, 1), b.recv, default=True) == (-1, None)
