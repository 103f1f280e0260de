"""Go's ``encoding/json`` rules for the values that cross JSON-RPC.

Encoding (``marshal``) writes what Go writes: compact, ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, other non-ASCII raw, ``bytes`` as base64,
floats in Go's shortest form (``1e-7``, ``1e+21``, ``100000000000000000000``),
dict keys sorted, dataclass fields in declaration order under their Go
names (only exported, i.e. upper-case, fields; a ``json`` entry in a
field's metadata acts as Go's struct tag: ``"name,omitempty"``,
``"id,string"`` or ``"-"``; ``{"embedded": True}`` promotes a struct
field's fields as Go's embedding does).

Decoding (``unmarshal``) follows Go's matching: object keys match struct
fields exactly first, then case-insensitively; unknown keys are ignored;
``null`` leaves the zero value; type mismatches raise :class:`UnmarshalError`
with Go's text (``json: cannot unmarshal string into Go struct field
Args.A of type int``).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import math
import re
import struct
import typing
from decimal import Decimal
from typing import Any

from .._types import go_type_name, strip_annotations
from ._stream import NegZero, loads_keep_floats

__all__ = ["MarshalError", "UnmarshalError", "marshal", "unmarshal", "zero_value"]


class MarshalError(ValueError):
    """A value Go's encoding/json cannot encode (``json: unsupported value: NaN``)."""


class UnmarshalError(ValueError):
    """A JSON value that does not fit the destination type, with Go's text."""


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
            "\u2028": "\\u2028", "\u2029": "\\u2029"}
for _c in range(0x20):
    _ESCAPES.setdefault(chr(_c), f"\\u{_c:04x}")
_NEEDS_ESCAPE = frozenset(_ESCAPES)


