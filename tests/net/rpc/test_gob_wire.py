"""The gob codec byte for byte against Go's recorded net/rpc streams."""

from __future__ import annotations

import socket

import pytest

import gostd.net.rpc as rpc

import rpc_testlib as lib
from rpc_testlib import Args, Quotient

CALLS = [  # (service_method, args, reply_type) as in the vectors' client_results
    ("Arith.Multiply", Args(7, 8), int),
    ("Arith.Divide", Args(15, 6), Quotient),
    ("Arith.Divide", Args(1, 0), Quotient),
    ("Arith.Multiply", Args(7, 8), int),
    ("Arith.Nope", Args(1, 2), int),
    ("Nope.Multiply", Args(1, 2), int),
    ("ArithMultiply", Args(1, 2), int),
    ("Arith.Multiply", Quotient(1, 2), int),
    ("net.rpc.Arith.Multiply", Args(3, 4), int),
    ("Arith.Divide", Args(0, 5), Quotient),
]


def _server() -> rpc.Server:
    s = rpc.Server()
    s.register(lib.Arith())
    s.register_name("net.rpc.Arith", lib.Arith())
    return s


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    sock.settimeout(5)
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            break
        out += chunk
    return out


@pytest.mark.parametrize("scenario", ["main", "extended"])
def test_server_answers_byte_for_byte(scenario: str) -> None:
    v = lib.load_vectors("netrpc_gob.json")[scenario]
    request = bytes.fromhex(v["client_to_server_hex"])
    want = bytes.fromhex(v["server_to_client_hex"])
    a, b = socket.socketpair()
    from gostd.net.rpc._gobcodec import GobServerCodec

    codec = GobServerCodec(b)
    a.sendall(request)
    server = _server()
    n = len(v["client_results"]) - (1 if scenario == "extended" else 0)
    n = min(n, 3) if scenario == "main" else n
    for _ in range(n):  # one at a time, so replies keep Go's recorded order
        try:
            server.serve_request(codec)
        except rpc.RPCError:
            pass
    assert _read_exactly(a, len(want)).hex() == want.hex()
    a.close()
    codec.close()


@pytest.mark.parametrize("scenario", ["main", "extended"])
def test_client_sends_byte_for_byte_and_decodes(scenario: str) -> None:
    v = lib.load_vectors("netrpc_gob.json")[scenario]
    want = bytes.fromhex(v["client_to_server_hex"])
    results = [r for r in v["client_results"] if r["client_seq"] >= 0]
    a, b = socket.socketpair()
    client = rpc.new_client(b)
    chunks = _responses(v["server_to_client_messages"])
    outcomes = []
    for (sm, args, reply_type), chunk in zip(CALLS[:len(results)], chunks):
        call = client.go(sm, args, reply_type)
        a.sendall(chunk)  # answer only after the request went out, as Go's server did
        call.wait(5)
        outcomes.append(("ok", call.reply) if call.error is None else ("err", str(call.error)))
    got = _read_exactly(a, len(want))
    assert got.hex() == want.hex()
    for (kind, value), r in zip(outcomes, results):
        if "error" in r:
            assert (kind, value) == ("err", r["error"]), r
        else:
            assert kind == "ok", r
            expect = r["reply"]
            if r["reply_type"] == "*int":
                assert value == int(expect)
            else:
                import json

                assert value == Quotient(**json.loads(expect))
    client.close()
    with pytest.raises(rpc.ErrShutdown, match="^connection is shut down$"):
        client.call("Arith.Multiply", Args(1, 1))
    a.close()


def _responses(messages: list[dict]) -> list[bytes]:
    """Split a recorded server stream into per-response chunks (each: its
    type definitions, the header value and the body value)."""
    out, cur, values = [], b"", 0
    for m in messages:
        cur += bytes.fromhex(m["len_prefix_hex"] + m["body_hex"])
        if m["first_signed_int"] >= 0:
            values += 1
            if values == 2:
                out.append(cur)
                cur, values = b"", 0
    return out


def test_error_body_is_unnamed_empty_struct() -> None:
    v = lib.load_vectors("netrpc_gob.json")["main"]
    want = bytes.fromhex(v["server_to_client_hex"])
    assert want.endswith(bytes.fromhex("0aff85030102ff8600000003ff8600"))
