"""Regression tests: remote structs too wide to generate code for, plain
decoding's amplification budget, and deep nesting that must end in
GobError (never RecursionError, a crash or a hang)."""

from __future__ import annotations

import dataclasses
import io
import random
import sys
import tracemalloc
from typing import Any, Optional

import pytest

from gostd.encoding import gob
from gostd.encoding.gob import _decgen
from gostd.encoding.gob._wire import put_int, put_uint
from gostd.encoding.gob._wiretype import read_uint


def _msg(body: bytes) -> bytes:
    b = bytearray()
    put_uint(b, len(body))
    return bytes(b) + body


def _struct_def(tid: int, nfields: int) -> bytes:
    """A definition of struct type ``tid`` named S with int fields F0..."""
    b = bytearray()
    put_int(b, -tid)
    b += b"\x03\x01\x01\x01S\x01"
    put_int(b, tid)
    b += b"\x00\x01"
    put_uint(b, nfields)
    for i in range(nfields):
        name = f"F{i}".encode()
        b += b"\x01"
        put_uint(b, len(name))
        b += name + b"\x01\x04\x00"
    return _msg(bytes(b + b"\x00\x00"))


def _slice_def(tid: int, elem: int) -> bytes:
    b = bytearray()
    put_int(b, -tid)
    b += b"\x02\x01\x02"
    put_int(b, tid)
    b += b"\x00\x01"
    put_int(b, elem)
    return _msg(bytes(b + b"\x00\x00"))


def _bounded(fn, peak=64 << 20, blocks=200_000):
    """Run ``fn`` and check the work it did by what it allocated: its peak
    memory, and the memory blocks left allocated afterwards (compiled code
    per remote field would leave hundreds of thousands).  No wall-clock
    bound: speed is the benchmarks' business, and a busy machine must not
    fail the suite."""
    before = sys.getallocatedblocks()
    tracemalloc.start()
    try:
        fn()
        assert tracemalloc.get_traced_memory()[1] < peak
    finally:
        tracemalloc.stop()
    assert sys.getallocatedblocks() - before < blocks


@dataclasses.dataclass
class S:
    F3: int = 0
    F19999: int = -1


def test_very_wide_remote_struct_is_cheap():
    """20,000 remote fields (200 KB): decoding must not compile code per
    field (it took seconds and ~1.7 GB before)."""
    value = bytearray()
    put_int(value, 65)
    value += b"\x04\x0e"            # F3 = 7
    put_uint(value, 19999 - 3)
    value += b"\x02\x00"            # F19999 = 1
    data = _struct_def(65, 20000) + _msg(bytes(value))

    def run():
        assert gob.loads(data, into=S) == S(7, 1)
        plain = gob.Decoder(io.BytesIO(data)).decode()
        assert len(plain) == 20000 and plain["F3"] == 7 and plain["F19999"] == 1
        assert plain["F0"] == 0
        gob.Decoder(io.BytesIO(data)).skip()
    _bounded(run)


def test_plain_decoding_budget_stops_amplification():
    """A []S of 2,000-field structs, 20,000 one-byte elements: plain form
    would be 40 million dict entries from 40 KB.  It is refused; the same
    bytes decode into a local type, whose size the receiver chose."""
    value = bytearray()
    put_int(value, 66)
    value += b"\x00"
    put_uint(value, 20000)
    value += b"\x00" * 20000
    data = _struct_def(65, 2000) + _slice_def(66, 65) + _msg(bytes(value))

    def run():
        with pytest.raises(gob.GobError, match="too large for the bytes received"):
            gob.Decoder(io.BytesIO(data)).decode()
        got = gob.Decoder(io.BytesIO(data)).decode(into=list[S])
        assert len(got) == 20000 and got[0] == S(0, -1)
    _bounded(run, peak=256 << 20)
    # a moderately sized legitimate value stays within the budget
    ok = _struct_def(65, 40) + _slice_def(66, 65) + _msg(b"\xff\x84\x00\xfe\x03\xe8" + b"\x00" * 1000)
    assert len(gob.Decoder(io.BytesIO(ok)).decode()) == 1000


def _wide_class(n: int):
    kinds = [int, str, gob.uint8, float, list[int], Optional[int], Any,
             Optional[dict[str, int]], bool, tuple[int, int]]
    return dataclasses.make_dataclass(
        f"Wide{n}", [(f"F{i}", kinds[i % len(kinds)]) for i in range(n)])


def _random_value(cls, rnd):
    """Zero (so not sent) 60% of the time, else a non-zero value."""
    vals = {}
    for f in dataclasses.fields(cls):
        t = f.type
        pick = rnd.random() < 0.4
        if t is int:
            v = rnd.randrange(-10**12, 10**12) if pick else 0
        elif t is str:
            v = "é" * rnd.randrange(1, 3) if pick else ""
        elif t is gob.uint8:
            v = rnd.randrange(1, 256) if pick else 0
        elif t is float:
            v = rnd.random() + 1 if pick else 0.0
        elif t == list[int]:
            v = [rnd.randrange(100)] if pick else []
        elif t == Optional[int]:
            v = rnd.randrange(1, 9) if pick else None
        elif t is Any:
            v = rnd.choice([1, "s"]) if pick else None
        elif t == Optional[dict[str, int]]:
            v = {"k": 1} if pick else None
        elif t is bool:
            v = pick
        else:
            v = (rnd.randrange(5), 0)
        vals[f.name] = v
    return cls(**vals)


