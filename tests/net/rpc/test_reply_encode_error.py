"""A reply the server cannot encode (issue 14, item 7): as Go, the server
flushes what its encoder wrote — the header and the body type's definition,
which Go's gob sends before it fails on ``struct with no exported fields`` —
logs ``rpc: gob error encoding body: ...`` and closes the connection.  A Go
client then reports ``reading body unexpected EOF``, exactly as against a
Go server."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

import gostd.net.rpc as rpc
from gostd.encoding import gob
from gostd.net.rpc._gobcodec import _WireRequest

import rpc_testlib as lib


@dataclass
class Hidden:
    """Go's ``type Hidden struct{ a int }``: nothing gob can send."""

    a: int = 0


class Hard:
    def Hidden(self, n: int) -> Hidden:
        return Hidden(n)

    def Echo(self, n: int) -> int:
        return n


@pytest.fixture
def py_server() -> Iterator[lib.Running]:
    s = rpc.Server()
    s.register(Hard())
    r = lib.Running(s)
    yield r
    r.stop()


@pytest.fixture(scope="session")
def gohard() -> Path:
    return lib.build_go("gohard")


@pytest.fixture
def go_server(gohard: Path) -> Iterator[str]:
    s = lib.GoServer(gohard)
    yield s.address
    s.stop()


def _request(method: str, n: int) -> bytes:
    out = bytearray()

    class W:
        write = out.extend

    enc = gob.Encoder(W())
    enc.encode(_WireRequest(method, 0))
    enc.encode(n)
    return bytes(out)


def _answer(address: str, data: bytes) -> bytes:
    """Everything the server sends until it closes the connection."""
    host, port = address.rsplit(":", 1)
    got = bytearray()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return bytes(got)
            got += chunk


def test_server_flushes_header_and_definition_then_closes(py_server: lib.Running,
                                                          caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="gostd.net.rpc"):
        data = _answer(py_server.address, _request("Hard.Hidden", 7))
    dec = gob.Decoder(_Reader(data))
    header = dec.decode()
    assert header == {"ServiceMethod": "Hard.Hidden", "Seq": 0, "Error": ""}
    # The body's type definition came, then the end: Go's unexpected EOF.
    with pytest.raises(Exception, match="unexpected EOF"):
        dec.decode()
    assert b"Hidden" in data
    assert [r.getMessage() for r in caplog.records] == [
        "rpc: gob error encoding body: gob: type main.Hidden has no exported fields"]


def test_same_bytes_as_go_server(py_server: lib.Running, go_server: str) -> None:
    request = _request("Hard.Hidden", 7)
    assert _answer(py_server.address, request) == _answer(go_server, request)


def test_go_client_sees_what_a_go_server_gives(py_server: lib.Running, go_server: str,
                                               gohard: Path) -> None:
    from_python = lib.run_go(gohard, "unencodable", py_server.address)
    from_go = lib.run_go(gohard, "unencodable", go_server)
    assert from_python[0] == from_go[0] == "reading body unexpected EOF"
    # The next call races Go's reader goroutine reaching the end of stream,
    # against either server.
    assert {from_python[1], from_go[1]} <= {"connection is shut down", "unexpected EOF"}


def test_gostd_client_fails_the_call_and_the_connection(py_server: lib.Running) -> None:
    with py_server.dial() as client:
        with pytest.raises(rpc.RPCError, match="^reading body unexpected EOF$"):
            client.call("Hard.Hidden", 7, timeout=10)
        # The server hung up: ErrShutdown if the reader saw the end before
        # this call was sent, else (pending when it did) unexpected EOF.
        with pytest.raises(rpc.RPCError) as info:
            client.call("Hard.Echo", 8, int, timeout=10)
        assert isinstance(info.value, rpc.ErrShutdown) or str(info.value) == "unexpected EOF"
    with py_server.dial() as client:  # the server itself serves on
        assert client.call("Hard.Echo", 9, int, timeout=10) == 9


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)

    def read(self, n: int) -> bytes:
        chunk, self._data = self._data[:n], self._data[n:]
        return bytes(chunk)

