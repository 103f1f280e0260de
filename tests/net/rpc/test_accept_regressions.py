"""Regressions found by the acceptance pass (issue 5 follow-up): each test
failed before its fix."""

from __future__ import annotations

import datetime
import importlib.util
import io
import math
import sys
import threading
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
    assert jsonrpc.unmarshal("0.1", gob.float32) == 0.10000000149011612  # Go's float32(0.1)
    with pytest.raises(jsonrpc.UnmarshalError,
                       match="^json: cannot unmarshal number 1e39 into Go value of type "
                             "float32$"):
        jsonrpc.unmarshal("1e39", gob.float32)


# -- encoding/json rules met by Go programs (texts checked against Go 1.19) ------


@dataclass
class JMeta:
    Created: str = ""
    Labels: Optional[dict[str, str]] = None
    N: int = field(default=0, metadata={"json": "n"})


@dataclass
class JInner:
    V: int = 0


@dataclass
class JShape:
    JMeta: JMeta = field(default_factory=JMeta, metadata={"embedded": True})
    Name: str = ""
    Age: int = field(default=0, metadata={"json": "age"})
    In: JInner = field(default_factory=JInner)
    Ptr: Optional[JInner] = field(default=None, metadata={"json": "ptr"})
    List: Optional[list[JInner]] = None
    M: Optional[dict[str, JInner]] = None
    A: tuple[int, int] = (0, 0)


@dataclass
class JPtrEmbed:
    JMeta: Optional[JMeta] = field(default=None, metadata={"embedded": True})
    Name: str = ""


@dataclass
class JConf1:
    X: int = 0


@dataclass
class JConf2:
    X: int = 0


@dataclass
class JClash:
    JConf1: JConf1 = field(default_factory=JConf1, metadata={"embedded": True})
    JConf2: JConf2 = field(default_factory=JConf2, metadata={"embedded": True})
    Y: int = 0


@dataclass
class JTagged:
    X: int = field(default=0, metadata={"json": "X"})


@dataclass
class JClashTagged:
    JConf1: JConf1 = field(default_factory=JConf1, metadata={"embedded": True})
    JConf2: JConf2 = field(default_factory=JConf2, metadata={"embedded": True})
    JTagged: JTagged = field(default_factory=JTagged, metadata={"embedded": True})


@dataclass
class JTaggedEmbed:
    JMeta: JMeta = field(default_factory=JMeta, metadata={"embedded": True, "json": "meta"})
    Name: str = ""


def test_json_embedded_struct_fields_are_promoted_like_go() -> None:
    """Go's encoding/json flattens an embedded struct's fields into the
    outer object, both ways; a field named like its type is not embedded
    unless marked (Go's ``Inner Inner`` is an ordinary field)."""
    assert jsonrpc.marshal(JShape(JMeta(Created="c"), "n")) == (
        '{"Created":"c","Labels":null,"n":0,"Name":"n","age":0,"In":{"V":0},"ptr":null,'
        '"List":null,"M":null,"A":[0,0]}')
    got = jsonrpc.unmarshal('{"Created":"c","labels":{"a":"b"},"N":3,"Name":"x"}', JShape)
    assert got.JMeta == JMeta("c", {"a": "b"}, 3) and got.Name == "x"
    # A nil embedded pointer sends none of its fields; decoding allocates it.
    assert jsonrpc.marshal(JPtrEmbed(Name="n")) == '{"Name":"n"}'
    assert jsonrpc.unmarshal('{"Created":"c"}', JPtrEmbed) == JPtrEmbed(JMeta("c"))
    # Two promoted X at the same depth cancel out; a tag makes it a named field.
    assert jsonrpc.marshal(JClash(JConf1(1), JConf2(2), 3)) == '{"Y":3}'
    assert jsonrpc.marshal(JClashTagged(JConf1(1), JConf2(2), JTagged(3))) == '{"X":3}'
    assert jsonrpc.marshal(JTaggedEmbed(JMeta("c"), "n")) == \
        '{"meta":{"Created":"c","Labels":null,"n":0},"Name":"n"}'
    assert jsonrpc.marshal(Tree(Leaf(1), 2)) == '{"L":{"X":1},"B":2}'


