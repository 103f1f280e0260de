"""Truncated, corrupted and hostile streams raise GobError (or EOFError at a
clean end), never hang, crash or allocate beyond the bytes received."""

from __future__ import annotations

import datetime
import io
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import _gob_decls as D  # noqa: E402

from gostd.encoding import gob  # noqa: E402


def _stream(*values) -> bytes:
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for v in values:
        enc.encode(v)
    return out.getvalue()


SAMPLE = _stream(D.Everything(I8=-3, U64=1 << 60, S="héllo", Bs=b"\x00\x01", Ints=[1, -2],
                              Strs=["a", ""], MSI={"k": 1}, PIn=D.Inner(1, 2),
                              V=D.Point(5, 6), When=datetime.datetime(2020, 5, 6, 7, 8, 9),
                              Grid=(["x"], []), Nest=[[1], []], MSL={"a": [1]}),
                 D.Holder([1, 2], 3), D.Tree("root", [D.Tree("kid")]), "tail")
TARGETS = [None, D.Everything, D.Holder, D.Tree, str, D.Args, Any, list[int]]


def _decode_all(data: bytes, into=None, skip=False) -> None:
    dec = gob.Decoder(io.BytesIO(data))
    for _ in range(10):
        try:
            if skip:
                dec.skip()
            else:
                dec.decode(into=into)
        except (gob.GobError, EOFError):
            return


def test_sample_decodes():
    dec = gob.Decoder(io.BytesIO(SAMPLE))
    assert dec.decode(into=D.Everything).V == D.Point(5, 6)
    assert dec.decode(into=D.Holder) == D.Holder([1, 2], 3)
    assert dec.decode(into=D.Tree) == D.Tree("root", [D.Tree("kid")])
    assert dec.decode() == "tail"
    with pytest.raises(EOFError):
        dec.decode()


def test_truncation_at_every_offset():
    """EOF exactly at item boundaries, unexpected EOF everywhere else (Go's
    TestTruncation, item 97)."""
    data = _stream(D.Args(1, 2), D.Holder(D.Point(1, 2), 9), "x")
    boundaries = {0}
    dec = gob.Decoder(src := io.BytesIO(data))
    for _ in range(3):
        dec.decode()
        boundaries.add(src.tell())
    for cut in range(len(data) + 1):
        dec = gob.Decoder(io.BytesIO(data[:cut]))
        n = 0
        while True:
            try:
                dec.decode()
                n += 1
            except EOFError:
                assert cut in boundaries, cut
                break
            except gob.GobError as exc:
                assert cut not in boundaries, cut
                assert str(exc) == "unexpected EOF", (cut, str(exc))
                break


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("data,msg", [
    (bytes.fromhex("fba5822fca01"), "invalid message length"),
    (bytes.fromhex("fb0100000000") + b"x" * 100, "unexpected EOF"),
    (bytes.fromhex("f7") + b"\0" * 9, "gob: encoded unsigned integer out of range"),
    (bytes.fromhex("fc7fffffff") + b"\x0c\x00" + b"x" * 50, "unexpected EOF"),
])
def test_huge_claimed_message_lengths(data, msg):
    def run():
        with pytest.raises(gob.GobError) as ei:
            gob.Decoder(io.BytesIO(data)).decode()
        assert str(ei.value) == msg
    assert _peak(run) < 4 << 20


def _msg(body: bytes) -> bytes:
    b = bytearray()
    gob._wire.put_uint(b, len(body))
    return bytes(b) + body


@pytest.mark.parametrize("body,into", [
    # []int singleton claiming 2**62 elements
    (bytes.fromhex("0c ff81 020102ff82000104 0000".replace(" ", "")), None),
    # string claiming a huge length
    (bytes.fromhex("0c00f8" + "7f" + "ff" * 7) + b"abc", str),
    (bytes.fromhex("0c00f8" + "7f" + "ff" * 7) + b"abc", None),
    # map[string]int claiming 2**60 entries
    (None, dict[str, int]),
])
def test_huge_claimed_counts(body, into):
    defs = _stream([1])[:13]          # definition of []int as id 65
    if body is None:
        data = gob.dumps({"a": 1}, type=dict[str, int])
        cut = data.index(bytes.fromhex("ff820001"))
        data = data[:cut] + _msg(bytes.fromhex("ff8200f81000000000000000") + b"\x01a\x02")
    elif body.startswith(b"\x0c\xff"):
        data = defs + _msg(bytes.fromhex("ff8200f84000000000000000") + b"\x02" * 20)
    else:
        data = _msg(body)

    def run():
        with pytest.raises(gob.GobError):
            gob.Decoder(io.BytesIO(data)).decode(into=into)
        with pytest.raises(gob.GobError):
            gob.Decoder(io.BytesIO(data)).skip()
    assert _peak(run) < 4 << 20


