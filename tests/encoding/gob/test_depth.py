"""Deeply nested values on small thread stacks (issue 14, item 1).

A value of a recursive type nested a few hundred deep used to overflow the
C stack of a 512 KiB rpc worker (SIGSEGV, the whole server gone).  Now
encoding and decoding, on any thread, either succeed or raise GobError
``gob: invalid nesting depth``: the C code checks the thread's remaining
stack at each level, the Python code turns RecursionError into the same
error.  The thread scenarios run in a child process, so that a regression
kills the child, not the test run."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Optional

import pytest

from gostd import net  # noqa: F401 - (gostd.net.rpc below)
from gostd.encoding import gob
from gostd.encoding.gob._wire import put_int, put_uint
import gostd.net.rpc as rpc
from gostd.net.rpc._gobcodec import _WireRequest, _WireResponse

DEPTH_ERROR = "gob: invalid nesting depth"
DEPTHS = [1, 10, 50, 100, 200, 300, 400, 600, 800, 1000, 1600, 5000]
GUARANTEED = 100    # depths every thread the package makes must handle

CHILD = textwrap.dedent('''
    import dataclasses, io, json, sys, threading
    from typing import Any, Optional
    from gostd.encoding import gob

    @dataclasses.dataclass
    class Node:
        V: int = 0
        Next: Optional["Node"] = None

    @dataclasses.dataclass
    class Box:
        V: Any = None

    gob.register(Box, "main.DepthBox")

    def chain(make, depth):
        v = None
        for i in range(depth):
            v = make(i + 1, v)
        return v

    def attempt(fn):
        try:
            return fn()
        except gob.GobError as exc:
            return str(exc)

    def nodes(depth):
        out = {}
        value = VALUES[depth]
        data = attempt(lambda: gob.dumps(value))
        out["encode"] = "ok" if isinstance(data, bytes) else data
        if not isinstance(data, bytes):   # decode what a peer without limits sends
            data = HOSTILE[depth]
        def into():
            v, n = gob.loads(data, into=Node), 0
            while v is not None:
                assert v.V == depth - n, (v.V, depth, n)
                v, n = v.Next, n + 1
            assert n == depth
            return "ok"
        def plain():
            v, n = gob.loads(data), 0
            while v is not None:
                assert v["V"] == depth - n
                v, n = v["Next"], n + 1
            assert n == depth
            return "ok"
        def skip():
            gob.Decoder(io.BytesIO(data)).skip()
            return "ok"
        out["into"] = attempt(into)
        out["plain"] = attempt(plain)
        out["skip"] = attempt(skip)
        out["box encode"] = attempt(lambda: gob.dumps(BOXES[depth]) and "ok")
        return out

    def hostile(depth):
        """Node{depth, &Node{depth - 1, ...}} built as bytes."""
        head = gob.dumps(Node(1))
        defs = head[:len(head) - 6]        # (the value message is 6 bytes)
        body = bytearray(b"\\xff\\x82")
        for i in range(depth, 0, -1):
            v = bytearray()
            n = i << 1
            if n < 0x80:
                v.append(n)
            else:
                v += bytes([256 - 2]) + n.to_bytes(2, "big")
            body += b"\\x01" + v + (b"\\x01" if i > 1 else b"")
        body += b"\\x00" * depth
        n = len(body)
        return defs + bytes([256 - 4]) + n.to_bytes(4, "big") + bytes(body)

    DEPTHS = json.loads(sys.argv[1])
    HOSTILE = {d: hostile(d) for d in DEPTHS}
    # Deep values are built (and freed) on the main thread: CPython 3.13t
    # itself overflows a 256 KiB stack freeing a chain 1600 deep.
    VALUES = {d: chain(Node, d) for d in DEPTHS}
    BOXES = {d: chain(lambda i, v: Box(v), d) for d in DEPTHS}
    results = {}

    def run(name):
        results[name] = {d: nodes(d) for d in DEPTHS}

    for name, size in (("256k", 256 * 1024), ("512k", 512 * 1024), ("default", 0)):
        threading.stack_size(size)
        t = threading.Thread(target=run, args=(name,))
        t.start()
        t.join()
    threading.stack_size(0)
    print(json.dumps(results))
''')


@pytest.fixture(scope="module")
def thread_results():
    env = dict(os.environ)
    src = str(Path(gob.__file__).resolve().parents[3])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(DEPTHS)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    return json.loads(out.stdout)


@pytest.mark.parametrize("stack", ["256k", "512k", "default"])
@pytest.mark.parametrize("op", ["encode", "into", "plain", "skip", "box encode"])
def test_depth_is_an_error_never_a_crash(thread_results, stack, op):
    got = {int(d): r[op] for d, r in thread_results[stack].items()}
    assert set(got.values()) <= {"ok", DEPTH_ERROR}, got
    ok = [d for d in DEPTHS if got[d] == "ok"]
    failed = [d for d in DEPTHS if got[d] != "ok"]
    # up to the limit everything works, beyond it everything fails
    assert not failed or not ok or max(ok) < min(failed), got
    assert min(DEPTHS) in ok and GUARANTEED in ok, got
    assert 5000 in failed, got


# -- over net/rpc -----------------------------------------------------------------


@dataclasses.dataclass
class Node:
    V: int = 0
    Next: Optional[Node] = None


class Deep:
    def Depth(self, n: Node) -> int:
        d = 0
        while n is not None:
            n, d = n.Next, d + 1
        return d

    def Make(self, depth: int) -> Node:
        return _chain(depth) if depth != TOO_DEEP else _TOO_DEEP


def _chain(depth: int) -> Optional[Node]:
    n = None
    for i in range(depth):
        n = Node(i + 1, n)
    return n


# Built once on the main thread: CPython 3.13t itself overflows a small
# stack freeing so deep a chain, so no worker thread may hold the last
# reference to it.
TOO_DEEP = 20_000
_TOO_DEEP = _chain(TOO_DEEP)


def _msg(body: bytes) -> bytes:
    b = bytearray()
    put_uint(b, len(body))
    return bytes(b) + body


def _deep_value(tid: int, depth: int) -> bytes:
    """The message of a Node (type ``tid``) nested ``depth`` deep, V = 1."""
    body = bytearray()
    put_int(body, tid)
    body += b"\x01\x02\x01" * (depth - 1) + b"\x01\x02" + b"\x00" * depth
    return _msg(bytes(body))


class _Stream:
    """A client's gob stream, written by hand where the encoder refuses."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.enc = gob.Encoder(self)
        self.seq = 0

    def write(self, b: bytes) -> None:
        self.out += b

    def request(self, method: str, body=None, deep: int = 0) -> None:
        self.enc.encode(_WireRequest(method, self.seq))
        self.seq += 1
        if deep:
            if self.seq == 1:                  # Request is type 65, Node 66
                self.enc.encode(Node(1))
                del self.out[len(self.out) - 6:]   # (its value message)
            self.out += _deep_value(66, deep)
        else:
            self.enc.encode(body)

    def take(self) -> bytes:
        data = bytes(self.out)
        self.out.clear()
        return data


