"""Chan: rendezvous, buffering, close, iteration, Go's panics, and stress invariants."""

from __future__ import annotations

import collections
import threading
import time

import pytest

from gostd import Chan, Panic, go
from gostd_testutil import TIMEOUT, interrupt_main_when, join, wait_until

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def recv_in_goroutine(ch: Chan, n: int = 1) -> tuple[threading.Thread, list]:
    got: list = []
    t = go(lambda: got.extend(ch.recv_ok() for _ in range(n)))
    return t, got


# --- construction -----------------------------------------------------------

def test_make_and_cap_len() -> None:
    assert Chan().cap == 0
    ch = Chan[int](3)
    assert ch.cap == 3 and len(ch) == 0
    ch.send(1)
    ch.send(2)
    assert len(ch) == 2 and ch.cap == 3


def test_empty_channel_is_still_true() -> None:
    ch: Chan[int] = Chan(3)
    assert len(ch) == 0 and bool(ch)
    assert (ch or None) is ch


def test_negative_cap_panics_like_go() -> None:
    with pytest.raises(Panic, match=r"^makechan: size out of range$"):
        Chan(-1)


@pytest.mark.parametrize("bad", [1.5, "2", None, True])
def test_cap_must_be_int(bad: object) -> None:
    with pytest.raises(TypeError):
        Chan(bad)  # type: ignore[arg-type]


# --- unbuffered ---------------------------------------------------------------

def test_unbuffered_send_blocks_until_received() -> None:
    ch: Chan[str] = Chan()
    sent = threading.Event()
    t = go(lambda: (ch.send("v"), sent.set()))
    assert not sent.wait(0.1), "unbuffered send completed with no receiver"
    assert len(ch) == 0
    assert ch.recv() == "v"
    assert sent.wait(TIMEOUT)
    join(t)


def test_unbuffered_recv_blocks_until_sent() -> None:
    ch: Chan[int] = Chan()
    t, got = recv_in_goroutine(ch)
    time.sleep(0.05)
    assert got == [] and t.is_alive()
    ch.send(42)
    join(t)
    assert got == [(42, True)]


def test_blocked_senders_served_fifo() -> None:
    ch: Chan[int] = Chan()
    threads = []
    for i in range(5):
        threads.append(go(ch.send, i))
        wait_until(lambda: len(ch._sendq) == i + 1)
    assert [ch.recv() for _ in range(5)] == [0, 1, 2, 3, 4]
    join(*threads)


def test_blocked_receivers_served_fifo() -> None:
    ch: Chan[int] = Chan()
    out: Chan[tuple[int, int]] = Chan(5)
    threads = []
    for i in range(5):
        threads.append(go(lambda i=i: out.send((i, ch.recv()))))
        wait_until(lambda: len(ch._recvq) == i + 1)
    for v in range(5):
        ch.send(v * 10)
    join(*threads)
    assert sorted(out.recv() for _ in range(5)) == [(i, i * 10) for i in range(5)]


# --- buffered -----------------------------------------------------------------

def test_buffered_send_blocks_only_when_full() -> None:
    ch: Chan[int] = Chan(2)
    ch.send(1)
    ch.send(2)
    sent = threading.Event()
    t = go(lambda: (ch.send(3), sent.set()))
    assert not sent.wait(0.1), "send on a full buffer did not block"
    assert ch.recv() == 1
    assert sent.wait(TIMEOUT)
    join(t)
    assert [ch.recv(), ch.recv()] == [2, 3]
    assert len(ch) == 0


def test_buffered_fifo_order() -> None:
    ch: Chan[int] = Chan(100)
    for i in range(100):
        ch.send(i)
    assert [ch.recv() for _ in range(100)] == list(range(100))


def test_full_buffer_with_waiting_sender_keeps_order() -> None:
    ch: Chan[int] = Chan(1)
    ch.send(1)
    t = go(ch.send, 2)
    wait_until(lambda: len(ch._sendq) == 1)
    assert ch.recv() == 1       # head of buffer first, the waiting 2 moves in behind
    assert len(ch) == 1
    assert ch.recv() == 2
    join(t)


# --- close --------------------------------------------------------------------

def test_recv_drains_then_reports_closed() -> None:
    ch: Chan[int] = Chan(3)
    ch.send(7)
    ch.send(8)
    ch.close()
    assert ch.recv_ok() == (7, True)
    assert ch.recv() == 8
    assert ch.recv() is None
    assert ch.recv_ok() == (None, False)
    assert ch.recv_ok() == (None, False)


def test_send_on_closed_channel_panics() -> None:
    for cap in (0, 1):
        ch: Chan[int] = Chan(cap)
        ch.close()
        with pytest.raises(Panic) as info:
            ch.send(1)
        assert str(info.value) == "send on closed channel"