def _quote(s: str) -> str:
    if not _NEEDS_ESCAPE.intersection(s) and s.isprintable() and _no_surrogates(s):
        return '"' + s + '"'
    out = []
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")  # Go replaces invalid UTF-8 with U+FFFD
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _no_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def format_float(f: float, float32: bool = False) -> str:
    """Go's encoding/json float text: shortest round-trip digits, plain
    decimal for 1e-6 <= |f| < 1e21, else exponent form (``1e-7``, ``1e+21``).
    A ``gob.float32``, or any float with ``float32=True``, is written as
    the float32 it rounds to, with 32-bit shortest digits, as Go does."""
    if math.isnan(f) or math.isinf(f):
        raise MarshalError(f"json: unsupported value: {_go_float_name(f)}")
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    sign, digit_tuple, exp = Decimal(_shortest(f, float32)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exp += len(digit_tuple) - len(digits)
    point = len(digits) + exp  # decimal point position relative to the digits
    neg = "-" if sign else ""
    if 1e-6 <= abs(f) < 1e21:
        if exp >= 0:
            return neg + digits + "0" * exp
        if point > 0:
            return neg + digits[:point] + "." + digits[point:]
        return neg + "0." + "0" * (-point) + digits
    e = point - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{neg}{mant}e{'-' if e < 0 else '+'}{abs(e)}"


_F32 = struct.Struct("<f")


def _shortest(f: float, float32: bool = False) -> str:
    """The shortest digits that read back as ``f``: as a float64 (``repr``),
    or, for a ``gob.float32`` or with ``float32=True``, as a float32 (Go
    formats float32 with 32 bits)."""
    if not float32 and type(f).__name__ != "float32":
        return repr(f)
    try:
        (value,) = _F32.unpack(_F32.pack(f))
    except OverflowError:
        return repr(f)
    for precision in range(1, 10):
        text = f"{value:.{precision}g}"
        try:
            if _F32.unpack(_F32.pack(float(text)))[0] == value:
                return text
        except OverflowError:  # rounded up past float32's range (near its max)
            continue
    return repr(value)


def _go_float_name(f: float) -> str:
    return "NaN" if math.isnan(f) else ("+Inf" if f > 0 else "-Inf")


class _Field:
    """One JSON member of a struct: the attribute path to its value (one
    attribute, or several through embedded structs), the classes holding
    each step, its JSON name and its tag's options."""

    __slots__ = ("path", "attr", "owners", "name", "hint", "omitempty", "quoted", "float32")

    def __init__(self, path: tuple[str, ...], owners: tuple[type, ...], name: str,
                 opts: list[str], hint: Any) -> None:
        self.path = path
        self.attr = path[0] if len(path) == 1 else None  # set unless promoted
        self.owners = owners
        self.name = name
        self.hint = hint
        self.omitempty = "omitempty" in opts
        # ",string": a bool, number or string travels inside a JSON string
        # (Go ignores the option on other kinds).
        base = strip_annotations(hint)
        self.quoted = "string" in opts and isinstance(base, type) and \
            issubclass(base, (bool, int, float, str))
        # The annotation, when it holds a float32 that a plain float value
        # must be written as (see _as_float32); else None.
        self.float32 = hint if _has_float32(hint) else None


def _is_float32(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, float) and tp.__name__ == "float32"


def _has_float32(tp: Any, depth: int = 0) -> bool:
    """True when annotation ``tp`` is, or contains, a float32."""
    tp = strip_annotations(tp)
    if _is_float32(tp):
        return True
    return depth < 8 and any(_has_float32(a, depth + 1) for a in typing.get_args(tp)
                             if a is not Ellipsis)


def _as_float32(v: Any, tp: Any) -> Any:
    """``v`` with the plain floats that annotation ``tp`` declares float32
    made ``gob.float32`` (so they are written with 32-bit digits, as Go
    writes a float32), through lists, tuples and dict values."""
    tp = strip_annotations(tp)
    if _is_float32(tp):
        return tp(v) if type(v) is float else v
    args = typing.get_args(tp)
    if not args:
        return v
    if isinstance(v, list):
        return [_as_float32(x, args[0]) for x in v]
    if isinstance(v, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_as_float32(x, args[0]) for x in v)
        return tuple(_as_float32(x, a) for x, a in zip(v, args)) + v[len(args):]
    if isinstance(v, dict) and len(args) == 2:
        return {k: _as_float32(x, args[1]) for k, x in v.items()}
    return v


def _embedded_struct(f: dataclasses.Field, hint: Any, tag_name: str) -> type | None:
    """The struct type whose fields ``f`` promotes, else None.

    Go embeds a struct by writing only its type (``Meta`` or ``*Meta``),
    which names the field after the type.  Python cannot tell that from a
    named field ``Meta Meta`` (both are ``Meta: Meta`` here, and gob sends
    both alike), so a dataclass field is embedded only when its metadata
    says ``{"embedded": True}``; a json tag giving a name makes it an
    ordinary field again, as a tag does in Go.
    """
    if not (f.metadata and f.metadata.get("embedded")) or tag_name:
        return None
    tp = strip_annotations(hint)
    return tp if isinstance(tp, type) and dataclasses.is_dataclass(tp) else None


def _collect(cls: type, path: tuple[str, ...], owners: tuple[type, ...], depth: int,
             seen: frozenset[type], out: list[tuple[int, bool, _Field]]) -> None:
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        tag = f.metadata.get("json") if f.metadata else None
        tname, opts = "", ""
        if tag is not None:
            if tag == "-":
                continue
            tname, _, opts = tag.partition(",")
        emb = _embedded_struct(f, hints.get(f.name), tname)
        if emb is not None and emb not in seen:
            _collect(emb, path + (f.name,), owners + (cls,), depth + 1, seen | {emb}, out)
            continue
        if tag is None and not f.name[:1].isupper():
            continue  # unexported in Go: never encoded
        out.append((depth, bool(tname),
                     _Field(path + (f.name,), owners + (cls,), tname or f.name,
                            opts.split(","), hints.get(f.name))))


def _field_specs(cls: type) -> list[_Field]:
    """The fields Go would encode, in order, embedded structs' fields
    promoted in place.  Of several fields with one JSON name the shallowest
    wins, a tagged one over an untagged one at the same depth; a tie drops
    them all (Go's dominantField)."""
    specs = _FIELD_CACHE.get(cls)
    if specs is None:
        found: list[tuple[int, bool, _Field]] = []
        _collect(cls, (), (), 0, frozenset({cls}), found)
        by_name: dict[str, list[tuple[int, bool, _Field]]] = {}
        for entry in found:
            by_name.setdefault(entry[2].name, []).append(entry)
        winners = set()
        for entries in by_name.values():
            entries.sort(key=lambda e: (e[0], not e[1]))  # shallowest, then tagged, first
            if len(entries) > 1 and entries[0][:2] == entries[1][:2]:
                continue  # a tie: Go drops the name altogether
            winners.add(id(entries[0][2]))
        specs = [e[2] for e in found if id(e[2]) in winners]
        _FIELD_CACHE[cls] = specs
    return specs


_FIELD_CACHE: dict[type, list[_Field]] = {}


def _is_empty(v: Any) -> bool:
    return v is None or v is False or (isinstance(v, (int, float)) and v == 0) or \
        (isinstance(v, (str, bytes, list, tuple, dict)) and len(v) == 0)


def _encode(v: Any, out: list[str], depth: int = 0) -> None:
    if depth > 1000:
        raise MarshalError("json: unsupported value: encountered a cycle or too deep nesting")
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(int(v)))
    elif isinstance(v, float):
        text = getattr(v, "text", None)  # a number echoed as received (GoFloat)
        out.append(text if isinstance(text, str) else format_float(v))
    elif isinstance(v, str):
        out.append(_quote(v))
    elif isinstance(v, (bytes, bytearray, memoryview)):
        out.append('"' + base64.b64encode(bytes(v)).decode("ascii") + '"')
    elif isinstance(v, RawMessage):
        out.append(v.text)
    elif isinstance(v, datetime.datetime):
        out.append('"' + format_time(v) + '"')
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        out.append("{")
        first = True
        for spec in _field_specs(type(v)):
            if spec.attr is not None:
                fv = getattr(v, spec.attr)
            else:
                fv = _promoted(v, spec.path)
                if fv is _ABSENT:
                    continue
            if spec.omitempty and _is_empty(fv):
                continue
            if spec.float32 is not None:
                fv = _as_float32(fv, spec.float32)
            if not first:
                out.append(",")
            first = False
            out.append(_quote(spec.name))
            out.append(":")
            if spec.quoted and fv is not None:
                out.append(_quote(marshal(fv)))
            else:
                _encode(fv, out, depth + 1)
        out.append("}")
    elif isinstance(v, dict):
        items = []
        for k, val in v.items():
            if isinstance(k, str):
                ks = k
            elif isinstance(k, int) and not isinstance(k, bool):
                ks = str(k)
            else:
                raise MarshalError(f"json: unsupported type: map[{go_type_name(type(k))}]...")
            items.append((ks, val))
        items.sort(key=lambda kv: kv[0])
        out.append("{")
        for i, (ks, val) in enumerate(items):
            if i:
                out.append(",")
            out.append(_quote(ks))
            out.append(":")
            _encode(val, out, depth + 1)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(",")
            _encode(item, out, depth + 1)
        out.append("]")
    else:
        raise MarshalError(f"json: unsupported type: {go_type_name(type(v))}")


