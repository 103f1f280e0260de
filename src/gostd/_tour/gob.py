"""Tour: encoding/gob, byte for byte what Go writes.

The golden bytes below were produced by Go 1.19's ``gob.NewEncoder(w).Encode``
in a fresh process; the section checks that Python writes the same bytes,
reads them back, and rejects damaged input with Go's error texts.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from typing import Any, Callable

from gostd.encoding import gob

# Go: gob.NewEncoder(&buf).Encode(Args{7, 8})
ARGS_7_8 = bytes.fromhex(
    "1eff81030101044172677301ff82000102010141010400010142010400000007ff82010e011000")
# Go: Encode(Holder{V: Point{1, 2}, N: 9}) with gob.Register(Point{})
HOLDER = bytes.fromhex(
    "20ff8103010106486f6c64657201ff8200010201015601100001014e01040000002dff82010a6d61696e2e"
    "506f696e74ff8303010105506f696e7401ff8400010201015801040001015901040000000bff8405010201"
    "0400011200")
# Go: Encode(time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC))
GO_LAUNCH = bytes.fromhex(
    "10ff810501010454696d6501ff8200000013ff82000f010000000ec28be77000000000ffff")
# Go: Encode(time.Date(2023, time.March, 4, 5, 6, 7, 123456789, time.UTC))
NANOS = bytes.fromhex(
    "10ff810501010454696d6501ff8200000013ff82000f010000000edb94c8bf075bcd15ffff")


@dataclasses.dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclasses.dataclass
class Point:
    X: int = 0
    Y: int = 0


@dataclasses.dataclass
class Holder:
    V: Any = None
    N: int = 0


def _registered_point() -> type:
    """The class registered as "main.Point" (registering ours if none is:
    like Go's, the registry is process-wide and refuses a second type)."""
    from gostd.encoding.gob._types import registered_type
    existing = registered_type("main.Point")
    if existing is None:
        gob.register(Point, "main.Point")
        return Point
    return existing.cls


def _check(cond: bool, claim: str) -> None:
    if not cond:
        raise AssertionError(f"claim does not hold: {claim}")


def run(say: Callable[[str], None]) -> None:
    data = gob.dumps(Args(7, 8))
    _check(data == ARGS_7_8, "Python encodes Args{7, 8} exactly as Go does")
    say(f"gob.dumps(Args(7, 8)) = {data.hex()}  (identical to Go's {len(ARGS_7_8)} bytes)")
    _check(gob.loads(ARGS_7_8, into=Args) == Args(7, 8), "Go's bytes decode to Args(7, 8)")
    _check(gob.loads(ARGS_7_8) == {"A": 7, "B": 8}, "without a target, a struct is a dict")
    say(f"gob.loads(go_bytes, into=Args) = {gob.loads(ARGS_7_8, into=Args)}; "
        f"plain: {gob.loads(ARGS_7_8)}")

    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(Args(7, 8))
    first = out.tell()
    enc.encode(Args(15, 6))
    second = out.tell() - first
    _check(second == 8, "the second value on a stream carries no type definition")
    say(f"one Encoder, two values: {first} bytes, then {second} (definitions sent once)")

    point = _registered_point()
    data = gob.dumps(Holder(point(1, 2), 9))
    _check(data == HOLDER, "an interface field holding a registered Point matches Go")
    _check(gob.loads(HOLDER, into=Holder) == Holder(point(1, 2), 9), "and decodes back")
    say("Holder{V: Point{1, 2}, N: 9}: interface value split around Point's definition, as Go does")

    t = datetime.datetime(2009, 11, 10, 23, tzinfo=datetime.timezone.utc)
    _check(gob.dumps(t) == GO_LAUNCH and gob.loads(GO_LAUNCH) == t,
           "datetime <-> time.Time uses Go's MarshalBinary layout")
    say(f"time.Time {t.isoformat()} <-> {len(GO_LAUNCH)} bytes, both ways")
    t = gob.loads(NANOS)
    _check(t.nanosecond == 123456789 and gob.dumps(t) == NANOS,
           "a time with nanoseconds keeps them (gob.Time) and re-encodes as Go wrote it")
    say(f"nanoseconds survive: {t.isoformat()} .nanosecond={t.nanosecond}")

    for damaged, want in ((ARGS_7_8[:20], "unexpected EOF"),
                          (bytes.fromhex("0304000a"), "gob: decoding into local type *uint, "
                                                      "received remote type int"),
                          (bytes.fromhex("fba5822fca01"), "invalid message length")):
        try:
            gob.loads(damaged, into=gob.uint if want.startswith("gob: decoding") else None)
        except gob.GobError as exc:
            _check(str(exc) == want, f"damaged input reports {want!r}")
            say(f"damaged input {damaged[:8].hex()}...: GobError({str(exc)!r})")
        else:
            raise AssertionError("damaged input decoded without error")