@pytest.mark.parametrize("n", [3, 40, 200])
def test_table_decoder_matches_generated_decoder(monkeypatch, n):
    """The same bytes decode identically through generated code and the
    table-driven loop, into a dataclass, in plain form, and in slices."""
    cls = _wide_class(n)
    rnd = random.Random(n)
    values = [_random_value(cls, rnd) for _ in range(5)]
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for v in values:
        enc.encode(v)
    enc.encode(values, type=list[cls])
    data = out.getvalue()

    def decode_all():
        dec = gob.Decoder(io.BytesIO(data))
        one = [dec.decode(into=cls) for _ in values] + [dec.decode(into=list[cls])]
        dec = gob.Decoder(io.BytesIO(data))
        plain = [dec.decode() for _ in range(len(values) + 1)]
        return one, plain

    monkeypatch.setattr(_decgen, "MAX_GENERATED", 10**6)
    generated = decode_all()
    monkeypatch.setattr(_decgen, "MAX_GENERATED", 0)
    table = decode_all()
    assert generated == table
    assert table[0][:len(values)] == values
    assert table[0][-1] == values


def test_table_decoder_errors_match(monkeypatch):
    cls = _wide_class(5)
    head = _definitions(gob.dumps(cls(1, "", 0, 0.0, [])))
    bad = head + _msg(bytes.fromhex("ff8201020902 00"))   # field 9 of 5
    fixed = head + _msg(bytes.fromhex("ff82010200"))
    for limit in (10**6, 0):
        monkeypatch.setattr(_decgen, "MAX_GENERATED", limit)
        for into in (cls, None):
            with pytest.raises(gob.GobError, match="^gob: bad data: field numbers out of bounds$"):
                gob.Decoder(io.BytesIO(bad)).decode(into=into)
        assert gob.Decoder(io.BytesIO(fixed)).decode(into=cls).F0 == 1


@dataclasses.dataclass
class Node:
    Val: int = 0
    Next: Optional[Node] = None


@dataclasses.dataclass
class Box:
    V: Any = None


gob.register(Box, "main.DeepBox")


def _first_message(stream: bytes) -> bytes:
    n, pos = read_uint(stream, 0)
    return stream[:pos + n]


def _definitions(stream: bytes) -> bytes:
    """All messages of a one-value stream but the value's."""
    pos = last = 0
    while pos < len(stream):
        last = pos
        n, pos = read_uint(stream, pos)
        pos += n
    return stream[:last]


def _chain(cls, depth, make):
    v = None
    for i in range(depth):
        v = make(i, v)
    return v


def test_moderately_deep_values_work():
    n = _chain(Node, 700, lambda i, v: Node(i + 1, v))   # (was ~490 at most)
    back = gob.loads(gob.dumps(n), into=Node)
    vals = []
    while back is not None:     # (== on 700 nested dataclasses would recurse)
        vals.append(back.Val)
        back = back.Next
    assert vals == list(range(700, 0, -1))
    plain = gob.loads(gob.dumps(n))
    assert plain["Val"] == 700 and plain["Next"]["Val"] == 699
    b = _chain(Box, 100, lambda i, v: Box(v))
    assert gob.loads(gob.dumps(b), into=Box) == b


def test_too_deep_values_raise_gob_error():
    n = _chain(Node, 5000, lambda i, v: Node(i + 1, v))
    with pytest.raises(gob.GobError):
        gob.dumps(n)
    b = _chain(Box, 5000, lambda i, v: Box(v))
    with pytest.raises(gob.GobError):
        gob.dumps(b)


def _boxes(depth: int) -> bytes:
    """A Box definition and a Box value nesting ``depth`` more Boxes."""
    name = b"main.DeepBox"
    inner = b"\x00"
    for _ in range(depth):
        v = bytearray(b"\x01")
        put_uint(v, len(name))
        v += name + b"\xff\x82"
        put_uint(v, len(inner))
        inner = bytes(v + inner + b"\x00")
    return _first_message(gob.dumps(Box())) + _msg(b"\xff\x82" + inner)


def test_hostile_deep_values_raise_gob_error():
    """Streams nesting far deeper than the stack, built by hand."""
    # Node{1, &Node{1, ...}} 100000 deep: field 0 then field 1 repeatedly.
    node_def = _first_message(gob.dumps(Node(1)))
    data = node_def + _msg(bytes.fromhex("ff82") + b"\x01\x02\x01" * 100000 + b"\x00" * 100001)
    # Box{V: Box{V: ...}}: interfaces nested 3000 deep.
    assert gob.loads(_boxes(2), into=Box) == Box(Box(Box()))
    boxes = _boxes(3000)
    for stream, into in ((data, Node), (data, None), (boxes, Box), (boxes, None)):
        def run():
            with pytest.raises(gob.GobError):
                gob.Decoder(io.BytesIO(stream)).decode(into=into)
            with pytest.raises(gob.GobError):
                gob.Decoder(io.BytesIO(stream)).skip()
        _bounded(run, peak=256 << 20)