@pytest.mark.parametrize("text, want", [
    ('{"age":"old"}', "Go struct field JShape.age of type int"),
    ('{"n":"x"}', "Go struct field JShape.n of type int"),
    ('{"Labels":{"a":1}}', "Go struct field JShape.Labels of type string"),
    ('{"In":{"V":"x"}}', "Go struct field JInner.In.V of type int"),
    ('{"ptr":{"v":"x"}}', "Go struct field JInner.ptr.V of type int"),
    ('{"List":[{"V":"x"}]}', "Go struct field JInner.List.V of type int"),
    ('{"M":{"k":{"V":"x"}}}', "Go struct field JInner.M.V of type int"),
    ('{"A":["x"]}', "Go struct field JShape.A of type int"),
])
def test_json_error_names_innermost_struct_and_json_field_path(text: str, want: str) -> None:
    """Go 1.19's UnmarshalTypeError text: the struct being decoded, then the
    JSON names of the fields leading to the value."""
    with pytest.raises(jsonrpc.UnmarshalError) as info:
        jsonrpc.unmarshal(text, JShape)
    kind = "number" if "Labels" in text else "string"
    assert str(info.value) == f"json: cannot unmarshal {kind} into {want}"


def test_json_array_length_like_go() -> None:
    """A JSON array into a Go array: extra elements dropped, missing ones zero."""
    assert jsonrpc.unmarshal('{"A":[1]}', JShape).A == (1, 0)
    assert jsonrpc.unmarshal('{"A":[1,2,3]}', JShape).A == (1, 2)
    assert jsonrpc.unmarshal("[1]", tuple[int, int, int]) == (1, 0, 0)
    assert jsonrpc.unmarshal("[1,2,3]", tuple[int, ...]) == (1, 2, 3)


@dataclass
class JPoint:
    X: gob.float32 = 0.0  # type: ignore[assignment]
    Ys: list[gob.float32] = field(default_factory=list)  # type: ignore[valid-type]


def test_json_declared_float32_is_written_with_32_bit_digits() -> None:
    """A plain float in a field or reply declared float32 is written as Go
    writes the float32 (``0.1``, not ``0.10000000149011612``)."""
    x = 0.10000000149011612  # float32(0.1), as computed in Python
    assert jsonrpc.marshal(JPoint(x, [x, 0.5])) == '{"X":0.1,"Ys":[0.1,0.5]}'
    assert jsonrpc.marshal(x, gob.float32) == "0.1"
    assert jsonrpc.marshal([x], list[gob.float32]) == "[0.1]"
    assert jsonrpc.marshal(x) == "0.10000000149011612"  # undeclared: a float64
    assert jsonrpc.unmarshal('{"X":0.1}', JPoint).X == x


def test_jsonrpc_server_writes_float32_reply_like_go() -> None:
    """The reply annotation reaches the JSON codec: ``-> gob.float32``."""
    import socket

    class Halves:
        def Half(self, v: gob.float32) -> gob.float32:
            return v / 2

    server = rpc.Server()
    server.register(Halves())
    a, b = socket.socketpair()
    t = threading.Thread(target=server.serve_codec, args=(jsonrpc.ServerCodec(b),))
    t.start()
    try:
        a.sendall(b'{"method":"Halves.Half","params":[0.3],"id":1}\n')
        with a.makefile("rb") as f:
            reply = f.readline()
    finally:
        a.close()
        t.join(5)
    assert reply == b'{"id":1,"result":0.15,"error":null}\n'


@dataclass
class JQuoted:
    ID: gob.int64 = field(default=0, metadata={"json": "id,string"})  # type: ignore[assignment]
    F: float = field(default=0.0, metadata={"json": "f,string"})
    B: bool = field(default=False, metadata={"json": "b,string"})
    S: str = field(default="", metadata={"json": "s,string"})
    P: Optional[int] = field(default=None, metadata={"json": "p,string"})
    L: Optional[list[int]] = field(default=None, metadata={"json": "l,string"})


