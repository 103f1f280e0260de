"""Python declarations and values mirroring goaccept/main.go's case table.

``CASES[name] = (annotation, value, exact)``: ``value`` is what Python must
decode from Go's encoding of the case, and what it encodes back; ``exact``
says whether Go's bytes are deterministic (maps of at most one entry), so
that Python's encoding must reproduce them byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import struct
from dataclasses import dataclass, field
from typing import Any, Optional

from gostd.encoding import gob

# main.Point is registered once per process: share _gob_decls' class.
from _gob_decls import Point  # noqa: E402

UTC = dt.timezone.utc
EAST = dt.timezone(dt.timedelta(hours=5, minutes=30), "")
WEST = dt.timezone(dt.timedelta(hours=-7), "")
ODD = dt.timezone(dt.timedelta(seconds=3607), "")


@dataclass(frozen=True)
class FPoint:
    """Go's Point as a hashable map key."""
    __gob_name__ = "Point"
    X: int = 0
    Y: int = 0


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Base:
    ID: int = 0
    Tag: str = ""


@dataclass
class Derived:
    """Go's struct{ Base; Name string }: the embedded struct is a field."""
    Base: Base = field(default_factory=Base)
    Name: str = ""


@dataclass
class Mixed:
    A: int = 0
    b: int = 0
    C: str = ""


@dataclass
class Deep:
    M: Optional[dict[str, dict[int, list[str]]]] = None


@dataclass
class Bag:
    Any: Optional[dict[str, Any]] = None


@dataclass
class List:
    Items: list[Any] = field(default_factory=list)


@dataclass
class PP:
    P: Optional[int] = None
    Q: Optional[str] = None
    R: Optional[Point] = None


@dataclass
class Arrays:
    Ps: list[Optional[Point]] = field(default_factory=list)
    Arr: tuple[Point, Point] = (Point(), Point())
    Zero: gob.array(int, 0) = ()
    Bs: tuple[gob.uint8, gob.uint8, gob.uint8, gob.uint8] = (0, 0, 0, 0)
    Grid: tuple[tuple[gob.int8, gob.int8, gob.int8],
                tuple[gob.int8, gob.int8, gob.int8]] = ((0, 0, 0), (0, 0, 0))


@dataclass
class EmptyColl:
    S: list[int] = field(default_factory=list)
    M: Optional[dict[str, int]] = None
    E: list[str] = field(default_factory=list)
    B: bytes = b""
    N: int = 0


@dataclass
class Extremes:
    U: gob.uint64 = 0
    I: gob.int64 = 0
    Min: gob.int64 = 0
    F32: gob.float32 = 0.0
    NaN: float = 0.0
    NInf: gob.float32 = 0.0
    C64: gob.complex64 = 0j
    U8: gob.uint8 = 0
    I8: gob.int8 = 0
    Tiny: float = 0.0
    Up: gob.uintptr = 0
    U32: gob.uint32 = 0
    I16: gob.int16 = 0


@dataclass
class Strs:
    Bad: str = ""
    Nul: str = ""
    Emoji: str = ""
    Bytes: bytes = b""
    U8s: bytes = b""


class Temp:
    """A GobEncoder with only unexported state (payload: decimal milli)."""

    def __init__(self, milli: int = 0) -> None:
        self.milli = milli

    def __eq__(self, other):
        return type(other) is Temp and other.milli == self.milli

    def __repr__(self):
        return f"Temp({self.milli})"

    def gob_encode(self) -> bytes:
        return str(self.milli).encode()

    def gob_decode(self, data: bytes) -> None:
        self.milli = int(data)

    def gob_is_zero(self) -> bool:
        return self.milli == 0


@dataclass
class Ver:
    """A BinaryMarshaler: payload is two bytes."""
    Major: gob.uint8 = 0
    Minor: gob.uint8 = 0

    def marshal_binary(self) -> bytes:
        return bytes((self.Major, self.Minor))

    def unmarshal_binary(self, data: bytes) -> None:
        self.Major, self.Minor = data[0], data[1]


@dataclass
class Custom:
    T: Temp = field(default_factory=Temp)
    PT: Optional[Temp] = None
    V: Ver = field(default_factory=Ver)
    Vs: list[Ver] = field(default_factory=list)
    N: int = 0


ZERO_TIME = dt.datetime(1, 1, 1, tzinfo=UTC)


@dataclass
class Times:
    A: dt.datetime = ZERO_TIME
    B: dt.datetime = ZERO_TIME
    C: dt.datetime = ZERO_TIME
    D: dt.datetime = ZERO_TIME
    P: Optional[dt.datetime] = None
    Dur: gob.int64 = 0
    Ts: list[dt.datetime] = field(default_factory=list)


