"""net/rpc over HTTP: CONNECT handshake, 405/404 and /debug/rpc as Go writes them."""

from __future__ import annotations

import re
import socket

import pytest

import gostd.net.rpc as rpc

import rpc_testlib as lib
from rpc_testlib import Args, Quotient


@pytest.fixture
def http_server():
    s = rpc.Server()
    s.register(lib.Arith())
    s.register_name("net.rpc.Arith", lib.Arith())
    r = lib.Running(s, "http")
    yield r
    r.stop()


def _raw(address: str, request: bytes) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        out = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            out += chunk


def _no_date(response: str) -> str:
    return re.sub(r"Date: [^\r]*\r\n", "", response)


def test_connect_handshake_bytes(http_server) -> None:
    v = lib.load_vectors("netrpc_http.json")
    host, port = http_server.address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(v["connect_request_text"].encode())
        want = v["connect_response_text"].encode()
        got = b""
        while len(got) < len(want):
            got += sock.recv(len(want) - len(got))
        assert got == want == b"HTTP/1.0 200 Connected to Go RPC\n\n"
        # Then Go's recorded gob requests get Go's recorded gob replies.
        sock.sendall(bytes.fromhex(v["connect_request_then_gob_hex"]))
        want = bytes.fromhex(v["connect_response_then_gob_hex"])
        got = b""
        while len(got) < len(want):
            chunk = sock.recv(65536)
            assert chunk, "connection closed early"
            got += chunk
    # Calls run concurrently, so replies may come in another order than Go's
    # (and type ids follow that order); the decoded replies must be Go's.
    assert len(got) == len(want)
    assert sorted(map(repr, _replies(got))) == sorted(map(repr, _replies(want)))


def _replies(stream: bytes) -> list[tuple]:
    import io

    from gostd.encoding import gob

    d = gob.Decoder(io.BytesIO(stream))
    out = []
    while True:
        try:
            header = d.decode()
        except EOFError:
            return out
        out.append((header.get("Seq"), header.get("Error"), d.decode()))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rpc_path_needs_connect(http_server, method: str) -> None:
    v = lib.load_vectors("netrpc_http.json")
    got = _raw(http_server.address, f"{method} /_goRPC_ HTTP/1.0\r\n\r\n".encode()).decode()
    assert _no_date(got) == _no_date(v[f"{method.lower()}_rpc_path_response"])
    assert got.endswith("\r\n\r\n405 must CONNECT\n")


def test_unknown_path_is_404(http_server) -> None:
    v = lib.load_vectors("netrpc_http.json")
    got = _raw(http_server.address, b"GET /nope HTTP/1.0\r\n\r\n").decode()
    assert _no_date(got) == _no_date(v["connect_wrong_path_response"])


def test_debug_page_matches_go(http_server) -> None:
    v = lib.load_vectors("netrpc_http.json")
    with rpc.dial_http("tcp", http_server.address) as c:
        assert c.call("Arith.Multiply", Args(7, 8), int) == 56
        assert c.call("Arith.Divide", Args(15, 6), Quotient) == Quotient(2, 3)
        with pytest.raises(rpc.ServerError, match="^divide by 0$"):
            c.call("Arith.Divide", Args(1, 0), Quotient)
    got = _raw(http_server.address, b"GET /debug/rpc HTTP/1.0\r\n\r\n").decode()
    assert _no_date(got) == _no_date(v["debug_rpc_response"])


def test_dial_http_wrong_path_error(http_server) -> None:
    with pytest.raises(rpc.RPCError) as info:
        rpc.dial_http("tcp", http_server.address, "/wrong")
    assert str(info.value) == \
        f"dial-http tcp {http_server.address}: unexpected HTTP response: 404 Not Found"


def test_http11_connect_with_host_and_custom_path() -> None:
    s = rpc.Server()
    s.register(lib.Arith())
    mux = rpc.ServeMux()
    s.handle_http("/custom", "/dbg", mux=mux)
    listener = rpc.listen("tcp", "127.0.0.1:0")
    address = "127.0.0.1:%d" % listener.getsockname()[1]
    import threading

    from gostd.net.rpc._http import serve

    t = threading.Thread(target=serve, args=(listener, mux, s), daemon=True)
    t.start()
    try:
        with rpc.dial_http("tcp", address, "/custom") as c:
            assert c.call("Arith.Multiply", Args(6, 7)) == 42
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            # Pipelined: the gob request follows the head in the same packet.
            from gostd.encoding import gob
            from gostd.net.rpc._gobcodec import _WireRequest

            enc_out = bytearray()

            class W:
                write = enc_out.extend

            e = gob.Encoder(W())
            e.encode(_WireRequest("Arith.Multiply", 0))
            e.encode(Args(3, 5))
            sock.sendall(b"CONNECT /custom HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(enc_out))
            f = sock.makefile("rb")
            assert f.readline() == b"HTTP/1.0 200 Connected to Go RPC\n"
            assert f.readline() == b"\n"
            d = gob.Decoder(f)
            header = d.decode()
            assert header["ServiceMethod"] == "Arith.Multiply" and not header["Error"]
            assert d.decode() == 15
            f.close()
        with pytest.raises(rpc.RPCError, match="unexpected HTTP response: 404 Not Found"):
            rpc.dial_http("tcp", address)
    finally:
        s.close()
        listener.close()
        t.join(5)
    with pytest.raises(Exception, match="multiple registrations for /custom"):
        s.handle_http("/custom", "/dbg2", mux=mux)
