"""``gostd rpc serve`` / ``gostd rpc call``."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from typing import Any

import pytest

from gostd.__main__ import main

import rpc_testlib as lib


def _start(*flags: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "gostd", "rpc", "serve", *flags,
                             "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.startswith("serving Arith (also as math)"), line
    return proc, line.split()[-1]


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    proc.stdout.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("flags", [[], ["--http"], ["--codec", "json"]])
def test_serve_and_call(flags: list[str], capsys: Any) -> None:
    proc, address = _start(*flags)
    try:
        assert main(["rpc", "call", *flags, address, "Arith.Multiply", '{"A":7,"B":8}']) == 0
        assert json.loads(capsys.readouterr().out) == 56
        assert main(["rpc", "call", *flags, address, "math.Divide", '{"A":15,"B":6}']) == 0
        assert json.loads(capsys.readouterr().out) == {"Quo": 2, "Rem": 3}
        assert main(["rpc", "call", *flags, address, "Arith.Divide", '{"A":1,"B":0}']) == 1
        assert capsys.readouterr().err.strip() == "error: divide by 0"
        assert main(["rpc", "call", *flags, address, "Arith.Divide", "{nope"]) == 2
    finally:
        _stop(proc)


def test_call_go_server_with_structs_maps_and_slices(go_server_factory: Any,
                                                      capsys: Any) -> None:
    server = go_server_factory()
    args = {"ID": 1, "Label": "x", "Score": 0.5, "Inner": {"Name": "n", "Tags": ["a"]},
            "Counts": {"k": 2}, "Items": [{"Name": "i"}]}
    assert main(["rpc", "call", server.address, "Types.Echo", json.dumps(args)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ID"] == 2 and out["Inner"] == {"Name": "N", "Tags": ["a"]}
    assert out["Counts"] == {"k": 2} and out["Items"][0]["Name"] == "i" and out["Score"] == 0.5
    assert main(["rpc", "call", server.address, "Types.Sum", "[1,2,3]"]) == 0
    assert json.loads(capsys.readouterr().out) == 6
    assert main(["rpc", "call", server.address, "Types.Keys", '{"b":1,"a":2}']) == 0
    assert json.loads(capsys.readouterr().out) == ["a", "b"]


def test_call_unreachable_fails_cleanly(capsys: Any) -> None:
    listener = lib.rpc.listen("tcp", "127.0.0.1:0")
    address = "127.0.0.1:%d" % listener.getsockname()[1]
    listener.close()
    assert main(["rpc", "call", address, "Arith.Multiply", "{}"]) == 1
    assert "gostd rpc call:" in capsys.readouterr().err