_ABSENT = object()


def _promoted(v: Any, path: tuple[str, ...]) -> Any:
    """The value of a promoted field, or _ABSENT inside a nil embedded
    pointer (whose fields Go does not send)."""
    for attr in path[:-1]:
        v = getattr(v, attr)
        if v is None:
            return _ABSENT
    return getattr(v, path[-1])


def marshal(v: Any, tp: Any = None) -> str:
    """``v`` as Go's ``json.Marshal`` would write it (no trailing newline);
    ``tp``, the annotation ``v`` is declared as, makes plain floats it
    declares float32 (and dataclass fields declared float32) 32-bit."""
    if tp is not None and _has_float32(tp):
        v = _as_float32(v, tp)
    out: list[str] = []
    _encode(v, out)
    return "".join(out)


class RawMessage:
    """Already-encoded JSON, written verbatim (Go's ``json.RawMessage``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"RawMessage({self.text!r})"


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def zero_value(tp: Any) -> Any:
    """Go's zero value for a Python annotation (``None`` where Go has nil)."""
    tp = strip_annotations(tp)
    if tp is None or tp is Any:
        return None
    if tp is bool:
        return False
    if tp is float:
        return 0.0
    if tp is str:
        return ""
    if tp is bytes:
        return b""
    if isinstance(tp, type) and issubclass(tp, int):
        return 0
    if isinstance(tp, type) and issubclass(tp, (float, complex)):
        return tp(0)  # gob.float32, complex, gob.complex64
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if args and not (len(args) == 2 and args[1] is Ellipsis):
            return tuple(zero_value(a) for a in args)  # a Go array: zero elements
    if isinstance(tp, type) and issubclass(tp, datetime.datetime):
        return _ZERO_TIME
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _new_struct(tp)
    supertype = getattr(tp, "__supertype__", None)
    if supertype is not None:
        return zero_value(supertype)
    return None


_ZERO_TIME = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)  # Go's time.Time{}