def test_close_of_closed_channel_panics() -> None:
    ch: Chan[int] = Chan()
    ch.close()
    with pytest.raises(Panic) as info:
        ch.close()
    assert str(info.value) == "close of closed channel"
    assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("cap", [0, 2])
def test_close_wakes_blocked_senders_with_panic(cap: int) -> None:
    ch: Chan[int] = Chan(cap)
    for i in range(cap):
        ch.send(i)
    errors: list[BaseException] = []

    def sender(v: int) -> None:
        try:
            ch.send(v)
        except Panic as e:
            errors.append(e)

    threads = [go(sender, 100 + i) for i in range(3)]
    wait_until(lambda: len(ch._sendq) == 3)
    ch.close()
    join(*threads)
    assert [str(e) for e in errors] == ["send on closed channel"] * 3
    # The buffered values survive the close; the blocked ones were never delivered.
    assert list(ch) == list(range(cap))


def test_close_wakes_all_blocked_receivers() -> None:
    ch: Chan[int] = Chan()
    pairs = [recv_in_goroutine(ch) for _ in range(4)]
    wait_until(lambda: len(ch._recvq) == 4)
    ch.close()
    join(*(t for t, _ in pairs))
    assert [got for _, got in pairs] == [[(None, False)]] * 4


def test_iteration_ends_when_closed_and_drained() -> None:
    ch: Chan[int] = Chan()

    def produce() -> None:
        for i in range(20):
            ch.send(i)
        ch.close()

    t = go(produce)
    assert list(ch) == list(range(20))
    join(t)


def test_none_is_a_value() -> None:
    ch: Chan[None] = Chan(1)
    ch.send(None)
    assert ch.recv_ok() == (None, True)


# --- stress -------------------------------------------------------------------

@pytest.mark.parametrize("cap", [0, 1, 16])
def test_many_producers_consumers_no_loss_no_duplicates(cap: int) -> None:
    ch: Chan[tuple[int, int]] = Chan(cap)
    producers, consumers, per = 6, 5, 400
    results: list[list] = [[] for _ in range(consumers)]

    def produce(p: int) -> None:
        for i in range(per):
            ch.send((p, i))

    def consume(k: int) -> None:
        results[k].extend(ch)

    cs = [go(consume, k) for k in range(consumers)]
    ps = [go(produce, p) for p in range(producers)]
    join(*ps)
    ch.close()
    join(*cs)
    got = [v for r in results for v in r]
    assert len(got) == producers * per
    assert collections.Counter(got) == collections.Counter(
        (p, i) for p in range(producers) for i in range(per))
    # Per producer, values arrive in send order at each consumer.
    for r in results:
        for p in range(producers):
            seq = [i for q, i in r if q == p]
            assert seq == sorted(seq)


@pytest.mark.parametrize("cap", [0, 3])
def test_close_during_sends_loses_and_invents_nothing(cap: int) -> None:
    # Every send that returned normally is received exactly once; every send
    # that raised is never received.
    for _ in range(5):
        ch: Chan[int] = Chan(cap)
        ok_sent: list[int] = []
        failed: list[int] = []
        received: list[int] = []
        lock = threading.Lock()

        def produce(base: int) -> None:
            for i in range(10**9):   # until the close stops us
                v = base + i
                try:
                    ch.send(v)
                except Panic as e:
                    assert str(e) == "send on closed channel"
                    with lock:
                        failed.append(v)
                    return
                with lock:
                    ok_sent.append(v)

        def consume() -> None:
            received.extend(ch)

        cs = [go(consume) for _ in range(3)]
        ps = [go(produce, k * 100_000) for k in range(4)]
        time.sleep(0.02)
        ch.close()
        join(*ps)
        join(*cs)
        assert len(failed) == 4
        assert sorted(received) == sorted(ok_sent)
        assert not set(failed) & set(received)


def test_rendezvous_ping_pong_no_lost_wakeups() -> None:
    ping: Chan[int] = Chan()
    pong: Chan[int] = Chan()
    n = 3000

    def echo() -> None:
        for v in ping:
            pong.send(v + 1)

    t = go(echo)
    for i in range(n):
        ping.send(i)
        assert pong.recv() == i + 1
    ping.close()
    join(t)


def test_interrupted_recv_leaves_no_dead_waiter() -> None:
    from gostd import select
    ch: Chan[int] = Chan()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: len(ch._recvq) == 1)
        ch.recv()
    join(t)
    assert len(ch._recvq) == 0
    # A later send finds nobody (it must not vanish into the interrupted receiver).
    assert select((ch.send, 1), default=True) == (-1, None)


def test_interrupted_send_leaves_no_dead_waiter() -> None:
    ch: Chan[int] = Chan()
    with pytest.raises(KeyboardInterrupt):
        t = interrupt_main_when(lambda: len(ch._sendq) == 1)
        ch.send(1)
    join(t)
    assert len(ch._sendq) == 0
    ch.close()
    assert ch.recv_ok() == (None, False)
