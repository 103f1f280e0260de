"""Server semantics: registration, concurrency, failures isolated per
connection, many connections, graceful close."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

import gostd
import gostd.net.rpc as rpc
from gostd.encoding import gob
from gostd.net.rpc._gobcodec import _WireRequest

import rpc_testlib as lib
from rpc_testlib import Args, Quotient


# -- registration --------------------------------------------------------------


class NoMethods:
    def lower(self, x: int) -> int:
        return x

    def TwoArgs(self, a: int, b: int) -> int:
        return a + b


class lowercase:
    def Method(self, x: int) -> int:
        return x


class Mixed:
    def Good(self, x: int) -> int:
        return x + 1

    def Bad(self) -> int:
        return 0

    def Defaults(self, x: int, y: int = 2) -> int:
        return x * y

    Attr = 5


def test_registration_errors_use_go_texts() -> None:
    s = rpc.Server()
    with pytest.raises(rpc.RegistrationError) as info:
        s.register(NoMethods())
    assert str(info.value) == \
        "rpc.Register: type NoMethods has no exported methods of suitable type"
    with pytest.raises(rpc.RegistrationError) as info:
        s.register(lowercase())
    assert str(info.value) == "rpc.Register: type lowercase is not exported"
    s.register_name("lowercase", lowercase())  # a given name may be anything
    with pytest.raises(rpc.RegistrationError) as info:
        s.register(lib.Arith)  # the class, not an instance
    assert str(info.value) == ("rpc.Register: type Arith has no exported methods of "
                               "suitable type (hint: pass a pointer to value of that type)")
    s.register(lib.Arith())
    with pytest.raises(rpc.RegistrationError) as info:
        s.register(lib.Arith())
    assert str(info.value) == "rpc: service already defined: Arith"
    with pytest.raises(rpc.RegistrationError, match="^rpc: service already defined: Arith$"):
        s.register_name("Arith", Mixed())
    assert isinstance(info.value, ValueError) and isinstance(info.value, rpc.RPCError)


def test_method_discovery_rule() -> None:
    s = rpc.Server()
    s.register(Mixed())
    svc = {x.name: x for x in s.services()}["Mixed"]
    assert sorted(svc.methods) == ["Defaults", "Good"]
    r = lib.Running(s)
    try:
        with r.dial() as c:
            assert c.call("Mixed.Good", 41) == 42
            assert c.call("Mixed.Defaults", 5) == 10
            with pytest.raises(rpc.ServerError, match="^rpc: can't find method Mixed.Bad$"):
                c.call("Mixed.Bad", 1)
            with pytest.raises(rpc.ServerError, match="^rpc: can't find method Mixed.Attr$"):
                c.call("Mixed.Attr", 1)
    finally:
        r.stop()


def test_dotted_service_name_splits_at_last_dot(running: lib.Running, mode: str) -> None:
    running.server.register_name("net.rpc.Arith", lib.Arith())
    with running.dial(mode) as c:
        assert c.call("net.rpc.Arith.Multiply", Args(3, 4), int) == 12
        with pytest.raises(rpc.ServerError, match="^rpc: can't find service net.rpc.Nope.X$"):
            c.call("net.rpc.Nope.X", Args())


def test_independent_servers() -> None:
    a, b = rpc.Server(), rpc.Server()
    a.register(lib.Arith())
    b.register_name("newServer.Arith", lib.Arith())
    ra, rb = lib.Running(a), lib.Running(b)
    try:
        with ra.dial() as ca, rb.dial() as cb:
            assert ca.call("Arith.Multiply", Args(2, 2)) == 4
            assert cb.call("newServer.Arith.Multiply", Args(2, 3)) == 6
            with pytest.raises(rpc.ServerError, match="can't find service"):
                cb.call("Arith.Multiply", Args(2, 3))
    finally:
        ra.stop()
        rb.stop()


# -- calls -----------------------------------------------------------------------


def test_errors_keep_connection_usable(running: lib.Running, mode: str) -> None:
    with running.dial(mode) as c:
        for _ in range(3):
            with pytest.raises(rpc.ServerError, match="^divide by 0$"):
                c.call("Arith.Divide", Args(1, 0), Quotient)
            with pytest.raises(rpc.ServerError, match="^rpc: can't find method Arith.Nope$"):
                c.call("Arith.Nope", Args(1, 0))
            with pytest.raises(rpc.ServerError, match="^rpc: can't find service Nope.X$"):
                c.call("Nope.X", Args(1, 0))
            with pytest.raises(rpc.ServerError,
                               match="^rpc: service/method request ill-formed: NoDot$"):
                c.call("NoDot", Args(1, 0))
            with pytest.raises(rpc.ServerError, match="^failed: x$"):
                c.call("Types.Fail", "x")
            assert c.call("Arith.Multiply", Args(7, 8), int) == 56


def test_wrong_argument_type_is_reported_and_stream_stays_in_sync() -> None:
    r = lib.Running(lib.new_arith_server())
    try:
        with r.dial() as c:
            with pytest.raises(rpc.ServerError) as info:
                c.call("Arith.Multiply", Quotient(1, 2))
            assert str(info.value) == \
                "gob: type mismatch: no fields matched compiling decoder for Args"
            assert c.call("Arith.Multiply", Args(7, 8)) == 56
    finally:
        r.stop()


def test_slow_call_does_not_hold_up_fast_one(running: lib.Running, mode: str) -> None:
    with running.dial(mode) as c:
        done = gostd.Chan(2)
        slow = c.go("Types.Sleep", 400, int, done)
        fast = c.go("Arith.Multiply", Args(2, 3), int, done)
        first = done.recv()
        assert first is fast and fast.reply == 6 and fast.error is None
        assert done.recv() is slow and slow.reply == 400


def test_concurrent_callers_on_one_client(running: lib.Running, mode: str) -> None:
    errors: list[Any] = []
    with running.dial(mode) as c:
        def worker(g: int) -> None:
            try:
                for i in range(40):
                    if c.call("Arith.Multiply", Args(g, i), int, timeout=10) != g * i:
                        errors.append((g, i))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(g,)) for g in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
            assert not t.is_alive()
    assert errors == []


def test_pipelined_go_calls_all_matched(running: lib.Running, mode: str) -> None:
    with running.dial(mode) as c:
        calls = [c.go("Arith.Multiply", Args(i, 3), int) for i in range(300)]
        for i, call in enumerate(calls):
            got = call.done.recv()
            assert got is call and call.error is None and call.reply == 3 * i


# -- failures stay on their own connection -------------------------------------------


def _gob_request(seq: int, method: str, body: Any) -> bytes:
    out = bytearray()

    class W:
        write = out.extend

    enc = gob.Encoder(W())
    enc.encode(_WireRequest(method, seq))
    enc.encode(body)
    return bytes(out)


def test_malformed_stream_closes_only_that_connection(running: lib.Running, mode: str) -> None:
    with running.dial(mode) as good:
        slow = good.go("Types.Sleep", 300, int)
        host, port = running.address.rsplit(":", 1)
        bad = socket.create_connection((host, int(port)), timeout=5)
        if mode == "http":
            bad.sendall(b"CONNECT /_goRPC_ HTTP/1.0\n\n")
            assert bad.recv(64) == b"HTTP/1.0 200 Connected to Go RPC\n\n"
        bad.sendall(b"\x05\xff\xff\xff\xff\xff" if mode != "json" else b"{{{]]]")
        assert bad.recv(100) == b""  # the server hung up on it, without a reply
        bad.close()
        assert good.call("Arith.Multiply", Args(4, 5), int) == 20
        assert slow.result(5) == 300


def test_client_vanishing_mid_call_loses_nobody_elses_reply(running: lib.Running,
                                                             mode: str) -> None:
    others = [running.dial(mode) for _ in range(4)]
    try:
        leaving = running.dial(mode)
        pending = [leaving.go("Types.Sleep", 150, int) for _ in range(5)]
        inflight = [c.go("Types.Sleep", 200, int) for c in others]
        leaving.close()  # its replies will find the connection gone
        for call in pending:
            assert call.wait(5)
            assert isinstance(call.error, rpc.ErrShutdown)
        for call in inflight:
            assert call.result(5) == 200
        for c in others:
            assert c.call("Arith.Multiply", Args(6, 7), int) == 42
    finally:
        for c in others:
            c.close()


def test_half_close_still_gets_reply() -> None:
    r = lib.Running(lib.new_arith_server())
    try:
        host, port = r.address.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(_gob_request(0, "Types.Sleep", 100))
        sock.shutdown(socket.SHUT_WR)
        f = sock.makefile("rb")
        d = gob.Decoder(f)
        header = d.decode()
        assert header["Seq"] == 0 and header["Error"] == ""
        assert d.decode() == 100
        with pytest.raises(EOFError):
            d.decode()  # then the server closes
        f.close()
        sock.close()
    finally:
        r.stop()


class Unencodable:
    def Recv(self, x: int) -> Any:
        return object()


def test_unencodable_reply_closes_connection_like_go() -> None:
    s = rpc.Server()
    s.register(Unencodable())
    r = lib.Running(s)
    try:
        c = r.dial()
        with pytest.raises(rpc.RPCError) as info:
            c.call("Unencodable.Recv", 1, timeout=5)
        # Nothing follows the header: Go's client says "reading body EOF"
        # (see test_reply_encode_error.py for a body cut after its definition).
        assert str(info.value) == "reading body EOF"
        # The server hung up: the next call fails too, with ErrShutdown if the
        # reader saw the end first, else (pending when it did) unexpected EOF.
        with pytest.raises(rpc.RPCError) as info:
            c.call("Unencodable.Recv", 1, timeout=5)
        assert isinstance(info.value, rpc.ErrShutdown) or str(info.value) == "unexpected EOF"
        c.close()
    finally:
        r.stop()


# -- scale and shutdown ------------------------------------------------------------


def test_hundreds_of_idle_connections_hold_no_thread_each() -> None:
    r = lib.Running(lib.new_arith_server())
    clients: list[rpc.Client] = []
    try:
        base = threading.active_count()
        for i in range(320):
            clients.append(r.dial())
        # Every connection is used once, then all sit idle.
        calls = [c.go("Arith.Multiply", Args(i, 2), int) for i, c in enumerate(clients)]
        for i, call in enumerate(calls):
            assert call.result(20) == 2 * i
        assert lib.wait_for(lambda: r.server.num_connections == 320)
        server_threads = threading.active_count() - base - len(clients)  # one reader each
        assert server_threads < 64, f"{server_threads} server threads for 320 idle connections"
        for i, c in enumerate(clients[::16]):
            assert c.call("Arith.Multiply", Args(i, 5), int, timeout=10) == 5 * i
    finally:
        for c in clients:
            c.close()
        r.stop()


def test_graceful_close_finishes_in_flight_calls(mode: str) -> None:
    r = lib.Running(lib.new_arith_server(), mode)
    c = r.dial(mode)
    slow = [c.go("Types.Sleep", 300, int) for _ in range(3)]
    time.sleep(0.1)  # the calls are running
    start = time.monotonic()
    r.server.close(timeout=5)
    assert time.monotonic() - start >= 0.1  # it waited for them
    for call in slow:
        assert call.result(5) == 300
    with pytest.raises((rpc.ErrShutdown, rpc.RPCError, OSError)):
        c.call("Arith.Multiply", Args(1, 1), int, timeout=5)
    c.close()
    r.listener.close()
    r.thread.join(5)
    assert not r.thread.is_alive()
    assert r.server.num_connections == 0


def test_accept_returns_when_listener_closed() -> None:
    s = lib.new_arith_server()
    listener = rpc.listen("tcp", "127.0.0.1:0")
    t = threading.Thread(target=s.accept, args=(listener,), daemon=True)
    t.start()
    listener.close()
    t.join(5)
    assert not t.is_alive()
    s.close()


# -- codecs ------------------------------------------------------------------------------


class MemCodec:
    """A ServerCodec over a list of requests, recording responses."""

    def __init__(self, requests: list[tuple[str, Any]], fail_body: bool = False) -> None:
        self.requests = list(requests)
        self.seq = 0
        self.body: Any = None
        self.fail_body = fail_body
        self.responses: list[tuple[Any, Any]] = []
        self.closed = False

    def read_request_header(self) -> rpc.Request:
        if not self.requests:
            raise EOFError("EOF")
        sm, self.body = self.requests.pop(0)
        self.seq += 1
        return rpc.Request(sm, self.seq)

    def read_request_body(self, arg_type: Any = None, *, discard: bool = False) -> Any:
        if self.fail_body and not discard:
            raise ValueError("no body here")
        return self.body

    def write_response(self, response: rpc.Response, body: Any, body_type: Any = None) -> None:
        self.responses.append((response, body))

    def close(self) -> None:
        self.closed = True


def test_serve_request_serves_exactly_one() -> None:
    s = lib.new_arith_server()
    codec = MemCodec([("Arith.Multiply", Args(7, 8)), ("Arith.Divide", Args(1, 0))])
    s.serve_request(codec)
    assert len(codec.responses) == 1
    resp, body = codec.responses[0]
    assert (resp.service_method, resp.seq, resp.error, body) == ("Arith.Multiply", 1, "", 56)
    s.serve_request(codec)  # a method error is a reply, not a failure
    assert codec.responses[1][0].error == "divide by 0"
    with pytest.raises(EOFError):
        s.serve_request(codec)
    bad = MemCodec([("Arith.Multiply", None)], fail_body=True)
    with pytest.raises(rpc.RPCError, match="no body here"):
        s.serve_request(bad)
    assert bad.responses[0][0].error == "no body here"


def test_serve_codec_answers_all_then_closes() -> None:
    s = lib.new_arith_server()
    codec = MemCodec([("Arith.Multiply", Args(i, i)) for i in range(50)])
    s.serve_codec(codec)
    assert codec.closed
    assert sorted(body for _, body in codec.responses) == sorted(i * i for i in range(50))
    assert isinstance(codec, rpc.ServerCodec)


def test_debug_counts_calls() -> None:
    s = lib.new_arith_server()
    codec = MemCodec([("Arith.Multiply", Args(1, 1))] * 3 + [("math.Divide", Args(4, 2))])
    s.serve_codec(codec)
    counts = {(svc.name, m.name): m.num_calls for svc in s.services()
              for m in svc.methods.values()}
    assert counts[("Arith", "Multiply")] == 3
    # As in Go, each registration counts on its own.
    assert counts[("math", "Divide")] == 1 and counts[("Arith", "Divide")] == 0


def test_idle_http_and_connected_sockets_hold_no_thread() -> None:
    r = lib.Running(lib.new_arith_server(), "http")
    socks: list[socket.socket] = []
    try:
        base = threading.active_count()
        host, port = r.address.rsplit(":", 1)
        for i in range(150):  # silent HTTP connections: no request head yet
            socks.append(socket.create_connection((host, int(port)), timeout=5))
        for i in range(150):  # connected RPC sessions, idle after the handshake
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(b"CONNECT /_goRPC_ HTTP/1.0\n\n")
            assert s.recv(64) == b"HTTP/1.0 200 Connected to Go RPC\n\n"
            socks.append(s)
        time.sleep(0.3)
        grown = threading.active_count() - base
        assert grown < 40, f"{grown} threads for 300 idle connections"
        with r.dial("http") as c:
            assert c.call("Arith.Multiply", Args(9, 9), int, timeout=10) == 81
    finally:
        for s in socks:
            s.close()
        r.stop()


def test_mixed_pipelined_load_from_many_clients(running: lib.Running, mode: str) -> None:
    """Bursts of fast, slow and failing calls on 10 connections at once:
    every call completes with its own result (checks the inline-call and
    corked-reply machinery against misrouted, lost or stuck replies)."""
    import random

    errors: list[Any] = []

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        with running.dial(mode) as c:
            for _ in range(20):
                calls = []
                for _ in range(rnd.randint(1, 30)):
                    x = rnd.random()
                    if x < 0.05:
                        calls.append(("sleep", c.go("Types.Sleep", rnd.randint(1, 6), int)))
                    elif x < 0.15:
                        calls.append(("err", c.go("Arith.Divide", Args(1, 0))))
                    else:
                        a = rnd.randint(-1000, 1000)
                        calls.append((a, c.go("Arith.Multiply", Args(a, 3), int)))
                for tag, call in calls:
                    if not call.wait(20):
                        errors.append(("stuck", tag))
                        return
                    if tag == "err":
                        if str(call.error) != "divide by 0":
                            errors.append(call.error)
                    elif tag == "sleep":
                        if call.error is not None:
                            errors.append(call.error)
                    elif call.error is not None or call.reply != tag * 3:
                        errors.append((tag, call.reply, call.error))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert errors == []


# -- Go's server_test.go fixtures not covered above ---------------------------------


class _embed:
    """Go's unexported embedded type whose exported method is promoted."""

    def Exported(self, args: Args) -> int:
        return args.A + args.B


class Embed(_embed):
    pass


class BuiltinTypes:
    """Go's BuiltinTypes: map, slice and array replies."""

    def Map(self, args: Args) -> dict[int, int]:
        return {args.A: args.B}

    def Slice(self, args: Args) -> list[int]:
        return [args.A, args.B]

    def Array(self, args: Args) -> tuple[int, int]:
        return (args.A, args.B)


def test_promoted_method_and_builtin_reply_types(mode: str) -> None:
    """Go's TestRPC 'Embed.Exported' and BuiltinTypes Map/Slice/Array, over
    gob, HTTP and JSON-RPC."""
    s = rpc.Server()
    s.register(Embed())
    s.register(BuiltinTypes())
    r = lib.Running(s, mode)
    try:
        with r.dial(mode) as c:
            assert c.call("Embed.Exported", Args(4, 5), int) == 9
            assert c.call("BuiltinTypes.Map", Args(7, 8), dict[int, int]) == {7: 8}
            assert c.call("BuiltinTypes.Slice", Args(7, 8), list[int]) == [7, 8]
            assert c.call("BuiltinTypes.Array", Args(7, 8), tuple[int, int]) == (7, 8)
    finally:
        r.stop()
