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



# Second batch (goaccept's "Second batch" types).
class Color(int):
    """Go's ``type Color int`` with MarshalText: gob ignores TextMarshaler
    (Go's issue 6760), so it travels as an int."""
    __gob_type__ = int


class Gobber(int):
    """Go's ``type Gobber int``, a GobEncoder: payload "G<n>"."""

    def gob_encode(self) -> bytes:
        return b"G%d" % self

    def gob_decode(self, data: bytes) -> Gobber:
        return Gobber(int(data[1:]))


class BinStr(str):
    """Go's ``type BinStr string``, a BinaryMarshaler: payload "<s>"."""

    def marshal_binary(self) -> bytes:
        return ("<" + self + ">").encode()

    def unmarshal_binary(self, data: bytes) -> BinStr:
        return BinStr(data.decode()[1:-1])


@dataclass
class Marshalers:
    C: Color = Color(0)
    Cs: list[Color] = field(default_factory=list)
    G: Gobber = Gobber(0)
    PG: Optional[Gobber] = None
    B: BinStr = BinStr("")
    BI: Any = None
    GI: Any = None
    CI: Any = None


class Celsius(float):
    __gob_type__ = gob.float32


class Flag(int):
    __gob_type__ = bool


class Code(int):
    __gob_type__ = gob.uint16


class Name(str):
    __gob_type__ = str


@dataclass
class Kinds:
    C: Celsius = Celsius(0)
    F: bool = False
    K: Code = Code(0)
    N: Name = Name("")
    Is: list[Any] = field(default_factory=list)


@dataclass
class Floats:
    F64: list[float] = field(default_factory=list)
    F32: list[gob.float32] = field(default_factory=list)
    C: list[complex] = field(default_factory=list)
    M: Optional[dict[str, float]] = None
    One: float = 0.0
    Sub: gob.float32 = 0.0


@dataclass
class Ints:
    I64: list[gob.int64] = field(default_factory=list)
    U64: list[gob.uint64] = field(default_factory=list)
    I8: list[gob.int8] = field(default_factory=list)
    U16: list[gob.uint16] = field(default_factory=list)
    I: int = 0
    U: gob.uint = 0


RM = gob.named("RM", lambda RM: dict[str, RM])
RS = gob.named("RS", lambda RS: list[RS])


@dataclass
class Tree:
    Val: int = 0
    Left: Optional[Tree] = None
    Right: Optional[Tree] = None


@dataclass
class Inner:
    V: int = 0


@dataclass
class Middle:
    Inner: Inner = field(default_factory=Inner)
    M: str = ""


@dataclass
class Inner2:
    W: str = ""


@dataclass
class Outer:
    Middle: Middle = field(default_factory=Middle)
    Inner2: Optional[Inner2] = None
    O: list[Middle] = field(default_factory=list)


@dataclass
class Holder2:
    V: Any = None


@dataclass
class Blank:
    S: str = ""
    B: bytes = b""
    L: list[str] = field(default_factory=list)
    M: Optional[dict[str, str]] = None
    P: Optional[str] = None
    A: tuple[str, str] = ("", "")


@dataclass
class Errs:
    Err: Any = None
    N: int = 0


class Tick:
    """Go's Tick, a GobEncoder registered as ``*main.Tick``."""

    def __init__(self, n: int = 0) -> None:
        self.n = n

    def __eq__(self, other):
        return type(other) is Tick and other.n == self.n

    def __repr__(self):
        return f"Tick({self.n})"

    def gob_encode(self) -> bytes:
        return bytes([self.n])

    def gob_decode(self, data: bytes) -> None:
        self.n = data[0]


# goaccept's manyTypes(): 70 array fields [1]int8 ... [70]int8 (type ids
# past 127 take two bytes).
ManyTypes = dataclasses.make_dataclass(
    "ManyTypes", [(f"A{i}", gob.array(gob.int8, i), field(default=(0,) * i))
                  for i in range(1, 71)],
    namespace={"__gob_name__": ""})
MANY = ManyTypes(A1=(1,), A70=(0,) * 69 + (-1,))


