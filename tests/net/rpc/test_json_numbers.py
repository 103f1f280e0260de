"""JSON-RPC decodes numbers by Go's encoding/json rules for every width
(issue 14, item 6): ``ParseInt``/``ParseUint``/``ParseFloat`` of the literal
as sent, then the type's range, with Go's error text.  Every case is also
run through Go's own json.Unmarshal (tests/net/rpc/gohard) and must give
the same error, or the same value marshalled back."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from gostd.encoding import gob
from gostd.net.rpc import jsonrpc
from gostd.net.rpc.jsonrpc import UnmarshalError, marshal, unmarshal

import rpc_testlib as lib


@dataclass
class Nums:
    I: int = 0
    I8: gob.int8 = 0  # type: ignore[assignment]
    I16: gob.int16 = 0  # type: ignore[assignment]
    I32: gob.int32 = 0  # type: ignore[assignment]
    I64: gob.int64 = 0  # type: ignore[assignment]
    U: gob.uint = 0  # type: ignore[assignment]
    U8: gob.uint8 = 0  # type: ignore[assignment]
    U16: gob.uint16 = 0  # type: ignore[assignment]
    U32: gob.uint32 = 0  # type: ignore[assignment]
    U64: gob.uint64 = 0  # type: ignore[assignment]
    UP: gob.uintptr = 0  # type: ignore[assignment]
    F32: gob.float32 = 0.0  # type: ignore[assignment]
    F64: float = 0.0


BASIC: dict[str, Any] = {
    "int": int, "int8": gob.int8, "int16": gob.int16, "int32": gob.int32, "int64": gob.int64,
    "uint": gob.uint, "uint8": gob.uint8, "uint16": gob.uint16, "uint32": gob.uint32,
    "uint64": gob.uint64, "uintptr": gob.uintptr, "float32": gob.float32, "float64": float,
    "string": str, "any": Any, "Nums": Nums,
}

FIELDS = {"int": "I", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
          "uint": "U", "uint8": "U8", "uint16": "U16", "uint32": "U32", "uint64": "U64",
          "uintptr": "UP", "float32": "F32", "float64": "F64"}

BOUNDS = {"int8": 7, "int16": 15, "int32": 31, "int64": 63, "int": 63,
          "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "uint": 64, "uintptr": 64}


def annotation(go: str) -> Any:
    if go in BASIC:
        return BASIC[go]
    if go.startswith("[]"):
        return list[annotation(go[2:])]  # type: ignore[misc]
    end = go.index("]")
    return dict[annotation(go[4:end]), annotation(go[end + 1:])]  # type: ignore[misc]


def _literals(go: str) -> list[str]:
    texts = ["0", "-0", "1", "-1", "1.0", "1.5", "-2.5", "1e2", "1E2", "-1e2", "1e-400",
             "99999999999999999999", "-99999999999999999999", "1e400", "-1e400",
             "3.4028234663852886e38", "3.4028235e38", "3.5e38", "4.9e-324", "1" * 400,
             "1" * 450, '"5"', "true", "null"]
    bits = BOUNDS.get(go)
    if bits is not None:
        signed = go.startswith("int")
        lo, hi = (-(1 << bits), (1 << bits) - 1) if signed else (0, (1 << bits) - 1)
        texts += [str(lo - 1), str(lo), str(hi), str(hi + 1)]
    return texts


def _cases() -> list[tuple[str, str]]:
    cases = []
    for go in FIELDS:
        for text in _literals(go):
            cases.append((go, text))                              # Go value of type
            cases.append(("Nums", '{"%s":%s}' % (FIELDS[go], text)))  # Go struct field
        cases.append(("[]" + go, "[1,2.5,300]"))
    for key in ["int8", "uint8", "int", "uint64"]:
        for k in ["5", "+5", "-5", "-0", "300", " 5", "5 ", "5_0", "\u0665", "1e2", "",
                  "99999999999999999999", "-9223372036854775808", "18446744073709551615"]:
            cases.append((f"map[{key}]int", json.dumps({k: 1})))
        cases.append((f"map[{key}]uint8", '{"x":300,"7":1}'))   # value before key, as Go
    cases += [("any", "[1e400]"), ("any", '{"a":[-1e400]}'), ("any", "1" * 320),
              ("any", "[1, 2.5, -0, 12345]"), ("[]any", "[1e308, 1e309]")]
    return cases


CASES = _cases()


def _python(go: str, text: str) -> dict[str, Any]:
    tp = annotation(go)
    try:
        value = unmarshal(text, tp)
    except UnmarshalError as exc:
        return {"err": str(exc), "value": None}
    return {"err": None, "value": json.loads(marshal(value, tp))}


def test_issue_examples() -> None:
    assert _python("[]int", "[99999999999999999999]")["err"] == \
        "json: cannot unmarshal number 99999999999999999999 into Go value of type int"
    assert _python("Nums", '{"U8":300}')["err"] == \
        "json: cannot unmarshal number 300 into Go struct field Nums.U8 of type uint8"
    assert _python("Nums", '{"U64":-1}')["err"] == \
        "json: cannot unmarshal number -1 into Go struct field Nums.U64 of type uint64"
    assert _python("int", "1.0")["err"] == \
        "json: cannot unmarshal number 1.0 into Go value of type int"
    assert _python("int", "1e2")["err"] == \
        "json: cannot unmarshal number 1e2 into Go value of type int"
    assert _python("float64", "1e400")["err"] == \
        "json: cannot unmarshal number 1e400 into Go value of type float64"
    assert _python("uint", "-0")["err"] == \
        "json: cannot unmarshal number -0 into Go value of type uint"
    assert _python("float32", "3.4028235e38") == {"err": None, "value": 3.4028235e38}
    assert _python("map[uint8]int", '{"+5":1}')["err"] == \
        "json: cannot unmarshal number +5 into Go value of type uint8"


def test_untyped_integers_stay_exact() -> None:
    # The one deliberate difference: Go decodes every number into
    # interface{} as a float64 (rounding this one to 1e20); Python keeps the
    # integer, and refuses only what Go refuses (beyond float64's range).
    assert _python("any", "[99999999999999999999]") == \
        {"err": None, "value": [99999999999999999999]}


def test_every_width_matches_go() -> None:
    exe = lib.build_go("gohard")
    lines = "".join(json.dumps({"type": go, "json": text}) + "\n" for go, text in CASES)
    out = subprocess.run([str(exe), "jsonnum"], input=lines, capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    assert len(out) == len(CASES)
    mismatches = []
    for (go, text), line in zip(CASES, out):
        want = json.loads(line)
        got = _python(go, text)
        if got != want:
            mismatches.append((go, text[:60], got, want))
    assert mismatches == []


class Store:
    def Sum(self, xs: list[int]) -> int:
        return sum(xs)

    def Level(self, n: Nums) -> int:
        return n.U8


def test_over_json_rpc_the_call_fails_and_the_connection_serves_on() -> None:
    s = lib.rpc.Server()
    s.register(Store())
    r = lib.Running(s, "json")
    try:
        with jsonrpc.dial("tcp", r.address) as c:
            with pytest.raises(lib.rpc.ServerError) as info:
                c.call("Store.Sum", [99999999999999999999], int, timeout=10)
            assert str(info.value) == ("json: cannot unmarshal number 99999999999999999999 "
                                       "into Go value of type int")
            with pytest.raises(lib.rpc.ServerError, match="^json: cannot unmarshal number 300 "
                               "into Go struct field Nums.U8 of type uint8$"):
                c.call("Store.Level", {"U8": 300}, int, timeout=10)
            assert c.call("Store.Sum", [1, 2, 3], int, timeout=10) == 6
            # A reply out of the declared range fails the call on the client, as Go's.
            with pytest.raises(lib.rpc.RPCError) as info:
                c.call("Store.Sum", [100, 100], gob.int8, timeout=10)
            assert str(info.value) == ("reading body json: cannot unmarshal number 200 into "
                                       "Go value of type int8")
            assert c.call("Store.Sum", [1, 2, 3], int, timeout=10) == 6
    finally:
        r.stop()


def test_nan_and_infinity_are_not_json() -> None:
    for text in ["NaN", "[Infinity]", '{"A":-Infinity}']:
        with pytest.raises(UnmarshalError):
            unmarshal(text, Any)


def test_ids_echo_as_sent_and_nan_ends_the_stream() -> None:
    import socket

    s = lib.rpc.Server()
    s.register(Store())
    r = lib.Running(s, "json")
    try:
        host, port = r.address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b'{"method":"Store.Sum","params":[[1]],"id":-0}'
                         b'{"method":"Store.Sum","params":[[NaN]],"id":1}')
            got = b""
            while chunk := sock.recv(65536):
                got += chunk
        # Go echoes the id's bytes, then drops the connection at NaN.
        assert got == b'{"id":-0,"result":1,"error":null}\n'
    finally:
        r.stop()
