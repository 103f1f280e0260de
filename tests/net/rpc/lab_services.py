"""Python twin of tests/net/rpc/golab/main.go's Lab service, written as a
Python user of gostd.net.rpc would write it for Go clients, so a Go client
gets the same answers (replies and error texts) from either server."""

from __future__ import annotations

import datetime
import struct
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from gostd.encoding import gob

ZERO_TIME = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


def f32(x: float) -> float:
    """``x`` rounded to float32, as Go's float32 arithmetic rounds each step."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


@dataclass
class Vec2:
    X: gob.float32 = 0.0  # type: ignore[assignment]
    Y: gob.float32 = 0.0  # type: ignore[assignment]


@dataclass
class Meta:
    Created: datetime.datetime = ZERO_TIME
    Labels: Optional[dict[str, str]] = None


@dataclass
class Shape:
    """Go's Shape.  Its embedded Meta is a field named after its type, as
    gob sends it; ``embedded`` makes JSON promote its fields, as Go does.
    Optional slices, bytes and maps are Go's nil ones (JSON ``null``); gob
    sends nil and empty alike."""

    Meta: Meta = field(default_factory=Meta, metadata={"embedded": True})
    Name: str = ""
    Kind: gob.uint8 = 0  # type: ignore[assignment]
    Count: gob.int64 = 0  # type: ignore[assignment]
    Ratio: gob.float32 = 0.0  # type: ignore[assignment]
    Origin: Vec2 = field(default_factory=Vec2)
    Center: Optional[Vec2] = None
    Vertices: Optional[list[Vec2]] = None
    Named: Optional[dict[str, Vec2]] = None
    Blob: Optional[bytes] = None


def _later(t: datetime.datetime) -> datetime.datetime:
    out = (t + datetime.timedelta(minutes=90)).astimezone(datetime.timezone.utc)
    ns = getattr(t, "nanosecond", None)
    return gob.Time.with_nanosecond(out, ns) if ns is not None else out


class Lab:
    def Echo(self, s: Shape) -> Shape:
        s.Name = s.Name.upper()
        s.Count += 1
        if s.Center is not None:
            s.Center = Vec2(f32(s.Center.X + 1), s.Center.Y)
        if s.Meta.Created != ZERO_TIME:
            s.Meta.Created = _later(s.Meta.Created)
        return s

    def Area(self, s: Shape) -> gob.float32:
        total = 0.0
        for v in s.Vertices or ():
            total = f32(total + f32(v.X * v.Y))
        return total

    def Describe(self, s: Shape) -> str:
        center = "none" if s.Center is None else f"{_g32(s.Center.X)},{_g32(s.Center.Y)}"
        return (f"{s.Name} kind={s.Kind} count={s.Count} ratio={_g32(s.Ratio)} "
                f"center={center} vertices={len(s.Vertices or ())} "
                f"named={len(s.Named or {})} blob={len(s.Blob or b'')} "
                f"label={(s.Meta.Labels or {}).get('k', '')}")

    def Squares(self, n: int) -> list[int]:
        if n < 0:
            raise ValueError(f"lab: negative count {n}")
        return [i * i for i in range(n)]

    def Count(self, words: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for w in words:
            out[w] = out.get(w, 0) + 1
        return out

    def Fail(self, msg: str) -> int:
        raise RuntimeError(msg)

    def Checksum(self, b: bytes) -> gob.uint64:
        return len(b) << 32 | sum(b)

    def Fill(self, n: int) -> bytes:
        return (bytes(range(251)) * (n // 251 + 1))[:n]

    def Sleep(self, ms: int) -> int:
        time.sleep(ms / 1000)
        return ms

    def Totals(self, m: dict[str, Shape]) -> dict[str, int]:
        return {k: len(s.Vertices or ()) for k, s in m.items()}

    def Names(self, ss: list[Shape]) -> list[str]:
        return [s.Name for s in ss]

    def Shapes(self, n: int) -> list[Shape]:
        return [Shape(Name=f"s{i}", Count=i, Vertices=[Vec2(float(i), 0.5)]) for i in range(n)]

    def Negate(self, x: gob.int64) -> gob.int64:
        return -x

    def Half(self, x: gob.float32) -> gob.float32:
        return f32(x / 2)

    def Flip(self, b: bool) -> bool:
        return not b

    def Any(self, m: dict[str, Any]) -> dict[str, Any]:
        return m

    def Zone(self, t: datetime.datetime) -> str:
        from gostd.net.rpc.jsonrpc._json import format_time

        return format_time(t)  # Go's RFC 3339 with nanoseconds

    def Same(self, t: datetime.datetime) -> datetime.datetime:
        return t

    def Blank(self, n: int) -> None:
        return None

    # Returning nothing sends the annotation's zero value, as Go's server
    # sends the reply it allocated ([] and {} for a slice and a map).
    def NoSlice(self, n: int) -> list[str]:
        return None  # type: ignore[return-value]

    def NoMap(self, n: int) -> dict[str, int]:
        return None  # type: ignore[return-value]

    def NoArray(self, n: int) -> tuple[int, int]:
        return None  # type: ignore[return-value]

    def NoFloat(self, n: int) -> gob.float32:
        return None  # type: ignore[return-value]


gob.register(Vec2)
gob.register(list[Any])        # Go's gob.Register([]interface{}{})
gob.register(dict[str, Any])   # Go's gob.Register(map[string]interface{}{})


def _g32(x: float) -> str:
    """Go's ``%g`` of a float32 (shortest digits that read back as it), for
    values whose decimal exponent is in [-4, 6) as used here."""
    for digits in range(1, 10):
        text = f"{x:.{digits}g}"
        if f32(float(text)) == x:
            break
    return text
