"""Python declarations of the Go types used by the golden vectors and the
Go interop program (goapp/main.go declares the same types)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Optional

from gostd.encoding import gob


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Quotient:
    Quo: int = 0
    Rem: int = 0


@dataclass
class Point:
    X: int = 0
    Y: int = 0


@dataclass
class Inner:
    X: int = 0
    Y: int = 0


@dataclass
class Outer:
    Name: str = ""
    In: Inner = field(default_factory=Inner)
    Tail: int = 0


@dataclass
class PtrFields:
    P: Optional[int] = None
    S: Optional[str] = None
    Q: Optional[Inner] = None


@dataclass
class Mixed:
    A: int = 0
    b: int = 0
    D: str = ""


@dataclass
class WithColl:
    A: tuple[int, int] = (0, 0)
    S: list[int] = field(default_factory=list)
    M: Optional[dict[str, int]] = None


@dataclass
class Scalars:
    B: bool = False
    U: gob.uint = 0
    I: gob.int8 = 0
    F: gob.float32 = 0.0
    C: complex = 0j
    S: str = ""
    Bs: bytes = b""


@dataclass
class WithFloat:
    F: float = 0.0


@dataclass
class Node:
    Val: int = 0
    Next: Optional[Node] = None


@dataclass
class Holder:
    V: Any = None
    N: int = 0


@dataclass
class Request:
    ServiceMethod: str = ""
    Seq: gob.uint64 = 0


@dataclass
class Response:
    ServiceMethod: str = ""
    Seq: gob.uint64 = 0
    Error: str = ""


@dataclass
class Empty:
    __gob_name__ = ""


@dataclass
class TimeHolder:
    """Go's anonymous struct{When time.Time; N int}."""
    __gob_name__ = ""
    When: datetime.datetime = datetime.datetime(1, 1, 1)
    N: int = 0


class Celsius(float):
    """A float64 with GobEncode producing e.g. "21.5C"."""

    def gob_encode(self) -> bytes:
        return f"{float(self):g}C".encode()

    def gob_decode(self, data: bytes):
        return Celsius(float(data[:-1].decode()))


@dataclass
class IntField:
    A: int = 0


@dataclass
class UintField:
    A: gob.uint = 0


@dataclass
class StrField:
    S: str = ""


@dataclass
class ET2:
    X: str = ""


@dataclass
class VN:
    V: int = 0
    N: int = 0


@dataclass
class NoExported:
    a: int = 0


@dataclass
class HasNoExported:
    Name: str = ""
    X: NoExported = field(default_factory=NoExported)


gob.register(Point)


@dataclass
class Tree:
    Name: str = ""
    Kids: list[Tree] = field(default_factory=list)


@dataclass
class Box:
    V: Any = None


gob.register(Box)


@dataclass
class Everything:
    I8: gob.int8 = 0
    I16: gob.int16 = 0
    I32: gob.int32 = 0
    I64: gob.int64 = 0
    I: int = 0
    U8: gob.uint8 = 0
    U16: gob.uint16 = 0
    U32: gob.uint32 = 0
    U64: gob.uint64 = 0
    U: gob.uint = 0
    Up: gob.uintptr = 0
    F32: gob.float32 = 0.0
    F64: float = 0.0
    C64: gob.complex64 = 0j
    C128: complex = 0j
    B: bool = False
    S: str = ""
    Bs: bytes = b""
    Ints: list[int] = field(default_factory=list)
    Strs: list[str] = field(default_factory=list)
    Arr: tuple[int, int, int] = (0, 0, 0)
    Bytes: tuple[gob.uint8, gob.uint8] = (0, 0)
    MSI: Optional[dict[str, int]] = None
    MIS: Optional[dict[int, str]] = None
    PI: Optional[int] = None
    PIn: Optional[Inner] = None
    Ins: list[Inner] = field(default_factory=list)
    PIns: list[Optional[Inner]] = field(default_factory=list)
    MIn: Optional[dict[str, Inner]] = None
    V: Any = None
    When: datetime.datetime = datetime.datetime(1, 1, 1)
    Grid: tuple[list[str], list[str]] = ([], [])
    Nest: list[list[int]] = field(default_factory=list)
    Out: Outer = field(default_factory=Outer)
    MSL: Optional[dict[str, list[int]]] = None
    F64s: list[float] = field(default_factory=list)
    Cs: list[complex] = field(default_factory=list)
    Bools: list[bool] = field(default_factory=list)
    U64s: list[gob.uint64] = field(default_factory=list)


@dataclass
class GE:
    """A GobEncoder struct with exported fields (payload "1,2;name")."""
    X: list[int] = field(default_factory=list)
    Name: str = ""

    def gob_encode(self) -> bytes:
        return (",".join(map(str, self.X)) + ";" + self.Name).encode("utf-8", "surrogateescape")

    def gob_decode(self, data: bytes) -> None:
        s = data.decode("utf-8", "surrogateescape")
        i = s.index(";")
        self.X = [int(p) for p in s[:i].split(",")] if i else []
        self.Name = s[i + 1:]


@dataclass
class WithGE:
    G: GE = field(default_factory=GE)
    P: Optional[GE] = None
    Gs: list[GE] = field(default_factory=list)
    N: int = 0


# Go's recursive named types: type S []S; type M map[string]M
S = gob.named("S", lambda S: list[S])
M = gob.named("M", lambda M: dict[str, M])


# The Go interop program's type table (goapp/main.go), name -> annotation.
GO_TYPES: dict[str, Any] = {
    "Args": Args, "Quotient": Quotient, "Point": Point, "Outer": Outer,
    "PtrFields": PtrFields, "Scalars": Scalars, "Node": Node, "Holder": Holder,
    "Request": Request, "Response": Response, "Tree": Tree,
    "Everything": Everything, "Box": Box, "S": S, "M": M, "GE": GE, "WithGE": WithGE, "TimeHolder": TimeHolder, "Empty": Empty,
    "int": int, "int8": gob.int8, "uint64": gob.uint64, "float64": float,
    "float32": gob.float32, "complex128": complex, "string": str, "bool": bool,
    "bytes": bytes, "[]int": list[int], "[]string": list[str],
    "[][]int": list[list[int]], "[3]string": tuple[str, str, str],
    "map[string]int": dict[str, int], "[]Args": list[Args],
    "time": datetime.datetime, "any": Any,
}