@dataclass
class Node:
    Val: int = 0
    Next: Optional[Node] = None


@dataclass
class TNode:
    Name: str = ""
    Kids: list[Optional[TNode]] = field(default_factory=list)


@dataclass
class Ping:
    N: int = 0
    Pong: Optional[Pong] = None


@dataclass
class Pong:
    S: str = ""
    Ping: Optional[Ping] = None


@dataclass
class Q:
    Name: str = ""


class IDs(list):
    """Go's ``type IDs []uint64``."""
    __gob_type__ = list[gob.uint64]


class Dict(dict):
    """Go's ``type Dict map[string]int``."""
    __gob_type__ = dict[str, int]


class Duration(int):
    """Go's ``time.Duration``."""
    __gob_type__ = gob.int64
    __gob_package__ = "time"


class Blob(bytes):
    """Go's ``type Blob []byte`` (sent as gob's bytes)."""
    __gob_type__ = bytes


class Level(int):
    """Go's ``type Level int8``."""
    __gob_type__ = gob.int8


@dataclass
class D2:
    """Go's struct{ *Base; X int }."""
    Base: Optional[Base] = None
    X: int = 0


@dataclass
class Gobs:
    I: Any = None
    Ts: list[Temp] = field(default_factory=list)
    MV: Optional[dict[str, Ver]] = None
    At: tuple[Temp, Temp, Temp] = (Temp(), Temp(), Temp())
    PS: Optional[list[int]] = None
    PM: Optional[dict[str, int]] = None
    Arr: tuple[Any, Any] = (None, None)
    Blb: Blob = Blob()
    Lv: Level = Level(0)
    LvI: Any = None
    BI: Any = None


@dataclass
class PtrGob:
    T: Optional[dt.datetime] = None
    P: Optional[Temp] = None
    PP: gob.ptr(gob.ptr(Temp)) = None
    V: Temp = field(default_factory=Temp)
    N: int = 0


@dataclass
class Empty:
    pass


@dataclass
class Ifaces:
    Nil: Any = None
    PtrQ: Any = None
    Pts: Any = None
    MPts: Any = None
    IDs: Any = None
    Dict: Any = None
    Tm: Any = None
    Slc: list[Any] = field(default_factory=list)
    Deep: Any = None
    Empty: Any = None


@dataclass
class Sender:
    Keep: int = 0
    Gone: list[str] = field(default_factory=list)
    Also: Optional[dict[str, Point]] = None
    Other: str = ""
    Nested: Point = field(default_factory=Point)
    Iface: Any = None


@dataclass
class Receiver:
    """Sender as an older Python peer knows it: fields reordered, some
    missing (skipped on decode), one extra (keeps its default)."""
    __gob_name__ = "Sender"
    Other: str = ""
    Extra: str = "default"
    Keep: gob.int16 = 0


@dataclass
class Named:
    ID: IDs = field(default_factory=IDs)
    D: Optional[Dict] = None
    Dur: Duration = Duration(0)
    Runes: list[gob.rune] = field(default_factory=list)


@dataclass
class WithEmpty:
    E: Empty = field(default_factory=Empty)
    PE: Optional[Empty] = None
    N: int = 0


# Go's reflect.StructOf struct of 150 int fields (goaccept's wide()).
Wide = dataclasses.make_dataclass(
    "Wide", [(f"F{i}", int, field(default=0)) for i in range(150)],
    namespace={"__gob_name__": ""})
WIDE = Wide(**{f"F{i}": i * i - 50 for i in range(0, 150, 7)})

for _t, _name in ((Optional[Q], None), (IDs, None), (Dict, None),
                  (list[Point], None), (dict[str, Point], None),
                  (dict[str, Any], None), (list[Any], None),
                  (dt.datetime, "time.Time"), (Empty, None), (Temp, None),
                  (Ver, None), (Blob, None), (Level, None)):
    gob.register(_t, _name)


def _t(*a, tz=UTC):
    return dt.datetime(*a, tzinfo=tz)


NAN = float("nan")
NAN1 = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]  # Go: math.NaN()
U64MAX = (1 << 64) - 1
I64MIN = -(1 << 63)
F32MAX = 3.4028234663852886e38