def test_slice_too_big_message():
    data = _stream([1, 2])
    # The value message again, with the count (02) replaced by 2**62.
    body = bytes.fromhex("ff8200f84000000000000000") + b"\x02\x04"
    bad = data[:13] + _msg(body)
    with pytest.raises(gob.GobError) as ei:
        gob.loads(bad, into=list[int])
    assert "slice too big" in str(ei.value)


def test_unknown_type_ids():
    for into in (None, D.Args, int, Any):
        with pytest.raises(gob.GobError):
            gob.loads(bytes.fromhex("03ff9000"), into=into)


def test_negative_counts_and_deltas():
    # a struct field delta of 2**64-1
    data = gob.dumps(D.Args(1, 2))
    bad = data[:31] + _msg(bytes.fromhex("ff82f8ffffffffffffffff0200"))
    for into in (None, D.Args):
        with pytest.raises(gob.GobError):
            gob.loads(bad, into=into)


def _self_slice_defs() -> bytes:
    # type 65 = slice whose element is 65 itself (Go: type S []S)
    return _msg(bytes.fromhex("ff81020102ff820001ff820000"))


def test_recursive_type_bomb():
    # A value of S nested deeper than any stack: 100000 levels of 01.
    data = _self_slice_defs() + _msg(bytes.fromhex("ff8200") + b"\x01" * 100000 + b"\x00")
    for call in ("decode", "skip"):
        dec = gob.Decoder(io.BytesIO(data))
        with pytest.raises(gob.GobError):
            getattr(dec, call)()
    # shallow values of the same type decode fine
    ok = _self_slice_defs() + _msg(bytes.fromhex("ff820002010000"))
    assert gob.loads(ok) == [[[]], []]


def test_deep_chain_of_type_definitions():
    # 65 -> []66 -> []67 -> ... 2000 definitions deep, in one message each.
    data = bytearray()
    n = 2000
    for i in range(n):
        tid, elem = 65 + i, 66 + i if i < n - 1 else 2
        body = bytearray()
        gob._wire.put_int(body, -tid)
        body += b"\x02\x01\x02"
        gob._wire.put_int(body, tid)
        body += b"\x00\x01"
        gob._wire.put_int(body, elem)
        body += b"\x00\x00"
        data += _msg(bytes(body))
    data += _msg(bytes.fromhex("ff820000"))
    for call in ("decode", "skip"):
        with pytest.raises(gob.GobError) as ei:
            dec = gob.Decoder(io.BytesIO(bytes(data)))
            getattr(dec, call)()
        assert "nesting depth" in str(ei.value)


def test_configurable_message_limit():
    data = gob.dumps("x" * 1000)
    with pytest.raises(gob.GobError) as ei:
        gob.Decoder(io.BytesIO(data), max_message_size=100).decode()
    assert str(ei.value) == "invalid message length"
    with pytest.raises(gob.GobError) as ei:
        gob.Encoder(io.BytesIO(), max_message_size=100).encode("x" * 1000)
    assert str(ei.value) == "gob: encoder: message too big"


def test_interface_name_too_long():
    name = "n" * 2000
    body = bytearray(b"\x10\x00")
    gob._wire.put_uint(body, len(name))
    body += name.encode() + b"\x04\x02\x00\x02"
    with pytest.raises(gob.GobError) as ei:
        gob.loads(_msg(bytes(body)), into=Any)
    assert str(ei.value).startswith("gob: name too long (2000 bytes)")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=200))
def test_fuzz_random_bytes(data):
    for into in TARGETS:
        _decode_all(data, into)
    _decode_all(data, skip=True)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(0, 255),
                                st.sampled_from(["set", "insert", "delete"])),
                      min_size=1, max_size=4),
       cut=st.integers(0, len(SAMPLE)))
def test_fuzz_mutated_stream(edits, cut):
    data = bytearray(SAMPLE)
    for pos, byte, op in edits:
        pos = min(pos, len(data) - 1)
        if op == "set":
            data[pos] = byte
        elif op == "insert":
            data.insert(pos, byte)
        elif len(data) > 1:
            del data[pos]
    data = bytes(data[:max(cut, len(data) // 2)])
    for into in TARGETS:
        _decode_all(data, into)
    _decode_all(data, skip=True)