class _Replies:
    def __init__(self, sock: socket.socket) -> None:
        self.dec = gob.Decoder(sock.makefile("rb"))

    def next(self, into) -> tuple:
        h = self.dec.decode(_WireResponse)
        body = self.dec.decode(into if not h.Error else None)
        return h, body


@pytest.fixture(params=["gob", "http"])
def deep_server(request):
    server = rpc.Server()
    server.register(Deep())
    listener = rpc.listen("tcp", "127.0.0.1:0")
    if request.param == "http":
        target = lambda: server.serve_http(listener)   # noqa: E731
    else:
        target = lambda: server.accept(listener)        # noqa: E731
    t = threading.Thread(target=target, daemon=True)
    t.start()
    yield request.param, listener.getsockname()
    server.close(timeout=5)
    listener.close()
    t.join(5)
    assert not t.is_alive()


def _connect(mode: str, address) -> socket.socket:
    sock = socket.create_connection(address, timeout=30)
    if mode == "http":
        sock.sendall(b"CONNECT /_goRPC_ HTTP/1.0\n\n")
        head = b""
        while not head.endswith(b"\n\n"):
            c = sock.recv(1)
            assert c, head
            head += c
        assert b"200 Connected to Go RPC" in head, head
    return sock


def test_rpc_server_survives_a_deep_request(deep_server):
    mode, address = deep_server
    other = rpc.dial_http("tcp", "%s:%d" % address) if mode == "http" else \
        rpc.dial("tcp", "%s:%d" % address)
    try:
        assert other.call("Deep.Depth", Node(1, Node(2)), int, timeout=30) == 2
        with _connect(mode, address) as sock:
            replies = _Replies(sock)
            s = _Stream()
            s.request("Deep.Depth", deep=100_000)
            s.request("Deep.Depth", Node(5, Node(6, Node(7))))
            sock.sendall(s.take())
            h, _ = replies.next(int)
            assert h.Seq == 0 and h.Error == DEPTH_ERROR, h
            h, n = replies.next(int)          # the same connection keeps serving
            assert (h.Seq, h.Error, n) == (1, "", 3)
        # and so do the others
        assert other.call("Deep.Depth", Node(1), int, timeout=30) == 1
    finally:
        other.close()


def _fake_server(depth: int):
    """A listener answering one gob request with a Node nested ``depth``
    deep; returns (address, thread)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        with conn:
            dec = gob.Decoder(conn.makefile("rb"))
            h = dec.decode(_WireRequest)
            dec.skip()
            out = bytearray()

            class W:
                write = out.extend
            enc = gob.Encoder(W())
            enc.encode(_WireResponse(h.ServiceMethod, h.Seq, ""))   # type 65
            enc.encode(Node(1))                                     # type 66
            del out[len(out) - 6:]           # (its value message: 05 ff84 010200)
            conn.sendall(bytes(out) + _deep_value(66, depth))
            conn.recv(1)   # until the client hangs up
        listener.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return listener.getsockname(), t


def test_rpc_client_survives_a_deep_reply():
    address, t = _fake_server(TOO_DEEP)
    client = rpc.dial("tcp", "%s:%d" % address)
    try:
        with pytest.raises(Exception) as info:
            client.call("Deep.Make", TOO_DEEP, Node, timeout=30)
        assert DEPTH_ERROR in str(info.value)
    finally:
        client.close()
    t.join(10)
    assert not t.is_alive()


def test_rpc_deep_values_within_the_limit_work(deep_server):
    mode, address = deep_server
    addr = "%s:%d" % address
    client = rpc.dial_http("tcp", addr) if mode == "http" else rpc.dial("tcp", addr)
    try:
        n = client.call("Deep.Make", GUARANTEED, Node, timeout=30)
        assert client.call("Deep.Depth", n, int, timeout=30) == GUARANTEED
        # a reply too deep for the server to encode fails that call only
        with pytest.raises(Exception):
            client.call("Deep.Make", TOO_DEEP, Node, timeout=30)
    finally:
        client.close()
    client = rpc.dial_http("tcp", addr) if mode == "http" else rpc.dial("tcp", addr)
    try:
        assert client.call("Deep.Depth", Node(1), int, timeout=30) == 1
    finally:
        client.close()
