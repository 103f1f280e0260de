"""Items of Go's own gob tests (GO_RPC_TESTS.md sections C-F) that the
other files did not pin down.  Byte strings marked "Go 1.19" were written by
real Go 1.19 programs (one fresh process each, so type ids start at 65) and
are hard-coded here; the program is quoted next to each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sys
from collections.abc import Callable as AbcCallable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gostd import Chan  # noqa: E402
from gostd.encoding import gob  # noqa: E402
from gostd.encoding.gob import _types  # noqa: E402


def _stream(*pairs) -> bytes:
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for value, ann in pairs:
        enc.encode(value, type=ann)
    return out.getvalue()


class Temp:
    """Go's ``type Temp struct{ milli int }`` with a value-receiver
    GobEncode (payload: decimal milli) and pointer-receiver GobDecode."""

    def __init__(self, milli: int = 0) -> None:
        self.milli = milli

    def __eq__(self, other):
        return type(other) is Temp and other.milli == self.milli

    def gob_encode(self) -> bytes:
        return str(self.milli).encode()

    def gob_decode(self, data: bytes) -> None:
        self.milli = int(data)


# --- 53: ***[3]int, ***[]int, ****map fields are their element on the wire --

# Go 1.19: type Ind struct { A ***[3]int; S ***[]int; M ****map[string]int }
#          Encode(Ind{&&&[3]int{1, 0, 2}, &&&[]int{7}, &&&&map[string]int{"k": 1}})
IND = bytes.fromhex(
    "26ff8103010103496e6401ff8200010301014101ff840001015301ff860001014d01ff8800"
    "000016ff83010101065b335d696e7401ff840001040106000013ff85020101055b5d696e"
    "7401ff8600010400001eff870401010e6d61705b737472696e675d696e7401ff8800010c01"
    "04000010ff82010302000401010e0101016b0200")


@dataclass
class Ind:
    A: gob.ptr(gob.ptr(gob.ptr(tuple[int, int, int]))) = None
    S: gob.ptr(gob.ptr(gob.ptr(list[int]))) = None
    M: gob.ptr(gob.ptr(gob.ptr(gob.ptr(dict[str, int])))) = None


@dataclass
class Direct:
    __gob_name__ = "Ind"
    A: tuple[int, int, int] = (0, 0, 0)
    S: list[int] = field(default_factory=list)
    M: dict[str, int] = field(default_factory=dict)


def test_multiple_indirections_are_transparent():
    value = Ind((1, 0, 2), [7], {"k": 1})
    assert gob.dumps(value) == IND
    assert gob.dumps(Direct((1, 0, 2), [7], {"k": 1})) == IND
    assert gob.loads(IND, into=Ind) == value
    assert gob.loads(IND, into=Direct) == Direct((1, 0, 2), [7], {"k": 1})
    assert gob.loads(IND) == {"A": [1, 0, 2], "S": [7], "M": {"k": 1}}


# --- 52: a recursive pointer type cannot be declared --------------------------

def test_recursive_pointer_type_is_refused():
    # Go: type Rec ***Rec fails with "can't represent recursive pointer type".
    # Python cannot even declare it: named() wants a non-pointer underlying type.
    with pytest.raises(gob.GobError):
        gob.named("Rec", lambda R: gob.ptr(gob.ptr(gob.ptr(R))))


# --- 77: Go's hand-written recursiveSlice stream (encoder_test.go) -----------

RECURSIVE_SLICE = bytes([
    0x1d, 0xff, 0xd3, 0x02, 0x01, 0x01, 0x0e, 0x72,
    0x65, 0x63, 0x75, 0x72, 0x73, 0x69, 0x76, 0x65,
    0x53, 0x6c, 0x69, 0x63, 0x65, 0x01, 0xff, 0xd4,
    0x00, 0x01, 0xff, 0xd4, 0x00, 0x00, 0x07, 0xff,
    0xd4, 0x00, 0x02, 0x01, 0x00, 0x00,
])


def test_recursive_slice_stream_skips_and_decodes():
    dec = gob.Decoder(io.BytesIO(RECURSIVE_SLICE))
    assert dec.skip() is None
    with pytest.raises(EOFError):
        dec.decode()
    RS = gob.named("recursiveSlice", lambda R: list[R])
    assert gob.loads(RECURSIVE_SLICE, into=RS) == [[[]], []]
    assert gob.loads(RECURSIVE_SLICE) == [[[]], []]


# --- 88/89: nil values at top level ------------------------------------------

def test_untyped_nil_and_nil_pointer_refused():
    with pytest.raises(gob.GobError, match=r"^gob: cannot encode nil value$"):
        gob.dumps(None)
    with pytest.raises(gob.GobError, match=r"^gob: cannot encode nil pointer of type \*main\.N2$"):
        gob.dumps(None, type=Optional[N2])
    # nil maps and slices are fine: Go sends them empty.
    assert gob.loads(gob.dumps(None, type=dict[str, int])) == {}
    assert gob.loads(gob.dumps(None, type=list[int])) == []


# --- nil elements (encodeArray / encodeReflectValue) -------------------------

@pytest.mark.parametrize("value, ann, want", [
    ([1, None], list[Optional[int]], "gob: encodeArray: nil element"),
    ((None,), tuple[Optional[int]], "gob: encodeArray: nil element"),
    ([Direct(), None], list[Optional[Direct]], "gob: encodeArray: nil element"),
    ({"a": None}, dict[str, Optional[int]], "gob: encodeReflectValue: nil element"),
])
def test_nil_elements_refused_with_go_texts(value, ann, want):
    with pytest.raises(gob.GobError) as ei:
        gob.dumps(value, type=ann)
    assert str(ei.value) == want


# --- 91: a struct field whose type has no exported fields --------------------

@dataclass
class Hidden:
    a: int = 0


@dataclass
class HasHidden:
    H: Hidden = field(default_factory=Hidden)
    N: int = 1


def test_no_exported_fields_reproducibly():
    for _ in range(2):   # a second Encoder reports it again
        with pytest.raises(gob.GobError) as ei:
            gob.Encoder(io.BytesIO()).encode(HasHidden())
        assert str(ei.value) == "gob: type main.Hidden has no exported fields"
    # A struct with no fields at all is fine (Go's struct{}).

    @dataclass
    class Nothing:
        pass
    assert gob.loads(gob.dumps(Nothing()), into=Nothing) == Nothing()


# --- 104: a GobEncoder by value then by pointer: one definition --------------

# Go 1.19: e.Encode(Temp{1}); e.Encode(&Temp{2})
VAL_THEN_PTR = bytes.fromhex("10ff810501010454656d7001ff8200000005ff8200013105ff82000132")
# Go 1.19: e.Encode(&Temp{2}); e.Encode(Temp{1})  (Go names no type when a
# GobEncoder is first met through a pointer)
PTR_THEN_VAL = bytes.fromhex("0aff81050102ff8400000005ff8200013205ff82000131")


def test_gob_encoder_by_value_and_pointer_share_one_definition():
    assert _stream((Temp(1), Temp), (Temp(2), Optional[Temp])) == VAL_THEN_PTR
    assert _stream((Temp(2), Optional[Temp]), (Temp(1), Temp)) == PTR_THEN_VAL
    for data in (VAL_THEN_PTR, PTR_THEN_VAL):
        dec = gob.Decoder(io.BytesIO(data))
        assert [dec.decode(into=Temp).milli, dec.decode(into=Optional[Temp]).milli] \
            == ([1, 2] if data is VAL_THEN_PTR else [2, 1])


# --- 118: Register naming -----------------------------------------------------

@dataclass
class N1:
    A: int = 0


@dataclass
class N2:
    A: int = 0


gob.register(Optional[N1])
gob.register(N2)

# Go 1.19: gob.Register(&N1{}); gob.Register(N2{})
#          e.Encode(struct{ I, J interface{} }{&N1{1}, N2{2}})
REG = bytes.fromhex(
    "18ff81030102ff8200010201014901100001014a011000000022ff8201082a6d61696e2e"
    "4e31ff83030101024e3101ff84000101010141010400000025ff840301020001076d6169"
    "6e2e4e32ff85030101024e3201ff86000101010141010400000007ff860301040000")

IJ = dataclasses.make_dataclass("IJ", [("I", Any, field(default=None)),
                                       ("J", Any, field(default=None))],
                                namespace={"__gob_name__": ""})


def test_register_names_pointer_and_value_types_as_go():
    assert _types.registered_name(gob.go_type(N1)) == "*main.N1"
    assert _types.registered_name(gob.go_type(N2)) == "main.N2"
    assert gob.dumps(IJ(N1(1), N2(2))) == REG
    assert gob.loads(REG, into=IJ) == IJ(N1(1), N2(2))


# --- 82: huge message length --------------------------------------------------

def test_huge_message_length_text():
    # Go 1.19: NewDecoder(fb a5 82 2f ca 01).Decode(new(int)) -> "invalid message length"
    with pytest.raises(gob.GobError) as ei:
        gob.loads(bytes.fromhex("fba5822fca01"), into=int)
    assert "invalid message length" in str(ei.value)


# --- time.Time zero test counts nanoseconds -----------------------------------

@dataclass
class Stamp:
    T: dt.datetime = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)


def test_time_one_nanosecond_after_zero_is_sent():
    # Go 1.19: Encode(Stamp{time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)}) sends T.
    zero = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    one = gob.Time.with_nanosecond(zero, 1)
    data = gob.dumps(Stamp(one))
    assert data.endswith(bytes.fromhex("010f01" + "00" * 8 + "00000001" + "ffff00"))
    assert gob.loads(data, into=Stamp).T.nanosecond == 1
    assert gob.dumps(Stamp(zero)).endswith(bytes.fromhex("03ff8200"))   # zero: no field


# --- a GobEncoder registered through a pointer, inside an interface ----------

# Go's Tick (a one-byte GobEncoder), registered as "*main.Tick" (shared with
# goaccept's table: one registration per process).
from _accept_decls import Tick  # noqa: E402

Box = dataclasses.make_dataclass("Box", [("V", Any, field(default=None))])

# Go 1.19: gob.Register(&Tick{}); e.Encode(Box{&Tick{7}}); e.Encode(Box{&Tick{0}})
# Go sends "*main.Tick" and describes Tick as first met through a pointer
# (no name, a second id).
TICK_BOXES = bytes.fromhex(
    "17ff8103010103426f7801ff82000101010156011000000018ff82010a2a6d61696e2e54"
    "69636bff83050102ff8600000007ff84030001070015ff82010a2a6d61696e2e546963"
    "6bff840300010000")


TF = dataclasses.make_dataclass("TF", [("T", Tick, field(default_factory=Tick))])

# Go 1.19: e.Encode(TF{Tick{1}}); e.Encode(Box{&Tick{2}})   (TF: struct{ T Tick })
TF_THEN_BOX = bytes.fromhex(
    "17ff8103010102544601ff8200010101015401ff8400000010ff83050101045469636b01ff84"
    "00000006ff820101010017ff8503010103426f7801ff86000101010156011000000015ff8601"
    "0a2a6d61696e2e5469636bff840300010200")
# Go 1.19: e.Encode(Box{&Tick{2}}); e.Encode(TF{Tick{1}})
BOX_THEN_TF = bytes.fromhex(
    "17ff8103010103426f7801ff82000101010156011000000018ff82010a2a6d61696e2e546963"
    "6bff83050102ff8600000007ff84030001020017ff8703010102544601ff8800010101015401"
    "ff8400000006ff8801010100")


def test_gob_encoder_by_value_and_through_registered_pointer():
    assert _stream((TF(Tick(1)), TF), (Box(Tick(2)), Box)) == TF_THEN_BOX
    assert _stream((Box(Tick(2)), Box), (TF(Tick(1)), TF)) == BOX_THEN_TF


def test_pointer_registered_gob_encoder_in_interface():
    assert _stream((Box(Tick(7)), Box), (Box(Tick(0)), Box)) == TICK_BOXES
    dec = gob.Decoder(io.BytesIO(TICK_BOXES))
    assert [dec.decode(into=Box).V.n, dec.decode(into=Box).V.n] == [7, 0]


# --- 84: chan and func fields (and pointers to them) are not sent -------------

# Go 1.19: type WithFunc struct { A int; F *func(); G func(); Ch chan int; PCh **chan int }
#          Encode(WithFunc{1, &f, f, ch, &pch})
WITH_FUNC = bytes.fromhex(
    "1cff81030101085769746846756e6301ff82000101010141010400000005ff82010200")


def test_chan_and_func_fields_are_ignored():
    @dataclass
    class WithFunc:
        A: int = 0
        F: Optional[Callable[[], None]] = None
        G: AbcCallable = print
        Ch: Chan[int] = None
        PCh: Optional[Chan[int]] = None

    ch = Chan(1)
    assert gob.dumps(WithFunc(1, lambda: None, len, ch, ch)) == WITH_FUNC
    got = gob.loads(WITH_FUNC, into=WithFunc)
    assert (got.A, got.F, got.G, got.Ch, got.PCh) == (1, None, print, None, None)
    assert gob.loads(WITH_FUNC) == {"A": 1}
    with pytest.raises(gob.GobError, match="can't handle type"):
        gob.dumps(len, type=Callable[[int], int])


# --- 118: Register naming for a package with an import path -------------------

@dataclass
class YPT:
    __gob_name__ = "PT"
    __gob_package__ = "example.com/x/y"
    A: int = 0


@dataclass
class YPP:
    __gob_name__ = "PP"
    __gob_package__ = "example.com/x/y"
    A: int = 0


class YBlob(bytes):
    __gob_name__ = "Blob"
    __gob_package__ = "example.com/x/y"
    __gob_type__ = bytes


gob.register(YPT)
gob.register(Optional[YPP])
gob.register(YBlob)

# Go 1.19, package example.com/x/y declaring PT, PP (struct{ A int }) and
# Blob []byte; main: gob.Register(y.PT{}); gob.Register(&y.PP{});
# gob.Register(y.Blob(nil)); Encode(Box{y.PT{1}, &y.PP{2}, y.Blob("b")})
# with type Box struct{ V, W, X interface{} }.  Value types register under
# the import path, pointers under the type string (package name).
YBOX = bytes.fromhex(
    "23ff8103010103426f7801ff8200010301015601100001015701100001015801100000002c"
    "ff8201126578616d706c652e636f6d2f782f792e5054ff8303010102505401ff8400010101"
    "0141010400000023ff840301020001052a792e5050ff8503010102505001ff860001010101"
    "41010400000022ff860301040001146578616d706c652e636f6d2f782f792e426c6f620a03"
    "00016200")

Box3 = dataclasses.make_dataclass("Box", [(n, Any, field(default=None)) for n in "VWX"])


def test_register_names_with_an_import_path():
    assert gob.dumps(Box3(YPT(1), YPP(2), YBlob(b"b"))) == YBOX
    got = gob.loads(YBOX, into=Box3)
    assert (got.V, got.W, got.X, type(got.X)) == (YPT(1), YPP(2), b"b", YBlob)
    with pytest.raises(gob.GobError, match=r"^gob: cannot encode nil pointer of type \*y\.PT$"):
        gob.dumps(None, type=Optional[YPT])


# --- skipping a field that claims one of Go's bootstrap types ----------------

def _claims(tid: int) -> bytes:
    """A stream defining struct S{Z} with Z of type id ``tid``, then S{}."""
    body = bytes.fromhex("ff81" "0301010153" "01ff8200" "010101015a01") + bytes([tid * 2]) \
        + bytes.fromhex("000000")
    return bytes([len(body)]) + body + bytes.fromhex("03ff8200")


@pytest.mark.parametrize("tid, want", [
    # Go 1.19's texts, decoding each stream into a struct without Z.
    (18, "CommonType = struct { Name string; Id int; }"),
    (17, "arrayType = struct { CommonType CommonType = struct { Name string; Id int; }; "
         "Elem int; Len int; }"),
    (22, "[] = struct { Name string; Id int; }"),
    (24, "gobEncoderType = struct { CommonType CommonType = struct { Name string; Id int; }; }"),
    (15, "_reserved1"),
    (25, "<nil>"),
])
def test_skipping_a_bootstrap_type_is_undefined(tid, want):
    with pytest.raises(gob.GobError) as ei:
        gob.loads(_claims(tid), into=N1)
    assert str(ei.value) == "gob: bad data: undefined type " + want
    with pytest.raises(gob.GobError) as ei:
        gob.Decoder(io.BytesIO(_claims(tid))).skip()
    assert str(ei.value) == "gob: bad data: undefined type " + want


# --- errors from GobEncode / GobDecode are returned as they are ----------------

class Picky:
    """GobEncode fails for negative values, GobDecode for payload 0xff."""

    def __init__(self, n: int = 0) -> None:
        self.n = n

    def gob_encode(self) -> bytes:
        if self.n < 0:
            raise ValueError("negative Picky")
        return bytes([self.n])

    def gob_decode(self, data: bytes) -> None:
        if data == b"\xff":
            raise ValueError("bad Picky payload")
        self.n = data[0]


def test_marshaler_errors_are_go_errors_with_their_own_text():
    # Go's encodeGobEncoder / decodeGobDecoder hand back the method's error
    # unchanged: Encode/Decode return errors.New("negative Picky") itself.
    with pytest.raises(gob.GobError, match=r"^negative Picky$") as ei:
        gob.dumps(Picky(-1))
    assert isinstance(ei.value.__cause__, ValueError)
    with pytest.raises(gob.GobError, match=r"^negative Picky$"):
        gob.dumps([Picky(1), Picky(-1)], type=list[Picky])
    with pytest.raises(gob.GobError, match=r"^bad Picky payload$"):
        gob.loads(gob.dumps(Picky(255)), into=Picky)
    assert gob.loads(gob.dumps(Picky(7)), into=Picky).n == 7