def _new_struct(tp: type) -> Any:
    try:
        return tp()
    except TypeError:  # fields without defaults: fill them with zero values
        hints = _hints(tp)
        kwargs = {f.name: zero_value(hints.get(f.name)) for f in dataclasses.fields(tp) if f.init}
        return tp(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(tp: type) -> dict[str, Any]:
    h = _HINTS.get(tp)
    if h is None:
        try:
            h = typing.get_type_hints(tp)
        except Exception:
            h = {f.name: f.type for f in dataclasses.fields(tp)}
        _HINTS[tp] = h
    return h


class _Ctx:
    """Where a decode is: Go's error text names the struct field being filled."""

    __slots__ = ("struct", "field")

    def __init__(self) -> None:
        self.struct = ""
        self.field = ""


def _mismatch(v: Any, tp: Any, ctx: _Ctx, what: str | None = None) -> UnmarshalError:
    kind = what or _json_kind(v)
    tname = go_type_name(tp)
    if ctx.field:
        return UnmarshalError(f"json: cannot unmarshal {kind} into Go struct field "
                              f"{ctx.struct}.{ctx.field} of type {tname}")
    return UnmarshalError(f"json: cannot unmarshal {kind} into Go value of type {tname}")


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _decode(v: Any, tp: Any, ctx: _Ctx) -> Any:
    if tp is int and type(v) is int and _INT64_MIN <= v <= _INT64_MAX:
        return v  # the common case, as the checks below end
    if v is None and _is_optional(tp):
        return None  # null into a pointer: nil
    tp = strip_annotations(tp)
    if tp is None or tp is Any or tp is object:
        _check_float64s(v, ctx)
        return v
    if v is None:
        return zero_value(tp)
    supertype = getattr(tp, "__supertype__", None)
    if supertype is not None:
        return _decode(v, supertype, ctx)
    origin = typing.get_origin(tp)
    if tp is bool:
        if not isinstance(v, bool):
            raise _mismatch(v, tp, ctx)
        return v
    if isinstance(tp, type) and issubclass(tp, float):  # float, gob.float32/64
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _mismatch(v, tp, ctx)
        # Go's ParseFloat(text, bits): out of range (rounding to infinity
        # at that width) is an error; underflow is not.
        try:
            f = float(v)
            if tp.__name__ == "float32":
                f = _F32.unpack(_F32.pack(f))[0]  # Go's value: the float32
        except OverflowError:
            f = math.inf
        if math.isinf(f):
            raise _mismatch(v, tp, ctx, f"number {_literal(v)}")
        return f if tp is float else tp(f)
    if isinstance(tp, type) and issubclass(tp, int):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _mismatch(v, tp, ctx)
        # Go's ParseInt/ParseUint(text, 10, 64), then the width: a fraction
        # or exponent (even 1.0 or 1e2) is refused, as is -0 unsigned.
        lo, hi = _int_range(tp)
        if isinstance(v, float) or not lo <= v <= hi or (lo == 0 and v.__class__ is NegZero):
            raise _mismatch(v, tp, ctx, f"number {_literal(v)}")
        return int(v) if tp is int else tp(v)
    if isinstance(tp, type) and issubclass(tp, datetime.datetime):
        if not isinstance(v, str):
            raise _mismatch(v, tp, ctx)
        return parse_time(v)
    if tp is str:
        if not isinstance(v, str):
            raise _mismatch(v, tp, ctx)
        return v
    if tp in (bytes, bytearray):
        if not isinstance(v, str):
            raise _mismatch(v, tp, ctx)
        try:
            return base64.b64decode(v.encode("ascii"), validate=True)
        except Exception:
            raise UnmarshalError("illegal base64 data at input byte 0") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(v, dict):
            raise _mismatch(v, tp, ctx)
        return _decode_struct(v, tp, ctx)
    if origin in (list, typing.List, typing.Sequence, tuple):
        if not isinstance(v, list):
            raise _mismatch(v, tp, ctx)
        args = typing.get_args(tp)
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            # A Go array [N]T: extra elements are dropped, missing ones zero.
            return tuple(_decode(v[i], a, ctx) if i < len(v) else zero_value(a)
                         for i, a in enumerate(args))
        elem = args[0] if args else None
        items = [_decode(x, elem, ctx) for x in v]
        return tuple(items) if origin is tuple else items
    if origin in (dict, typing.Dict, typing.Mapping):
        if not isinstance(v, dict):
            raise _mismatch(v, tp, ctx)
        args = typing.get_args(tp) or (None, None)
        ktp = strip_annotations(args[0])
        int_keys = isinstance(ktp, type) and issubclass(ktp, int) and ktp is not bool
        out = {}
        for k, x in v.items():
            item = _decode(x, args[1], ctx)  # Go decodes the value, then the key
            out[_int_key(k, ktp, ctx) if int_keys else k] = item
        return out
    return v


_INT_KEY = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)


