"""Interoperability with real Go programs (tests/net/rpc/goapp/main.go):
Python client -> Go server and Go client -> Python server, for gob and
JSON-RPC, over TCP and HTTP."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import gostd
import gostd.net.rpc as rpc
from gostd.net.rpc import jsonrpc

import rpc_testlib as lib
from rpc_testlib import Args, Inner, Quotient, Record

FLAGS = {"gob": [], "json": ["-codec", "json"], "http": ["-http"]}


def _record() -> Record:
    return Record(ID=41, Label="héllo <&>", Score=2.5, Big=1 << 63, Flag=True,
                  Data=bytes([0, 1, 2, 255]), Inner=Inner("inner", ["a", "b"]),
                  Ptr=Inner("ptr"), Items=[Inner("x"), Inner("y", ["z"])],
                  Counts={"one": 1})


def test_python_client_go_server(go_server_factory: Any, mode: str) -> None:
    server = go_server_factory(*FLAGS[mode])
    with (rpc.dial_http("tcp", server.address) if mode == "http" else
          jsonrpc.dial("tcp", server.address) if mode == "json" else
          rpc.dial("tcp", server.address)) as c:
        assert c.call("Arith.Multiply", Args(7, 8), int) == 56
        assert c.call("Arith.Divide", Args(15, 6), Quotient) == Quotient(2, 3)
        with pytest.raises(rpc.ServerError) as info:
            c.call("Arith.Divide", Args(1, 0), Quotient)
        assert str(info.value) == "divide by 0"
        assert c.call("math.Multiply", Args(6, 7), int) == 42
        got = c.call("Types.Echo", _record(), Record)
        want = _record()
        want.ID, want.Inner.Name, want.Ptr = 42, "INNER", Inner("PTR")
        if mode == "json":  # Go's encoding/json sends nil slices as null -> []
            want.Items[0].Tags = []
        assert got == want
        assert c.call("Types.Sum", [1, 2, 3, 4], int) == 10
        assert c.call("Types.Keys", {"b": 2, "a": 1}, list[str]) == ["a", "b"]
        assert c.call("Types.Upper", "mixed Case", str) == "MIXED CASE"
        assert c.call("Types.Reverse", b"\x01\x02\x03", bytes) == b"\x03\x02\x01"
        with pytest.raises(rpc.ServerError, match="^failed: boom$"):
            c.call("Types.Fail", "boom", str)
        with pytest.raises(rpc.ServerError, match="^rpc: can't find method Arith.Nope$"):
            c.call("Arith.Nope", Args(), int)
        with pytest.raises(rpc.ServerError, match="^rpc: can't find service Nope.Multiply$"):
            c.call("Nope.Multiply", Args(), int)
        with pytest.raises(rpc.ServerError,
                           match="^rpc: service/method request ill-formed: ArithMultiply$"):
            c.call("ArithMultiply", Args(), int)
        if mode != "json":
            with pytest.raises(rpc.ServerError,
                               match="^gob: type mismatch: no fields matched compiling "
                                     "decoder for Args$"):
                c.call("Arith.Multiply", Quotient(1, 2), int)

        # Many threads at once on one client; every reply matches its request.
        bad: list[Any] = []

        def worker(g: int) -> None:
            for i in range(25):
                try:
                    if c.call("Arith.Multiply", Args(g, i), int, timeout=20) != g * i:
                        bad.append((g, i))
                except Exception as exc:  # pragma: no cover - reported below
                    bad.append(exc)

        threads = [threading.Thread(target=worker, args=(g,)) for g in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
            assert not t.is_alive()
        assert bad == []

        # Go runs each call in its own goroutine: the fast call overtakes.
        done = gostd.Chan(2)
        slow = c.go("Types.Sleep", 200, int, done)
        fast = c.go("Arith.Multiply", Args(2, 3), int, done)
        assert done.recv() is fast and fast.reply == 6
        assert done.recv() is slow and slow.reply == 200


def test_go_client_python_server(goapp: Path, mode: str) -> None:
    r = lib.Running(lib.new_arith_server(), mode)
    try:
        out = lib.run_go(goapp, "check", *FLAGS[mode], "-addr", r.address)
    finally:
        r.stop()
    assert out["multiply"] == 56 and out["multiply_err"] is None
    assert out["divide"] == {"Quo": 2, "Rem": 3} and out["divide_err"] is None
    assert out["divzero_err"] == "divide by 0" and out["divzero_is_server_error"] is True
    assert out["math"] == 42 and out["math_err"] is None
    assert out["echo_err"] is None
    echo = out["echo"]
    assert echo["ID"] == 42 and echo["Label"] == "héllo <&>" and echo["Score"] == 2.5
    assert echo["Big"] == 1 << 63 and echo["Flag"] is True
    assert echo["Data"] == "AAEC/w=="  # []byte{0,1,2,255}, as Go's JSON prints it
    assert echo["Inner"] == {"Name": "INNER", "Tags": ["a", "b"]}
    assert echo["Ptr"]["Name"] == "PTR"
    assert [i["Name"] for i in echo["Items"]] == ["x", "y"] and echo["Items"][1]["Tags"] == ["z"]
    assert echo["Counts"] == {"one": 1}
    assert out["sum"] == 10 and out["keys"] == ["a", "b"] and out["upper"] == "MIXED CASE"
    assert out["reverse"] == "AwIB"  # []byte{3,2,1}
    assert out["fail_err"] == "failed: boom"
    assert out["unknown_method_err"] == "rpc: can't find method Arith.Nope"
    assert out["unknown_service_err"] == "rpc: can't find service Nope.Multiply"
    assert out["illformed_err"] == "rpc: service/method request ill-formed: ArithMultiply"
    assert out["concurrent_calls"] == 640 and out["concurrent_bad"] == 0
    assert out["async_first"] == "fast"
    assert out["after_close_err"] == "connection is shut down"
