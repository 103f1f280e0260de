"""Regression tests for behaviours found missing by the acceptance pass,
each checked against what Go 1.19 does (values noted beside each)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any, Optional

import pytest

from gostd.encoding import gob


@dataclass
class Wide64:
    F: float = 0.0
    C: complex = 0j


@dataclass
class Narrow32:
    F: gob.float32 = 0.0
    C: gob.complex64 = 0j


def test_float64_decoded_into_float32_is_rounded():
    # Go: Decode(&struct{F float32; C complex64}) of {0.1, 0.1+0.2i} gives
    # float64(F) = 0.10000000149011612, C = 0.10000000149011612+0.20000000298023224i
    got = gob.loads(gob.dumps(Wide64(0.1, 0.1 + 0.2j)), into=Narrow32)
    assert got == Narrow32(0.10000000149011612, 0.10000000149011612 + 0.20000000298023224j)
    assert gob.loads(gob.dumps(0.1), into=gob.float32) == 0.10000000149011612
    # values already float32 are unchanged; infinities stay infinite
    assert gob.loads(gob.dumps(Wide64(float("-inf"), 1.5j)), into=Narrow32) == \
        Narrow32(float("-inf"), 1.5j)


# Streams (hex) and the error Go 1.19.8's Decoder reports for them; found by
# differential fuzzing against Go.  The targets are Python's names for the
# Go types each stream was decoded into.
@dataclass
class Args:
    A: int = 0
    B: int = 0


GO_ERRORS = [
    # a message's type id cut short is read like Go's reader: unexpected EOF
    ("08f80c0005656c6c6f", Args, "unexpected EOF"),
    # ids are Go's int32 typeId: this one wraps negative (a definition),
    # and the definition then runs out of messages
    ("08f90c000568657f6c6f", Args, "unexpected EOF"),
    # a malformed singleton delta is an integer error first
    ("0cff81020102ff82000104000007ff828d0003020406", None,
     "gob: encoded unsigned integer out of range"),
    # interface names are quoted like Go's %q
    ("2c10000a6d61696e2e506f696eff8103010105506f696e7401ff82000102010158010400010159010400"
     "000008ff82050112011200", Any, 'gob: name not registered for interface: "main.Poin\\xff"'),
    ("2c10000a6d61696e2e506f696e01ff8103010105506f696e7401ff82000102010158010400010159010400"
     "000008ff82050112011200", Any, 'gob: name not registered for interface: "main.Poin\\x01"'),
    # Go's per-kind slice decoders have their own texts
    ("0cff81020102ff82000104000007ff82004303020406", list[int],
     "gob: decoding int array or slice: length exceeds input size (67 elements)"),
    ("0cff81020102ff82000104000007ff82000302ff0002", list[gob.int8],
     "gob: decoding int8 array or slice: length exceeds input size (3 elements)"),
    ("0cff81020102ff8200010c000009ff82000301cc61016200", list[str],
     "gob: length of string exceeds input size (97 bytes)"),
    # ids 9-15 are Go's reserved placeholders, named _reserved1
    ("03120000", list[int], "gob: decoding into local type *[]int, received remote type _reserved1"),
    ("03120000", str, "gob: decoding into local type *string, received remote type _reserved1"),
    ("03120000", None, "gob: bad data: undefined type _reserved1"),
]


@pytest.mark.parametrize("hexdata,into,want", GO_ERRORS)
def test_error_texts_match_go(hexdata, into, want):
    dec = gob.Decoder(io.BytesIO(bytes.fromhex(hexdata)))
    with pytest.raises(gob.GobError) as ei:
        if into is None:
            dec.skip()
        else:
            dec.decode(into=into)
    assert str(ei.value) == want


@dataclass
class Point:
    X: int = 0
    Y: int = 0


@dataclass
class Holder:
    V: Any = None
    N: int = 0


def _point_class():
    """The class registered as main.Point (the registry is process-wide)."""
    t = gob._types.registered_type("main.Point")
    if t is None:
        gob.register(Point)
        return Point
    return t.cls


def test_messages_ending_inside_an_interface_value():
    """Go: EOF when a zero-length message follows where the interface's
    value should continue, unexpected EOF when the stream just ends."""
    data = gob.dumps(Holder(_point_class()(1, 2), 9))
    cut = data.index(bytes.fromhex("0bff84"))
    for stream, want in ((data[:cut] + b"\x00", "EOF"), (data[:cut], "unexpected EOF"),
                         (data[:cut] + b"\x00" + data[cut:], "EOF")):
        with pytest.raises(gob.GobError) as ei:
            gob.Decoder(io.BytesIO(stream)).decode(into=Holder)
        assert str(ei.value) == want


def test_time_offset_shifted_to_minus_one_minute_is_utc():
    # Go: time.Unix(0, 0).In(time.FixedZone("", -316)) encoded, decoded (Go
    # 1.19 adds the seconds byte unsigned: -300 + 240 = -60, which Go takes
    # as UTC) and encoded again.
    sent = bytes.fromhex("10ff810501010454696d6501ff8200000014ff820010020000000e7791f70000"
                         "000000fffbf0")
    again = bytes.fromhex("10ff810501010454696d6501ff8200000013ff82000f010000000e7791f7000"
                          "0000000ffff")
    t = gob.loads(sent)
    assert t.tzinfo is datetime.timezone.utc
    assert gob.dumps(t) == again


@dataclass
class PtrGob:
    T: Optional[datetime.datetime] = None
    N: int = 0


def test_pointer_to_zero_time_field_is_sent():
    # Go: Encode(struct{T *time.Time; N int}{&time.Time{}, 1}): a non-nil
    # pointer to a GobEncoder is sent even when its value is zero, and the
    # definition reached through the pointer is Go's nameless one.
    data = gob.dumps(PtrGob(datetime.datetime(1, 1, 1), 1))
    assert data.hex() == ("21ff8103010106507472476f6201ff8200010201015401ff840001014e01040000000aff"
                          "83050102ff8600000016ff82010f01000000000000000000000000ffff010200")
    assert gob.loads(data, into=PtrGob) == PtrGob(datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc), 1)
    assert gob.loads(gob.dumps(PtrGob(None, 1)), into=PtrGob) == PtrGob(None, 1)


def test_register_conflicts_use_gos_messages():
    """Go's RegisterName: a name taken by another type, then a type already
    registered under another name, each panic with their own text."""
    @dataclass
    class RegA:
        X: int = 0

    @dataclass
    class RegB:
        X: int = 0

    gob.register(RegA, "regs.A")
    gob.register(RegA, "regs.A")    # the same pair again is fine, as in Go
    with pytest.raises(gob.GobError) as ei:
        gob.register(RegB, "regs.A")
    assert str(ei.value) == 'gob: registering duplicate types for "regs.A": main.RegA != main.RegB'
    with pytest.raises(gob.GobError) as ei:
        gob.register(RegA, "regs.Other")
    assert str(ei.value) == 'gob: registering duplicate names for main.RegA: "regs.A" != "regs.Other"'
    assert gob._types.registered_type("regs.Other") is None


def test_int_for_a_byte_slice_is_a_type_error_not_an_allocation():
    """bytes(n) is n zero bytes: an int (or str) given for a []byte field
    must fail at once, not allocate memory chosen by the value."""
    @dataclass
    class Blob:
        Data: bytes = b""

    for bad in (10 ** 12, True, "text", [1, 2]):
        want = rf"^gob: cannot encode {type(bad).__name__} as \[\]uint8$"
        with pytest.raises(gob.GobError, match=want):
            gob.dumps(Blob(Data=bad))
        with pytest.raises(gob.GobError, match=want):
            gob.dumps(bad, type=bytes)
    assert gob.loads(gob.dumps(Blob(Data=memoryview(b"ok"))), into=Blob) == Blob(b"ok")
    assert gob.loads(gob.dumps(Blob(Data=bytearray(b"ok"))), into=Blob) == Blob(b"ok")