CASES: dict[str, tuple[Any, Any, bool]] = {
    "derived": (Derived, Derived(Base(7, "base"), "derived"), True),
    "derived_zero": (Derived, Derived(), True),
    "mixed": (Mixed, Mixed(A=1, C="c"), True),
    "args_zero": (Args, Args(), True),
    "args_neg": (Args, Args(-1, I64MIN), True),
    "deep": (Deep, Deep({"k": {-3: ["a", "", "b"]}}), True),
    "deep_emptyinner": (Deep, Deep({"k": {}}), True),
    "bag": (Bag, Bag({"p": Point(1, 2)}), True),
    "bag_multi": (Bag, Bag({"p": Point(1, 2), "i": 5, "s": "x", "f": 1.5,
                            "ids": IDs([1, 2]), "b": b"hi", "u": gob.uint16(9),
                            "n": None}), False),
    "list": (List, List([1, "two", 3.0, Point(4, 5), None, [6], gob.int8(-7),
                         gob.uint64(U64MAX), True, gob.complex64(1 + 2j), b"\0",
                         Q("q"), Dict(z=26)]), True),
    "pp": (PP, PP(5, "s", Point(1, 0)), True),
    "pp_zero_pointee": (PP, PP(None, None, Point()), True),
    "arrays": (Arrays, Arrays([Point(1, 2), Point(), Point(3, 4)],
                              (Point(0, 1), Point()), (), (0, 1, 255, 128),
                              ((1, -1, 0), (-128, 127, 0))), True),
    "arrays_zero": (Arrays, Arrays(), True),
    "zero_array_top": (gob.array(int, 0), (), True),
    "byte_array_top": (tuple[gob.byte, gob.byte, gob.byte], (1, 2, 3), True),
    "emptycoll_empty": (EmptyColl, EmptyColl(M={}), True),
    "emptycoll_nil": (EmptyColl, EmptyColl(N=1), True),
    "extremes": (Extremes, Extremes(U64MAX, (1 << 63) - 1, I64MIN, math.inf, NAN1,
                                    -math.inf, complex(F32MAX, -0.25), 255, -128,
                                    5e-324, U64MAX, (1 << 32) - 1, -(1 << 15)), True),
    "extremes_f32": (Extremes, Extremes(F32=1.401298464324817e-45, NInf=-F32MAX), True),
    "strs": (Strs, Strs(b"a\xffb\xc3".decode("utf-8", "surrogateescape"), "\0x\0",
                        "😀日本", b"\0\xff", b"\x09"), True),
    "uint64_max_top": (gob.uint64, U64MAX, True),
    "int64_min_top": (gob.int64, I64MIN, True),
    "float32_nan_top": (gob.float32, NAN, True),
    "float32_negzero_top": (gob.float32, -0.0, True),
    "complex64_top": (gob.complex64, 1.5 - 2j, True),
    "string_bad_top": (str, b"\xff\xfe\0".decode("utf-8", "surrogateescape"), True),
    "custom": (Custom, Custom(Temp(21500), Temp(-3), Ver(1, 19), [Ver(0, 0), Ver(2, 1)], 4),
               True),
    "custom_zero": (Custom, Custom(), True),
    "temp_top": (Temp, Temp(42), True),
    "ver_top": (Ver, Ver(3, 4), True),
    "times": (Times, Times(_t(2023, 3, 4, 5, 6, 7, 891011),
                           _t(1999, 12, 31, 23, 59, 59, tz=EAST),
                           _t(1970, 1, 1, tz=WEST),
                           _t(2000, 2, 29, 12, 0, 0, 1, tz=ODD),
                           _t(1, 1, 1, 0, 0, 1), 90 * 10**9,
                           [ZERO_TIME, _t(9999, 12, 31, 23, 59, 59, 999999)]), True),
    "times_nanos": (Times, Times(A=gob.Time.with_nanosecond(_t(2023, 3, 4, 5, 6, 7),
                                                            123456789)), True),
    "time_top": (dt.datetime, _t(2024, 2, 29, 1, 2, 3, 4, tz=EAST), True),
    "duration_top": (Duration, Duration(-1500 * 10**6), True),
    "node": (Node, Node(1, Node(2, Node(3))), True),
    "tnode": (TNode, TNode("root", [TNode("a"), TNode("b", [TNode("c")])]), True),
    "ping": (Ping, Ping(1, Pong("x", Ping(2))), True),
    "pong": (Pong, Pong("y", Ping(3, Pong())), True),
    "ifaces": (Ifaces, Ifaces(PtrQ=Q("ptr"), Pts=[Point(1, 2)], MPts={"o": Point()},
                              IDs=IDs([1, U64MAX]), Dict=Dict(a=1),
                              Tm=_t(2020, 1, 2, 3, 4, 5), Slc=[None, Point(), None],
                              Deep=gob.typed([gob.typed({"x": gob.typed([Q("in")], list[Any])},
                                                        dict[str, Any])], list[Any]),
                              Empty=Empty()), True),
    "ifaces_zero": (Ifaces, Ifaces(), True),
    "iface_top_point": (Any, Point(5, 6), True),
    "iface_top_nil": (Any, None, True),
    "iface_top_ids": (Any, IDs([3]), True),
    "sender": (Sender, Sender(1, ["g"], {"a": Point(1, 1)}, "o", Point(2, 2), Point(3, 3)),
               True),
    "named": (Named, Named(IDs([1, 2]), Dict(k=-1), Duration(3600 * 10**9),
                           [ord(c) for c in "héllo"]), True),
    "ids_top": (IDs, IDs([7, 8]), True),
    "dict_top": (Dict, Dict(only=1), True),
    "withempty": (WithEmpty, WithEmpty(PE=Empty(), N=2), True),
    "empty_top": (Empty, Empty(), True),
    "slice_of_maps": (list[dict[str, int]], [{"a": 1}, {}, {}], True),
    "map_of_slices_of_ptrs": (dict[int, list[Optional[Point]]], {-1: [Point(1, 2)]}, True),
    "map_struct_key": (dict[FPoint, str], {FPoint(1, 2): "p"}, True),
    "map_array_key": (dict[tuple[str, str], tuple[Optional[float], Optional[float]]],
                      {("a", "b"): (1.5, 0.0)}, True),
    "nested_slices": (list[list[list[str]]], [[["a"], []], []], True),
    "ptr_top": (Optional[Point], Point(8, 9), True),
    "d2": (D2, D2(Base(1, "b"), 2), True),
    "d2_nil": (D2, D2(None, 3), True),
    "gobs": (Gobs, Gobs(Temp(5), [Temp(1), Temp(0)], {"v": Ver(1, 2)},
                        (Temp(0), Temp(7), Temp(0)), [1], {"m": 0}, (None, Ver(9, 9)),
                        Blob(b"blob"), Level(-3), Level(4), Blob(b"\0")), True),
    "gobs_zero": (Gobs, Gobs(), True),
    "iface_keys": (dict[Any, str], {gob.int8(1): "one"}, True),
    "ptr_slices": (list[Optional[list[int]]], [[1], []], True),
    "ptr_elems": (dict[str, Optional[int]], {"p": 0}, True),
    "arr_of_ptr_arrays": (list[tuple[Optional[Point], Optional[Point]]],
                          [(Point(1, 1), Point(2, 2))], True),
    "wide": (Wide, WIDE, True),
    "wide_slice": (list[Wide], [Wide(), WIDE], True),
    "ptrgob_zero_pointees": (PtrGob, PtrGob(ZERO_TIME, Temp(), Temp(), Temp(), 1), True),
    "ptrgob_set": (PtrGob, PtrGob(_t(1970, 1, 1, 0, 0, 5), Temp(3), None, Temp(4)), True),
    "ptrgob_nil": (PtrGob, PtrGob(N=2), True),
    "ptr_temp_top": (Optional[Temp], Temp(6), True),
    "ptr_time_top": (Optional[dt.datetime], _t(1970, 1, 1, 0, 0, 7, 8), True),
    "multi_point_1": (Point, Point(1, 1), True),
    "multi_args": (Args, Args(2, 3), True),
    "multi_point_2": (Point, Point(4, 4), True),
    "multi_nodes": (list[Node], [Node(1), Node(2, Node(3))], True),
}


