"""Regressions found by the acceptance pass (issue 5 follow-up): each test
failed before its fix."""

from __future__ import annotations

import datetime
import importlib.util
import io
import math
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest

import gostd.net.rpc as rpc
from gostd.encoding import gob
from gostd.net.rpc import jsonrpc
from gostd.net.rpc._types import go_type_name

import rpc_testlib as lib


def _serve(svc: object, mode: str) -> lib.Running:
    s = rpc.Server()
    s.register(svc)
    return lib.Running(s, mode)


USER_MODULE = """\
from __future__ import annotations

from dataclasses import dataclass, field

import gostd.net.rpc as rpc


def make():
    @dataclass
    class Pair:
        A: int = 0
        B: int = 0

    class Calc:
        def Add(self, p: Pair) -> int:
            return p.A + p.B

        def Twice(self, n: int) -> list[int]:
            return [n, n]

    s = rpc.Server()
    s.register(Calc())
    return s, Pair
"""


def test_local_classes_under_future_annotations_resolve(tmp_path: Any) -> None:
    """Services and types defined inside a function, in a module using
    ``from __future__ import annotations`` (annotations are strings): the
    registering caller's locals resolve them."""
    path = tmp_path / "rpc_user_module.py"
    path.write_text(USER_MODULE)
    spec = importlib.util.spec_from_file_location("rpc_user_module", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["rpc_user_module"] = module
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        for mode in ("gob", "json"):
            server, pair = module.make()
            running = lib.Running(server, mode)
            try:
                with running.dial(mode) as c:
                    assert c.call("Calc.Add", pair(2, 3), int) == 5
                    assert c.call("Calc.Twice", 4, list[int]) == [4, 4]
            finally:
                running.stop()
    finally:
        del sys.modules["rpc_user_module"]


class Raiser:
    def Key(self, name: str) -> str:
        raise KeyError(f'no item "{name}"')

    def Empty(self, name: str) -> str:
        raise ValueError()

    def Exit(self, name: str) -> str:
        raise SystemExit("exit requested")


@pytest.mark.parametrize("mode", ["gob", "json"])
def test_error_text_is_the_raised_message(mode: str) -> None:
    """``KeyError("x")`` sends ``x`` (not str()'s ``'x'``); an exception
    without text sends its type name; even SystemExit gets an answer."""
    running = _serve(Raiser(), mode)
    try:
        with running.dial(mode) as c:
            with pytest.raises(rpc.ServerError) as info:
                c.call("Raiser.Key", "kiwi", str, timeout=10)
            assert str(info.value) == 'no item "kiwi"'
            with pytest.raises(rpc.ServerError, match="^ValueError$"):
                c.call("Raiser.Empty", "", str, timeout=10)
            with pytest.raises(rpc.ServerError, match="^exit requested$"):
                c.call("Raiser.Exit", "", str, timeout=10)
    finally:
        running.stop()


@dataclass
class Stamp:
    N: gob.uint8 = 0  # type: ignore[assignment]
    T: datetime.datetime = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)
    P: Optional[int] = None


class Times:
    def Nan(self, n: int) -> float:
        return math.nan

    def Later(self, s: Stamp) -> Stamp:
        return Stamp(s.N + 1, s.T + datetime.timedelta(hours=1), s.P)

    def Bad(self, n: int) -> int:
        return {1j: 1}  # type: ignore[return-value]


def test_jsonrpc_unencodable_reply_is_an_error_not_a_hang() -> None:
    """Go's jsonrpc server never answers a reply it cannot encode (its
    client waits forever); ours answers with the encode error."""
    running = _serve(Times(), "json")
    try:
        with running.dial("json") as c:
            with pytest.raises(rpc.ServerError, match="^json: unsupported value: NaN$"):
                c.call("Times.Nan", 0, float, timeout=10)
            with pytest.raises(rpc.ServerError, match="^json: unsupported type"):
                c.call("Times.Bad", 0, int, timeout=10)
            assert c.call("Times.Later",
                          Stamp(1, datetime.datetime(2009, 11, 10, 23)), Stamp,
                          timeout=10) == Stamp(2, datetime.datetime(
                              2009, 11, 11, 0, tzinfo=datetime.timezone.utc))
            with pytest.raises(rpc.ServerError,
                               match="^json: cannot unmarshal number 256 into Go struct "
                                     "field Stamp.N of type uint8$"):
                c.call("Times.Later", {"N": 256}, Stamp, timeout=10)
    finally:
        running.stop()


def test_go_type_names_of_gob_markers() -> None:
    assert go_type_name(gob.uint8) == "uint8"
    assert go_type_name(list[gob.int32]) == "[]int32"
    assert go_type_name(datetime.datetime) == "time.Time"
    assert go_type_name(Optional[gob.float32]) == "*float32"


@dataclass
class Leaf:
    X: int = 0


@dataclass
class Tree:
    L: Leaf = field(default_factory=Leaf)
    B: int = 0


def test_failed_args_encode_sends_definitions_but_no_header() -> None:
    """A request whose args cannot be encoded fails that call; the type
    definitions the encoder now counts as sent still go out, but neither
    the header (a phantom request) nor a definition twice."""
    from gostd.net.rpc._codec import Request
    from gostd.net.rpc._gobcodec import GobClientCodec, _WireRequest

    written = bytearray()

    class Sink:
        def write(self, b: bytes) -> int:
            written.extend(b)
            return len(b)

        def read(self, n: int) -> bytes:
            return b""

        def close(self) -> None:
            pass

    codec = GobClientCodec(Sink())
    with pytest.raises(gob.GobError):
        codec.write_request(Request("Arith.Multiply", 0), Tree(Leaf(1), "bad"))  # type: ignore[arg-type]
    codec.write_request(Request("Arith.Multiply", 1), Tree(Leaf(2), 3))
    dec = gob.Decoder(io.BytesIO(bytes(written)))
    header = dec.decode(_WireRequest)
    assert (header.ServiceMethod, header.Seq) == ("Arith.Multiply", 1)
    assert dec.decode(Tree) == Tree(Leaf(2), 3)
    with pytest.raises(EOFError):
        dec.decode()


def test_json_float32_like_go() -> None:
    """Go formats a float32 with 32-bit shortest digits and range-checks it."""
    assert jsonrpc.marshal([gob.float32(0.1), gob.float32(1e-7), gob.float32(3.4e38)]) == \
        "[0.1,1e-7,3.4e+38]"
    assert jsonrpc.unmarshal("0.1", gob.float32) == gob.float32(0.1)
    with pytest.raises(jsonrpc.UnmarshalError,
                       match="^json: cannot unmarshal number 1e39 into Go value of type "
                             "float32$"):
        jsonrpc.unmarshal("1e39", gob.float32)
