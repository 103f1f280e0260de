"""The no-hand-off paths: a client thread reading its own reply (the reader
role), the server reader lingering on a sequential client's connection.
Each test checks that the shortcut keeps Go's semantics when it is taken
and when it must be abandoned (concurrency, hang-ups, close, slow calls)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import gostd
import gostd.net.rpc as rpc
from gostd.net.rpc import _server

import rpc_testlib as lib
from rpc_testlib import Args


@pytest.fixture
def gob_server_running() -> Any:
    r = lib.Running(lib.new_arith_server())
    try:
        yield r
    finally:
        r.stop()


class Gate:
    """A service whose calls wait until the test opens the gate: a call
    "still in flight" without depending on how fast the machine is."""

    def __init__(self) -> None:
        self.opened = threading.Event()

    def Wait(self, n: int) -> int:
        self.opened.wait(30)
        return n


def _reader_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "rpc-client-reader"}


def _join_all(threads: list[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
        assert not t.is_alive(), "worker thread hung"


@pytest.mark.parametrize("mode", ["gob", "json", "http"])
def test_sequential_calls_need_no_reader_thread(running: lib.Running, mode: str) -> None:
    before = _reader_threads()  # other tests' readers may still be ending
    with running.dial(mode) as c:
        for i in range(200):
            assert c.call("Arith.Multiply", Args(i, 7), int) == 7 * i
        # The calling thread read every reply itself: no reader was started.
        assert not _reader_threads() - before
        # An asynchronous call has no thread waiting for it: a reader starts.
        call = c.go("Arith.Multiply", Args(6, 7), int)
        assert call.done.recv() is call and call.reply == 42
        started = _reader_threads() - before
        assert len(started) == 1
        for i in range(20):  # and sequential calls go on after it
            assert c.call("Arith.Multiply", Args(i, 3), int) == 3 * i
    # Closing the client ends its reader.
    assert lib.wait_for(lambda: not (started & _reader_threads()))


@pytest.mark.parametrize("mode", ["gob", "json"])
def test_idle_client_sees_hang_up_as_shutdown(mode: str) -> None:
    # Go's reader goroutine notices the server hanging up while the client
    # is idle, so the next call fails with ErrShutdown, not unexpected EOF.
    r = lib.Running(lib.new_arith_server(), mode)
    c = r.dial(mode)
    try:
        for i in range(5):
            assert c.call("Arith.Multiply", Args(i, 2), int) == 2 * i
        r.stop()
        time.sleep(0.2)  # the FIN reaches the client
        with pytest.raises(rpc.ErrShutdown, match="^connection is shut down$"):
            c.call("Arith.Multiply", Args(1, 1), int)
        call = c.go("Arith.Multiply", Args(1, 1), int)
        assert call.wait(5) and isinstance(call.error, rpc.ErrShutdown)
    finally:
        c.close()


def test_reading_caller_completes_everyone_elses_calls(running: lib.Running,
                                                       mode: str) -> None:
    # A thread blocked in call() may hold the reader role for a long time;
    # replies for every other call (sync, async, with timeouts) must still
    # be delivered at once, and nothing may be left unread when it leaves.
    with running.dial(mode) as c:
        gate = Gate()
        running.server.register(gate)
        slow: list[Any] = []
        t = threading.Thread(target=lambda: slow.append(c.call("Gate.Wait", 1000, int)))
        t.start()
        time.sleep(0.05)  # the slow caller now reads, waiting for its reply
        calls = [c.go("Arith.Multiply", Args(i, 2), int) for i in range(50)]
        for i, call in enumerate(calls):
            assert call.result(5) == 2 * i
        for i in range(20):
            assert c.call("Arith.Multiply", Args(i, 4), int, timeout=5) == 4 * i
            assert c.call("Arith.Multiply", Args(i, 5), int) == 5 * i
        assert slow == [] and t.is_alive(), "fast calls waited for the slow one"
        gate.opened.set()
        _join_all([t], 5)
        assert slow == [1000]
        # Async calls after the reading caller left still get their replies.
        late = [c.go("Arith.Multiply", Args(i, 9), int) for i in range(30)]
        for i, call in enumerate(late):
            assert call.result(5) == 9 * i


def test_sync_callers_without_timeouts_contend_for_reading(running: lib.Running,
                                                           mode: str) -> None:
    errors: list[Any] = []
    with running.dial(mode) as c:
        def worker(g: int) -> None:
            try:
                for i in range(60):
                    if i % 10 == 0:
                        got = c.go("Arith.Multiply", Args(g, i), int).result(10)
                    else:
                        got = c.call("Arith.Multiply", Args(g, i), int)
                    if got != g * i:
                        errors.append((g, i, got))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(g,)) for g in range(10)]
        for t in threads:
            t.start()
        _join_all(threads, 60)
    assert errors == []


def test_close_while_a_caller_reads_fails_it_with_shutdown(gob_server_running:
                                                           lib.Running) -> None:
    c = gob_server_running.dial()
    gate = Gate()
    gob_server_running.server.register(gate)
    outcome: list[Any] = []

    def slow() -> None:
        try:
            outcome.append(c.call("Gate.Wait", 800, int))
        except Exception as exc:
            outcome.append(exc)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)  # it holds the reader role, blocked in the read
    try:
        c.close()
        _join_all([t], 5)     # woken by close: the reply never comes before the gate opens
    finally:
        gate.opened.set()
    assert len(outcome) == 1 and isinstance(outcome[0], rpc.ErrShutdown), outcome
    with pytest.raises(rpc.ErrShutdown):
        c.call("Arith.Multiply", Args(1, 1), int)


def test_lingering_reader_still_lets_slow_and_fast_calls_overlap(running: lib.Running,
                                                                 mode: str) -> None:
    with running.dial(mode) as c:
        for i in range(100):  # a sequential client: the server reader lingers
            assert c.call("Arith.Multiply", Args(i, 2), int) == 2 * i
        done = gostd.Chan(2)
        slow = c.go("Types.Sleep", 400, int, done)
        fast = c.go("Arith.Multiply", Args(2, 3), int, done)
        first = done.recv()
        assert first is fast and fast.reply == 6
        assert done.recv() is slow and slow.reply == 400
        for i in range(10):  # and the connection is still served sequentially
            assert c.call("Arith.Multiply", Args(i, 3), int) == 3 * i


def test_close_is_prompt_while_sequential_clients_run(mode: str) -> None:
    r = lib.Running(lib.new_arith_server(), mode)
    stop = threading.Event()
    failures: list[Any] = []

    def client() -> None:
        try:
            with r.dial(mode) as c:
                i = 0
                while not stop.is_set():
                    c.call("Arith.Multiply", Args(i, 2), int)
                    i += 1
        except (rpc.ErrShutdown, rpc.RPCError, OSError):
            pass  # the server went away, as expected
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.2)
        # The clients keep calling until close returns: a close that waited
        # for lingering readers to stop on their own would never return.
        closer = threading.Thread(target=r.server.close, kwargs={"timeout": None})
        closer.start()
        _join_all([closer], 10)
        assert r.server.num_connections == 0
    finally:
        stop.set()
        _join_all(threads, 10)
        r.listener.close()
        r.thread.join(5)
    assert failures == []


def test_many_sequential_connections_linger_within_the_cap() -> None:
    r = lib.Running(lib.new_arith_server())
    clients = [r.dial() for _ in range(120)]
    seen: list[int] = []
    errors: list[Any] = []
    try:
        base = threading.active_count()

        def worker(part: list[rpc.Client], g: int) -> None:
            try:
                for i in range(8):
                    for c in part:
                        if c.call("Arith.Multiply", Args(g, i), int, ) != g * i:
                            errors.append((g, i))
                        seen.append(r.server._lingering)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(clients[g::12], g))
                   for g in range(12)]
        for t in threads:
            t.start()
        _join_all(threads, 60)
        assert errors == []
        assert max(seen) <= _server.MAX_LINGERING
        # Once the clients are quiet, lingering ends within LINGER.
        assert lib.wait_for(lambda: r.server._lingering == 0, 2)
        server_threads = threading.active_count() - base
        assert server_threads < 64, f"{server_threads} server threads for 120 connections"
    finally:
        for c in clients:
            c.close()
        r.stop()


def test_large_requests_and_replies_from_many_threads_do_not_deadlock() -> None:
    # Writers block when the server stops reading because our replies are
    # not being drained; a thread must never hold the reader role while it
    # sends, or this stalls for good.
    r = lib.Running(lib.new_arith_server())
    errors: list[Any] = []
    try:
        with r.dial() as c:
            def worker(g: int) -> None:
                try:
                    payload = bytes([g]) * (384 << 10) + bytes(range(256))
                    want = payload[::-1]
                    for i in range(6):
                        calls = [c.go("Types.Reverse", payload, bytes) for _ in range(3)]
                        if c.call("Types.Reverse", payload, bytes) != want:
                            errors.append((g, i, "sync"))
                        for call in calls:
                            if call.result(30) != want:
                                errors.append((g, i, "async"))
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=worker, args=(g,)) for g in range(6)]
            for t in threads:
                t.start()
            _join_all(threads, 90)
    finally:
        r.stop()
    assert errors == []


def test_unasked_partial_bytes_never_block_a_call_with_timeout() -> None:
    # Bytes the server sends while the client is idle are left for the
    # reader thread: a call with a timeout still times out on time.
    import socket

    listener = rpc.listen("tcp", "127.0.0.1:0")
    address = "127.0.0.1:%d" % listener.getsockname()[1]
    accepted: list[socket.socket] = []
    t = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    t.start()
    c = rpc.dial("tcp", address)
    try:
        _join_all([t], 5)
        accepted[0].sendall(b"\x20\xff")  # the start of a 32-byte message, never finished
        time.sleep(0.1)
        outcome: list[Any] = []

        def call() -> None:
            try:
                outcome.append(c.call("Arith.Multiply", Args(1, 1), int, timeout=0.3))
            except Exception as exc:
                outcome.append(exc)

        caller = threading.Thread(target=call)
        caller.start()
        _join_all([caller], 10)   # the message never completes: only the timeout ends it
        assert len(outcome) == 1 and isinstance(outcome[0], rpc.CallTimeout), outcome
    finally:
        c.close()
        for s in accepted:
            s.close()
        listener.close()


def test_interrupt_while_reading_own_reply_propagates_and_shuts_down(
        gob_server_running: lib.Running) -> None:
    from gostd.net.rpc._gobcodec import GobClientCodec
    from gostd.net.rpc._net import dial

    class Interrupting(GobClientCodec):
        armed = False

        def read_response_header(self) -> Any:
            if self.armed:
                raise KeyboardInterrupt
            return super().read_response_header()

    codec = Interrupting(dial("tcp", gob_server_running.address))
    c = rpc.Client(codec)
    try:
        assert c.call("Arith.Multiply", Args(2, 2), int) == 4
        codec.armed = True
        with pytest.raises(KeyboardInterrupt):
            c.call("Arith.Multiply", Args(3, 3), int)  # this thread was reading
        # The stream may be mid-reply: the client is shut down, not desynced.
        with pytest.raises(rpc.ErrShutdown):
            c.call("Arith.Multiply", Args(1, 1), int)
    finally:
        c.close()