def _int_key(k: str, ktp: type, ctx: _Ctx) -> int:
    """An integer map key as Go's ParseInt/ParseUint(key, 10, 64) reads it
    (a sign, ASCII digits only; no sign for unsigned), checked against the
    key type's width."""
    lo, hi = _int_range(ktp)
    if _INT_KEY.match(k) and (lo < 0 or k[0] not in "+-") and len(k) <= 21:
        n = int(k)
        if lo <= n <= hi:
            return n if ktp is int else ktp(n)
    raise _mismatch(k, ktp, ctx, f"number {k}")


def _literal(v: Any) -> str:
    """A JSON number's text as received (Go quotes the literal)."""
    text = getattr(v, "text", None)
    return text if isinstance(text, str) else str(v)


def _check_float64s(v: Any, ctx: _Ctx) -> None:
    """Go decodes a number into ``interface{}`` as a float64 and refuses
    one out of its range; Python keeps ints exact, but refuses the same
    numbers (walked without recursion; only containers are entered)."""
    if v.__class__ in (str, bool) or v is None:
        return
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            stack.extend(y for y in reversed(x) if y.__class__ not in (int, str, bool))
        elif isinstance(x, dict):
            stack.extend(y for y in reversed(list(x.values()))
                         if y.__class__ not in (int, str, bool))
        elif (isinstance(x, float) and math.isinf(x)) or \
                (isinstance(x, int) and x.bit_length() > 1023 and not _fits_float(x)):
            raise _mismatch(x, float, ctx, f"number {_literal(x)}")


def _fits_float(n: int) -> bool:
    try:
        float(n)
    except OverflowError:
        return False
    return True


def _is_optional(tp: Any) -> bool:
    """``Optional[T]`` / ``T | None``: Go's pointer, which JSON null leaves nil."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _is_optional(typing.get_args(tp)[0])
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        return type(None) in typing.get_args(tp)
    return False


_INT_RANGES: dict[type, tuple[int, int]] = {}


def _int_range(tp: type) -> tuple[int, int]:
    """The values Go's integer type for ``tp`` holds (``int`` is int64)."""
    r = _INT_RANGES.get(tp)
    if r is None:
        lo, hi = -(1 << 63), (1 << 63) - 1
        try:
            from ....encoding import gob

            g = gob.go_type(tp)
            if g.lo is not None and g.hi is not None:
                lo, hi = g.lo, g.hi
        except Exception:
            pass
        r = _INT_RANGES[tp] = (lo, hi)
    return r


def format_time(t: datetime.datetime) -> str:
    """Go's ``time.Time.MarshalJSON``: RFC 3339 with nanoseconds, trailing
    zeros dropped, ``Z`` for a zero offset (naive datetimes are UTC)."""
    if not 0 <= t.year <= 9999:  # datetime cannot go below 1 anyway
        raise MarshalError("json: error calling MarshalJSON for type time.Time: "
                           "Time.MarshalJSON: year outside of range [0,9999]")
    ns = getattr(t, "nanosecond", t.microsecond * 1000)
    text = (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T"
            f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}")
    if ns:
        text += "." + f"{ns:09d}".rstrip("0")
    off = t.utcoffset()
    secs = 0 if off is None else int(off.total_seconds())
    if secs == 0:
        return text + "Z"
    sign = "-" if secs < 0 else "+"
    hours, minutes = divmod(abs(secs) // 60, 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
                      r"(Z|[+-]\d{2}:\d{2})\Z")