def test_json_string_tag_option_like_go() -> None:
    """``json:"id,string"``: bools, numbers and strings travel inside a
    JSON string; other kinds ignore the option (texts from Go 1.19)."""
    assert jsonrpc.marshal(JQuoted(1 << 60, 0.5, True, 'a<b"', 5, [1])) == (
        '{"id":"1152921504606846976","f":"0.5","b":"true","s":"\\"a\\\\u003cb\\\\\\"\\"",'
        '"p":"5","l":[1]}')
    assert jsonrpc.marshal(JQuoted()) == \
        '{"id":"0","f":"0","b":"false","s":"\\"\\"","p":null,"l":null}'
    assert jsonrpc.unmarshal('{"id":"12","f":"1e3","b":"false","s":"\\"x\\"","p":"7"}',
                             JQuoted) == JQuoted(12, 1000.0, False, "x", 7)
    assert jsonrpc.unmarshal('{"id":"null"}', JQuoted) == JQuoted()
    prefix = "json: invalid use of ,string struct tag, trying to unmarshal "
    for text, want in [('{"id":12}', "unquoted value into int64"),
                       ('{"id":"x"}', '"x" into int64'),
                       ('{"s":"x"}', '"x" into string'),
                       ('{"b":"1"}', '"1" into bool')]:
        with pytest.raises(jsonrpc.UnmarshalError) as info:
            jsonrpc.unmarshal(text, JQuoted)
        assert str(info.value) == prefix + want
    with pytest.raises(jsonrpc.UnmarshalError, match="^json: cannot unmarshal number 1.5 into "
                                                     "Go struct field JQuoted.id of type int64$"):
        jsonrpc.unmarshal('{"id":"1.5"}', JQuoted)


class Untouched:
    """Methods that return nothing: Go sends the reply variable it made."""

    def NoSlice(self, n: int) -> list[str]:
        return None  # type: ignore[return-value]

    def NoMap(self, n: int) -> dict[str, int]:
        return None  # type: ignore[return-value]

    def NoArray(self, n: int) -> tuple[int, int]:
        return None  # type: ignore[return-value]

    def NoFloat(self, n: int) -> gob.float32:
        return None  # type: ignore[return-value]

    def NoStruct(self, n: int) -> Leaf:
        return None  # type: ignore[return-value]

    def Nothing(self, n: int):  # type: ignore[no-untyped-def]
        return None


def test_reply_of_a_method_returning_nothing_is_gos_zero_reply() -> None:
    """Go's server allocates an empty slice or map for the reply before the
    call, so an untouched reply is ``[]``/``{}`` (not a struct{}{} the Go
    client cannot decode into its slice), an array is zeros, a float32 0."""
    import socket

    server = rpc.Server()
    server.register(Untouched())
    a, b = socket.socketpair()
    t = threading.Thread(target=server.serve_codec, args=(jsonrpc.ServerCodec(b),))
    t.start()
    try:
        for i, name in enumerate(["NoSlice", "NoMap", "NoArray", "NoFloat", "NoStruct",
                                  "Nothing"]):
            a.sendall(b'{"method":"Untouched.%s","params":[1],"id":%d}\n' % (name.encode(), i))
        with a.makefile("rb") as f:
            replies = sorted(f.readline() for _ in range(6))
    finally:
        a.close()
        t.join(5)
    assert replies == [b'{"id":0,"result":[],"error":null}\n',
                       b'{"id":1,"result":{},"error":null}\n',
                       b'{"id":2,"result":[0,0],"error":null}\n',
                       b'{"id":3,"result":0,"error":null}\n',
                       b'{"id":4,"result":{"X":0},"error":null}\n',
                       b'{"id":5,"result":{},"error":null}\n']
    r = lib.Running(server)
    try:
        with r.dial() as c:
            assert c.call("Untouched.NoSlice", 1, list[str]) == []
            assert c.call("Untouched.NoMap", 1, dict[str, int]) == {}
            assert c.call("Untouched.NoArray", 1, tuple[int, int]) == (0, 0)
            assert c.call("Untouched.NoFloat", 1, gob.float32) == 0.0
            assert c.call("Untouched.NoStruct", 1, Leaf) == Leaf()
    finally:
        r.stop()
