"""Client semantics: Go's Call/Go, done channels in select, timeouts,
shutdown propagation, write failures, thread safety."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

import gostd
import gostd.net.rpc as rpc
from gostd import time as gotime

import rpc_testlib as lib
from rpc_testlib import Args, Quotient


@pytest.fixture
def gob_server():
    r = lib.Running(lib.new_arith_server())
    yield r
    r.stop()


def test_article_async_example_with_ticker(running: lib.Running, mode: str) -> None:
    """Two Go() calls and a 1 ms ticker in one select, printing "tick"."""
    with running.dial(mode) as client:
        args = Args(7, 8)
        multiply = client.go("Arith.Multiply", args, int)
        divide = client.go("Arith.Divide", Args(15, 6), Quotient)
        slow = client.go("Types.Sleep", 30, int)
        ticker = gotime.new_ticker(gotime.Millisecond)
        results: dict[str, Any] = {}
        ticks = 0
        try:
            while len(results) < 3:
                i, value = gostd.select(multiply.done.recv, divide.done.recv,
                                        slow.done.recv, ticker.c.recv)
                if i == 3:
                    ticks += 1  # "tick"
                    continue
                call = value
                assert call.error is None
                results[call.service_method] = call.reply
        finally:
            ticker.stop()
    assert results == {"Arith.Multiply": 56, "Arith.Divide": Quotient(2, 3), "Types.Sleep": 30}
    assert ticks >= 5  # ticked while the 30 ms call was running


def test_go_default_done_channel_and_unbuffered_panics(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        call = c.go("Arith.Multiply", Args(2, 21))
        assert call.done.cap == 10
        assert call.done.recv() is call and call.reply == 42
        assert (call.service_method, call.args) == ("Arith.Multiply", Args(2, 21))
        with pytest.raises(gostd.Panic, match="^rpc: done channel is unbuffered$"):
            c.go("Arith.Multiply", Args(1, 1), int, gostd.Chan())
        # A shared done channel receives every call once.
        done = gostd.Chan(5)
        calls = [c.go("Arith.Multiply", Args(i, i), int, done) for i in range(5)]
        got = {id(done.recv()) for _ in range(5)}
        assert got == {id(x) for x in calls}


def test_full_done_channel_drops_like_go(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        done = gostd.Chan(1)
        calls = [c.go("Arith.Multiply", Args(i, 1), int, done) for i in range(4)]
        for call in calls:
            assert call.result(5) == call.args.A  # every call still completes
        assert len(done) == 1  # only one fitted; the rest were dropped, as in Go


def test_closed_done_channel_drops_and_other_calls_finish(gob_server: lib.Running) -> None:
    # Go's reader goroutine would panic sending on a closed channel; here the
    # completion is dropped and the connection goes on.
    with gob_server.dial() as c:
        done = gostd.Chan(1)
        done.close()
        call = c.go("Arith.Multiply", Args(6, 7), int, done)
        assert call.result(5) == 42
        assert done.recv_ok() == (None, False)
        assert c.call("Arith.Multiply", Args(2, 3), int) == 6


def test_done_channel_hands_the_call_to_a_waiting_receiver(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        done = gostd.Chan(1)
        got: list = []
        t = threading.Thread(target=lambda: got.append(done.recv()))
        t.start()
        time.sleep(0.02)  # let the receiver block first
        call = c.go("Types.Sleep", 20, int, done)
        t.join(5)
        assert not t.is_alive()
        assert got == [call] and call.error is None
        assert len(done) == 0


def test_call_timeout_fails_only_that_call(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        with pytest.raises(rpc.CallTimeout) as info:   # not the reply, 300
            c.call("Types.Sleep", 300, int, timeout=0.05)
        assert isinstance(info.value, TimeoutError)
        # The connection is fine and the late reply is discarded, not misrouted.
        assert c.call("Arith.Multiply", Args(3, 3), int, timeout=5) == 9
        time.sleep(0.35)
        for i in range(5):
            assert c.call("Arith.Multiply", Args(i, 2), int, timeout=5) == 2 * i


def test_close_semantics(gob_server: lib.Running) -> None:
    c = gob_server.dial()
    pending = c.go("Types.Sleep", 500, int)
    c.close()
    assert pending.wait(5)
    assert isinstance(pending.error, rpc.ErrShutdown)
    assert str(pending.error) == "connection is shut down"
    with pytest.raises(rpc.ErrShutdown, match="^connection is shut down$"):
        c.call("Arith.Multiply", Args(1, 1))
    call = c.go("Arith.Multiply", Args(1, 1))
    assert isinstance(call.done.recv().error, rpc.ErrShutdown)
    with pytest.raises(rpc.ErrShutdown):
        c.close()  # a second close reports ErrShutdown, as Go returns it
    with gob_server.dial() as c2:  # context manager closes once, quietly
        assert c2.call("Arith.Multiply", Args(2, 2)) == 4


def test_server_going_away_fails_pending_with_unexpected_eof() -> None:
    listener = rpc.listen("tcp", "127.0.0.1:0")
    address = "127.0.0.1:%d" % listener.getsockname()[1]
    accepted: list[socket.socket] = []
    t = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    t.start()
    c = rpc.dial("tcp", address)
    t.join(5)
    calls = [c.go("Arith.Multiply", Args(1, i)) for i in range(3)]
    server_side = accepted[0]
    server_side.settimeout(0.2)
    try:
        while server_side.recv(65536):  # read the requests (so close sends FIN, not RST)
            pass
    except socket.timeout:
        pass
    server_side.close()  # the "server" hangs up without answering
    for call in calls:
        assert call.wait(5)
        assert isinstance(call.error, rpc.RPCError) and str(call.error) == "unexpected EOF"
    with pytest.raises(rpc.ErrShutdown):
        c.call("Arith.Multiply", Args(1, 1))
    c.close()
    listener.close()


class FailingWrites:
    """A connection whose writes fail (Go's client_test writeCrasher)."""

    def __init__(self) -> None:
        self.closed = threading.Event()

    def read(self, n: int) -> bytes:
        self.closed.wait(5)
        return b""

    def write(self, b: bytes) -> int:
        raise OSError("fake write failure")

    def close(self) -> None:
        self.closed.set()


def test_write_failure_is_that_calls_error_and_no_deadlock() -> None:
    c = rpc.new_client(FailingWrites())
    for _ in range(2):
        with pytest.raises(OSError, match="^fake write failure$"):
            c.call("Arith.Multiply", Args(1, 1), timeout=5)
    c.close()


class ClosingCodec:
    """A ClientCodec whose reader fails at once; close must still reach it."""

    def __init__(self) -> None:
        self.closed = False

    def write_request(self, request: rpc.Request, body: Any) -> None:
        pass

    def read_response_header(self) -> rpc.Response:
        raise rpc.RPCError("boom")

    def read_response_body(self, reply_type: Any = None, *, discard: bool = False) -> Any:
        return None

    def close(self) -> None:
        self.closed = True


def test_close_closes_codec_after_reader_failed() -> None:
    codec = ClosingCodec()
    c = rpc.new_client_with_codec(codec)
    call = c.go("X.Y", 1)
    assert call.wait(5)
    assert str(call.error) in ("boom", "connection is shut down")
    c.close()
    assert codec.closed


def test_client_is_thread_safe_under_contention(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        errors: list[Any] = []
        barrier = threading.Barrier(8)

        def worker(g: int) -> None:
            barrier.wait(5)
            for i in range(50):
                if i % 3 == 0:
                    call = c.go("Arith.Multiply", Args(g, i), int)
                    if call.result(10) != g * i:
                        errors.append((g, i))
                else:
                    try:
                        if c.call("Arith.Divide", Args(g * 100 + i, 7), Quotient, timeout=10) \
                                != Quotient(*divmod(g * 100 + i, 7)):
                            errors.append((g, i))
                    except Exception as exc:  # pragma: no cover
                        errors.append(exc)

        threads = [threading.Thread(target=worker, args=(g,)) for g in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
            assert not t.is_alive()
        assert errors == []


def test_plain_reply_without_type(gob_server: lib.Running) -> None:
    with gob_server.dial() as c:
        assert c.call("Arith.Divide", Args(15, 6)) == {"Quo": 2, "Rem": 3}
        assert c.call("Types.Keys", {"b": 1, "a": 2}) == ["a", "b"]
        assert c.call("Types.Reverse", b"abc") == b"cba"


def test_large_payloads_round_trip(running: lib.Running, mode: str) -> None:
    blob = bytes(range(256)) * 4096  # 1 MiB
    with running.dial(mode) as c:
        assert c.call("Types.Reverse", blob, bytes, timeout=30) == blob[::-1]
        words = [f"w{i}" for i in range(20000)]
        assert c.call("Types.Keys", {w: 1 for w in words}, list[str], timeout=30) == sorted(words)


def test_client_on_a_plain_connection_and_serve_conn() -> None:
    s = lib.new_arith_server()
    a, b = socket.socketpair()
    t = threading.Thread(target=s.serve_conn, args=(b,), daemon=True)
    t.start()
    c = rpc.Client(a)  # a connection gets the gob codec, as Go's NewClient
    assert c.call("Arith.Multiply", Args(3, 4), int, timeout=5) == 12
    c.close()
    t.join(5)
    assert not t.is_alive(), "serve_conn must return once the client hung up"