# goaccept's mismatch table: case name -> the Python type to decode into.
@dataclass
class C1:
    C: int = 0


@dataclass
class XS:
    X: str = ""


@dataclass
class XP:
    X: Optional[Point] = None


@dataclass
class I8s:
    A: gob.int8 = 0
    B: gob.uint8 = 0
    F: gob.float32 = 0.0
    C: gob.complex64 = 0j


MISMATCH_INTO: dict[str, Any] = {
    "no_fields_matched": C1, "struct_into_string": str, "int_into_struct": Point,
    "slice_elem": list[str], "field_type": XS, "field_struct_vs_int": XP,
    "map_key": dict[int, int], "uint_into_int8": gob.int8, "int_into_int8": gob.int8,
    "int_into_uint": gob.uint, "int_into_iface": Any, "array_len": tuple[int, int],
    "elem_overflow": list[gob.int8], "field_overflow": I8s, "field_overflow_u": I8s,
    "field_overflow_uu": I8s, "float_overflow": I8s, "complex_overflow": I8s,
    "map_elem_overflow": dict[str, gob.int8], "gobenc_into_struct": Point,
    "struct_into_gobdec": Temp, "binary_into_gobdec": Temp, "bytes_into_string": str,
    "string_into_bytes": bytes, "bytes_into_ints": list[int], "float_into_int": int,
    "map_into_slice": list[int], "time_into_struct": Point, "iface_into_int": int,
}