@dataclass
class Stamps:
    ByName: Optional[dict[str, dt.datetime]] = None
    Durs: list[Duration] = field(default_factory=list)
    Zero: dt.datetime = ZERO_TIME
    PZero: Optional[dt.datetime] = None
    Nano: dt.datetime = ZERO_TIME


for _t in (BinStr, Gobber, Color, Celsius, Flag, Code, Name, Holder2, Optional[Tick]):
    gob.register(_t)


def _t(*a, tz=UTC):
    return dt.datetime(*a, tzinfo=tz)


NAN = float("nan")
NAN1 = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]  # Go: math.NaN()
U64MAX = (1 << 64) - 1
I64MIN = -(1 << 63)
F32MAX = 3.4028234663852886e38
F32_1EM40 = struct.unpack("<f", struct.pack("<f", 1e-40))[0]
F32_1EM42 = struct.unpack("<f", struct.pack("<f", 1e-42))[0]
F32_01 = struct.unpack("<f", struct.pack("<f", 0.1))[0]

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
    # Second batch.
    "marshalers": (Marshalers, Marshalers(Color(3), [Color(0), Color(1)], Gobber(7), Gobber(0),
                                          BinStr("bs"), BinStr("in"), Gobber(-2), Color(5)), True),
    "marshalers_zero": (Marshalers, Marshalers(), True),
    "gobber_top": (Gobber, Gobber(12), True),
    "binstr_top": (BinStr, BinStr("top"), True),
    "color_top": (Color, Color(9), True),
    "kinds": (Kinds, Kinds(Celsius(-1.5), True, Code(65535), Name("name"), [
        Celsius(2), Flag(False), Code(1), Name(""), True, 0, gob.int8(0), gob.int16(-300),
        gob.int32(1 << 30), gob.int64(I64MIN), gob.uint(7), gob.uint8(255), gob.uint16(0),
        gob.uint32(0xFFFFFFFF), gob.uint64(1 << 63), gob.uintptr(3), gob.float32(-0.5), 0.0,
        gob.complex64(0), complex(math.inf, -1), "", "ü", b"",
        [-1], gob.typed([1], list[gob.int8]), gob.typed([], list[gob.int16]),
        gob.typed([2], list[gob.int32]), gob.typed([3], list[gob.int64]),
        gob.typed([4], list[gob.uint]), gob.typed([5], list[gob.uint16]),
        gob.typed([6], list[gob.uint32]), gob.typed([7], list[gob.uint64]),
        gob.typed([8], list[gob.uintptr]), gob.typed([1.5], list[gob.float32]), [-2.5],
        gob.typed([1j], list[gob.complex64]), [2 + 0j], [True, False], ["", "x"]]), True),
    "floats": (Floats, Floats(
        [NAN1, math.inf, -math.inf, -0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1e-310,
         1.7976931348623157e308, -1.0, 1.0, 0.1, float(1 << 53)],
        [1.401298464324817e-45, -F32MAX, -0.0, F32_1EM40, F32_01],
        [complex(NAN1, -0.0), 0j, complex(-1, 1e-300)], {"nz": -0.0}, 1.0, F32_1EM42), True),
    "ints": (Ints, Ints(
        [I64MIN, (1 << 63) - 1, -1, 0, 1, 127, 128, -128, -129, 255, 256, -256, -257, 1 << 32],
        [U64MAX, 0, 127, 128, 255, 256, 65535, 65536, 1 << 56, (1 << 56) - 1],
        [-128, 127, 0, -1], [65535, 0], (1 << 63) - 1, U64MAX), True),
    "rm": (RM, {"a": {"b": {}}}, True),
    "rs": (RS, [[], [], [[[]]]], True),
    "tree": (Tree, Tree(5, Tree(3, Tree(1)), Tree(8, None, Tree(9))), True),
    "outer": (Outer, Outer(Middle(Inner(1), "m"), Inner2("w"), [Middle(), Middle(Inner(2))]), True),
    "outer_zero": (Outer, Outer(), True),
    "arr_structs_top": (tuple[Base, Base, Base], (Base(1, "a"), Base(), Base(3, "")), True),
    "ptr_ptr_top": (gob.ptr(gob.ptr(Point)), Point(0, 7), True),
    "iface_ptr_top": (Any, Q("q"), True),
    "iface_int_top": (Any, gob.int16(-5), True),
    "iface_slice_top": (Any, ["a", "b"], True),
    "iface_time_top": (Any, gob.Time.with_nanosecond(_t(2001, 2, 3, 4, 5, 6), 7), True),
    "holder2": (Holder2, Holder2(Holder2(gob.typed([Holder2(), Holder2(), Holder2(1.5)], list[Any]))), True),
    "iface_map_in_map": (dict[str, Any], {"m": gob.typed({"x": gob.typed([gob.int64(1)], list[Any])},
                                                   dict[str, Any])}, True),
    "blank_empty": (Blank, Blank(L=[""], M={"": ""}, A=("", "x")), True),
    "errs_nil": (Errs, Errs(N=1), True),
    "long": (Blank, Blank(S="é" * 200, B=bytes(70000), L=[""] * 300), True),
    "big_slice": (list[int], [i * i - 500 for i in range(1000)], True),
    "map_bool_key": (dict[bool, int], {True: 1}, True),
    "map_u64_key": (dict[gob.uint64, str], {U64MAX: "max"}, True),
    "map_c128_key": (dict[complex, gob.int8], {complex(1, -1): -1}, True),
    "map_f64_key_negzero": (dict[float, str], {-0.0: "nz"}, True),
    "unicode": (Strs, Strs(b"\xed\xa0\x80".decode("utf-8", "surrogateescape"),
                           "\u2028\u00e9e\u0301", "👩‍👩‍👧", "日本".encode(), b""), True),
    "stamps": (Stamps, Stamps({"z": ZERO_TIME}, [Duration(0), Duration(-1), Duration((1 << 63) - 1),
                                                 Duration(I64MIN)], PZero=ZERO_TIME,
                              Nano=gob.Time.with_nanosecond(ZERO_TIME, 1)), True),
    "time_zero_top": (dt.datetime, ZERO_TIME, True),
    "time_epoch_top": (dt.datetime, gob.Time.with_nanosecond(
        _t(1969, 12, 31, 17, 0, 0, tz=WEST), 999999999), True),
    "time_fixed0_top": (dt.datetime, _t(2020, 6, 1, tz=dt.timezone(dt.timedelta(0), "X")), True),
    "time_minute_west_top": (dt.datetime, _t(2020, 6, 1, tz=dt.timezone(
        -dt.timedelta(hours=9, minutes=30))), True),
    "ptr_slice_of_ptrs": (Optional[list[Optional[Point]]], [Point(1, 0)], True),
    "arr_of_slices_iface": (tuple[list[Any], list[Any]], ([1, "x"], []), True),
    "tick_iface": (Holder2, Holder2([Tick(5), Tick(0), Q("q")]), True),
    "many_types": (ManyTypes, MANY, True),
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


@dataclass
class FA:
    A: tuple[int] = (0,)


@dataclass
class FM:
    M: dict[str, str] = field(default_factory=dict)


@dataclass
class HI:
    V: int = 0


@dataclass
class Holder:
    V: Any = None


@dataclass
class FT:
    T: int = 0


@dataclass
class NP:
    P: C1 = field(default_factory=C1)


@dataclass
class FTS:
    T: Point = field(default_factory=Point)


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
    "array_into_slice": list[int], "slice_into_array": tuple[int, int, int],
    "map_elem_uint": dict[str, gob.uint], "int_into_float": float, "bool_into_int": int,
    "complex_into_float": float, "map_key_overflow": dict[gob.int8, int],
    "bytes_into_array": tuple[gob.byte, gob.byte, gob.byte, gob.byte],
    "field_slice_vs_array": FA, "field_map_elem": FM, "field_iface_vs_int": HI,
    "field_int_vs_iface": Holder, "field_gob_vs_int": FT, "nested_no_common": NP,
    "field_u64_into_u8": I8s, "field_time_vs_struct": FTS, "elem_struct_vs_int": list[int],
}
