"""net/rpc/jsonrpc: Go's exact JSON shapes, quirks and error texts."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

import pytest

import gostd.net.rpc as rpc
from gostd.net.rpc import jsonrpc
from gostd.net.rpc.jsonrpc import _json

import rpc_testlib as lib
from rpc_testlib import Args, Quotient


def _exchange(raw: bytes, timeout: float = 5.0) -> bytes:
    """Send ``raw`` to a fresh JSON-RPC Arith server, half-close, return all it wrote."""
    server = lib.new_arith_server()
    a, b = socket.socketpair()
    t = threading.Thread(target=jsonrpc.serve_conn, args=(b, server), daemon=True)
    t.start()
    a.sendall(raw)
    a.shutdown(socket.SHUT_WR)
    a.settimeout(timeout)
    out = b""
    while True:
        chunk = a.recv(65536)
        if not chunk:
            break
        out += chunk
    a.close()
    t.join(timeout)
    assert not t.is_alive(), "serve_conn did not return after the client hung up"
    return out


def test_server_raw_cases_match_go() -> None:
    for case in lib.load_vectors("jsonrpc.json")["server_raw_cases"]:
        out = _exchange(case["raw_request"].encode())
        if case.get("server_closed_connection_without_response"):
            assert out == b"", case["name"]
            continue
        want = case["raw_response"].encode()
        if case["name"] == "two_requests_no_newline":
            # Each call runs concurrently, so Go allows either order.
            assert sorted(out.splitlines()) == sorted(want.splitlines()), case["name"]
        else:
            assert out == want, case["name"]


def test_server_golden_stream_in_order() -> None:
    v = lib.load_vectors("jsonrpc.json")["main"]
    server = lib.new_arith_server()
    a, b = socket.socketpair()
    codec = jsonrpc.new_server_codec(b)
    a.sendall(v["client_to_server_text"].encode())
    for _ in range(3):
        try:
            server.serve_request(codec)
        except rpc.RPCError:
            pass  # the divide-by-zero request is answered with its error
    a.settimeout(5)
    want = v["server_to_client_text"].encode()
    got = b""
    while len(got) < len(want):
        got += a.recv(65536)
    assert got == want
    a.close()
    codec.close()


class _Canned:
    """A connection that records what the client writes and answers: all of
    ``reply`` after the first write, or with ``per_write`` one line per write."""

    def __init__(self, reply: bytes, per_write: bool = False) -> None:
        self.sent = bytearray()
        self.lines = reply.splitlines(keepends=True)
        self.per_write = per_write
        self.cond = threading.Condition()
        self.released = b""
        self.closed = False

    def write(self, b: bytes) -> int:
        with self.cond:
            self.sent += b
            if self.per_write:
                self.released += self.lines.pop(0) if self.lines else b""
            else:
                self.released += b"".join(self.lines)
                self.lines = []
            self.cond.notify_all()
        return len(b)

    def read(self, n: int) -> bytes:
        with self.cond:
            self.cond.wait_for(lambda: self.released or self.closed, 5)
            out, self.released = self.released[:n], self.released[n:]
            return out

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()


def test_client_request_bytes_and_canned_responses() -> None:
    for case in lib.load_vectors("jsonrpc.json")["client_canned_responses"]:
        conn = _Canned(case["canned_server_bytes"].encode())
        client = jsonrpc.new_client(conn)
        try:
            reply = client.call("Arith.Multiply", Args(7, 8), int, timeout=5)
        except rpc.ServerError as exc:
            assert case.get("error_go_type") == "rpc.ServerError", case["name"]
            assert str(exc) == case["call_error"], case["name"]
        except rpc.RPCError as exc:
            assert "call_error" in case and case.get("error_go_type") != "rpc.ServerError", \
                case["name"]
            assert str(exc) == case["call_error"], case["name"]
        else:
            assert "reply" in case, (case["name"], reply)
            assert str(reply) == case["reply"], case["name"]
        assert bytes(conn.sent) == case["request_sent_by_client"].encode(), case["name"]
        client.close()


def test_client_golden_requests() -> None:
    v = lib.load_vectors("jsonrpc.json")["main"]
    conn = _Canned(v["server_to_client_text"].encode(), per_write=True)
    client = jsonrpc.new_client(conn)
    assert client.call("Arith.Multiply", Args(7, 8), int, timeout=5) == 56
    assert client.call("Arith.Divide", Args(15, 6), Quotient, timeout=5) == Quotient(2, 3)
    with pytest.raises(rpc.ServerError, match="^divide by 0$"):
        client.call("Arith.Divide", Args(1, 0), Quotient, timeout=5)
    assert bytes(conn.sent) == v["client_to_server_text"].encode()
    client.close()
    with pytest.raises(rpc.ErrShutdown, match="^connection is shut down$"):
        client.call("Arith.Multiply", Args(1, 1))


def test_string_ids_echoed_ten_requests() -> None:
    # Go's all_test.go: ids "\u0000".."\u0009", result C = 2i+1 (here Multiply-based).
    raw = "".join('{"method":"Arith.Multiply","params":[{"A":%d,"B":%d}],"id":"\\u000%d"}'
                  % (i, i + 1, i) for i in range(10)).encode()
    out = _exchange(raw)
    lines = out.decode().splitlines()
    assert len(lines) == 10
    got = sorted(lines)
    want = sorted('{"id":"\\u000%d","result":%d,"error":null}' % (i, i * (i + 1))
                  for i in range(10))
    assert got == want


def test_invalid_json_returns_from_serve_conn() -> None:
    assert _exchange(b"{id:1}") == b""


def test_missing_params_then_stream_continues() -> None:
    raw = (b'{"method":"Arith.Multiply","id":"123"}'
           b'{"method":"Arith.Multiply","params":[{"A":2,"B":5}],"id":7}')
    lines = sorted(_exchange(raw).decode().splitlines())
    assert lines == ['{"id":"123","result":null,"error":"jsonrpc: request body missing params"}',
                     '{"id":7,"result":10,"error":null}']


@dataclass
class Nested:
    Name: str = ""
    Vals: list[float] = field(default_factory=list)
    Sub: dict[str, Quotient] = field(default_factory=dict)
    Raw: bytes = b""
    hidden: int = 0


def test_json_rules_match_go() -> None:
    v = Nested("a<b>&c\u2028", [1.0, 0.5, 1e21, 1e-7, 100000000000000000000.0],
               {"z": Quotient(1, 2), "a": Quotient()}, b"\x00\xff", hidden=5)
    text = _json.marshal(v)
    assert text == ('{"Name":"a\\u003cb\\u003e\\u0026c\\u2028","Vals":[1,0.5,1e+21,1e-7,'
                    '100000000000000000000],"Sub":{"a":{"Quo":0,"Rem":0},"z":{"Quo":1,"Rem":2}},'
                    '"Raw":"AP8="}')
    back = _json.unmarshal(text.lower().replace('"ap8="', '"AP8="'), Nested)
    assert back.Name == "a<b>&c\u2028".lower() and back.Sub["z"] == Quotient(1, 2)
    assert back.Raw == b"\x00\xff" and back.hidden == 0
    # Go 1.19 names the struct being decoded (Quotient), then the field path.
    with pytest.raises(_json.UnmarshalError,
                       match="^json: cannot unmarshal string into Go struct field "
                             "Quotient.Sub.Quo of type int$"):
        _json.unmarshal('{"Sub":{"k":{"Quo":"x"}}}', Nested)
    with pytest.raises(_json.MarshalError, match="unsupported value: NaN"):
        _json.marshal(float("nan"))


def test_python_client_and_server_over_tcp() -> None:
    r = lib.Running(lib.new_arith_server(), "json")
    try:
        with r.dial("json") as c:
            assert c.call("Arith.Multiply", Args(7, 8)) == 56
            assert c.call("math.Multiply", Args(6, 7), int) == 42
            assert c.call("Arith.Divide", Args(15, 6), Quotient) == Quotient(2, 3)
            with pytest.raises(rpc.ServerError, match="^divide by 0$"):
                c.call("Arith.Divide", Args(1, 0), Quotient)
            with pytest.raises(rpc.ServerError,
                               match="^json: cannot unmarshal string into Go struct field "
                                     "Args.A of type int$"):
                c.call("Arith.Multiply", {"A": "x"})
            rec = lib.Record(ID=1, Label="x", Data=b"\x01", Inner=lib.Inner("n", ["t"]),
                             Ptr=lib.Inner("p"), Items=[lib.Inner("i")], Counts={"k": 3})
            got = c.call("Types.Echo", rec, lib.Record)
            assert got.ID == 2 and got.Inner.Name == "N" and got.Ptr == lib.Inner("P")
            assert got.Counts == {"k": 3} and got.Data == b"\x01"
            assert c.call("Arith.Multiply", Args(2, 3)) == 6  # still usable
    finally:
        r.stop()