def parse_time(text: str) -> datetime.datetime:
    """Go's ``time.Time.UnmarshalJSON`` (RFC 3339): an aware datetime; a
    time with nanoseconds beyond the microsecond is a :class:`gob.Time`."""
    m = _TIME_RE.match(text)
    try:
        if m is None:
            raise ValueError(text)
        y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
        ns = int((m.group(7) or "").ljust(9, "0"))
        zone = m.group(8)
        if zone == "Z":
            tz = datetime.timezone.utc
        else:
            sign = -1 if zone[0] == "-" else 1
            tz = datetime.timezone(sign * datetime.timedelta(hours=int(zone[1:3]),
                                                             minutes=int(zone[4:6])))
        t = datetime.datetime(y, mo, d, h, mi, sec, ns // 1000, tz)
    except ValueError:
        raise UnmarshalError(f'parsing time "\\"{text}\\"" as '
                             '"\\"2006-01-02T15:04:05Z07:00\\"": cannot parse '
                             f'"{text}" as RFC 3339') from None
    if ns % 1000:
        from ....encoding import gob

        return gob.Time.with_nanosecond(t, ns)
    return t


def _field_keys(tp: type) -> tuple[dict[str, _Field], dict[str, _Field]]:
    """JSON key -> field, exact and case-folded (the first field wins a fold)."""
    keys = _KEYS_CACHE.get(tp)
    if keys is None:
        specs = _field_specs(tp)
        exact = {spec.name: spec for spec in specs}
        folded: dict[str, _Field] = {}
        for spec in specs:
            folded.setdefault(spec.name.casefold(), spec)
        keys = _KEYS_CACHE[tp] = (exact, folded)
    return keys


_KEYS_CACHE: dict[type, tuple[dict[str, _Field], dict[str, _Field]]] = {}


def _holder(inst: Any, spec: _Field) -> Any:
    """The struct that holds ``spec``'s attribute: ``inst`` itself, or the
    embedded struct on its path (allocated if nil, as Go allocates an
    embedded pointer it decodes into)."""
    for attr, owner in zip(spec.path[:-1], spec.owners[1:]):
        sub = getattr(inst, attr)
        if sub is None:
            sub = _new_struct(owner)
            setattr(inst, attr, sub)
        inst = sub
    return inst


def _unquote_field(val: Any, hint: Any) -> Any:
    """The value inside a ``,string`` field's JSON string, checked as Go
    checks it (a string field needs a JSON string inside; null is null)."""
    base = strip_annotations(hint)
    tname = go_type_name(base)
    if not isinstance(val, str):
        raise UnmarshalError("json: invalid use of ,string struct tag, trying to unmarshal "
                             f"unquoted value into {tname}")
    if val == "null":
        return None
    try:
        inner = loads_keep_floats(val)
    except (ValueError, RecursionError):
        inner = _BAD
    if issubclass(base, bool):
        ok = isinstance(inner, bool)
    elif issubclass(base, (int, float)):
        ok = isinstance(inner, (int, float)) and not isinstance(inner, bool)
    else:
        ok = isinstance(inner, str)
    if not ok:
        raise UnmarshalError("json: invalid use of ,string struct tag, trying to unmarshal "
                             f"{_go_quote(val)} into {tname}")
    return inner


_BAD = object()


def _go_quote(s: str) -> str:
    """Go's ``%q`` of ``s`` (strconv.Quote) for the printable text of JSON."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable():
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x80 else
                       f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _decode_struct(obj: dict[str, Any], tp: type, ctx: _Ctx) -> Any:
    inst = _new_struct(tp)
    exact, folded = _field_keys(tp)
    outer = (ctx.struct, ctx.field)
    for key, val in obj.items():
        spec = exact.get(key) or folded.get(key.casefold())
        if spec is None or val is None:
            continue  # unknown keys are ignored; null leaves the field as it was
        # Go 1.19's error context: the struct being decoded and the JSON
        # names of the fields leading to the value.
        ctx.struct = tp.__name__
        ctx.field = f"{outer[1]}.{spec.name}" if outer[1] else spec.name
        hint = spec.hint
        if spec.quoted:
            val = _unquote_field(val, hint)
            if val is None:
                continue
        if spec.attr is not None:
            setattr(inst, spec.attr, _decode(val, hint, ctx))
        else:
            setattr(_holder(inst, spec), spec.path[-1], _decode(val, hint, ctx))
    ctx.struct, ctx.field = outer
    return inst


def unmarshal(data: str | bytes | Any, tp: Any = None, *, parsed: bool = False) -> Any:
    """Decode JSON text (or, with ``parsed=True``, an already-parsed value)
    as ``tp``; ``tp=None`` gives plain Python values."""
    if not parsed:
        try:
            if isinstance(data, (bytes, bytearray)):
                data = bytes(data).decode("utf-8", "replace")
            data = loads_keep_floats(data)  # numbers keep their text
        except (ValueError, RecursionError) as exc:
            raise UnmarshalError(f"invalid character in JSON: {exc}") from None
    try:
        return _decode(data, tp, _Ctx())
    except RecursionError:
        raise UnmarshalError("json: exceeded max depth") from None
