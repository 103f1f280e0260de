"""Decoding ops: ``op(dec, buf, pos) -> (value, pos)`` for every kind.

Scalars are plain functions shared by all decoders; composite ops are built
around their element ops.  Each op reads from ``buf`` at ``pos`` and checks
lengths against the bytes present, never against lengths the data claims,
so hostile counts fail when the bytes run out instead of allocating.
Error texts are Go's.
"""

from __future__ import annotations

import datetime as _dt
import struct
from typing import TYPE_CHECKING, Any, Callable

from . import _types as T
from ._decgen import FLOAT1, K_BOOL, K_FLOAT, K_INT, K_OTHER, K_STRING, K_STRSLICE, K_UINT, PAD
from ._time import unmarshal_time
from ._wire import TOO_BIG, GobError, bits_float, float32_max, round_float32
from ._wiretype import read_uint

if TYPE_CHECKING:
    from ._decoder import Decoder

ERR_BAD_TYPE = "gob: unknown type id or corrupted data"
_UTC = _dt.timezone.utc
_ZERO_TIME = _dt.datetime(1, 1, 1, tzinfo=_UTC)
_MAX_DEPTH = 100  # nesting of types compiled in one go (Go: 10000 for ignores)

_BASIC_IDS = {T.BOOL: 1, T.INT: 2, T.UINT: 3, T.FLOAT: 4, T.BYTES: 5,
              T.STRING: 6, T.COMPLEX: 7, T.IFACE: 8}

Op = Callable[[Any, Any, int], tuple]
_NOTHING = object()


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
            "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\"}


def _quote(s: str) -> str:
    """Go's ``%q`` of the bytes ``s`` holds (invalid UTF-8 kept as
    surrogateescapes becomes ``\\xNN``, as Go writes it)."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif 0xDC80 <= o <= 0xDCFF or o < 0x20 or o == 0x7F:
            out.append(f"\\x{o & 0xFF:02x}")
        elif c.isprintable():
            out.append(c)
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def _overflow(name: str) -> GobError:
    return GobError(f'value for "{name}" out of range')


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    return v


# --- basic ops shared by every decoder ---------------------------------------

def _op_bool(d, buf, pos):
    b = buf[pos]
    if b < 0x80:
        return b != 0, pos + 1
    u, pos = read_uint(buf, pos)
    return u != 0, pos


def _op_int(d, buf, pos):
    b = buf[pos]
    if b < 0x80:
        return ((~(b >> 1)) if b & 1 else (b >> 1)), pos + 1
    u, pos = read_uint(buf, pos)
    return ((~(u >> 1)) if u & 1 else (u >> 1)), pos


def _op_uint(d, buf, pos):
    b = buf[pos]
    if b < 0x80:
        return b, pos + 1
    return read_uint(buf, pos)


def _op_float(d, buf, pos):
    b = buf[pos]
    if b < 0x80:
        return FLOAT1[b], pos + 1
    n = 256 - b
    e = pos + 1 + n
    if n <= 8 and e <= len(buf):
        return _unpack_le(PAD[n] + buf[pos + 1:e])[0], e
    u, pos = read_uint(buf, pos)
    return bits_float(u), pos


_unpack_le = struct.Struct("<d").unpack


def _op_complex(d, buf, pos):
    u, pos = read_uint(buf, pos)
    v, pos = read_uint(buf, pos)
    return complex(bits_float(u), bits_float(v)), pos


def _length(buf, pos):
    n, pos = read_uint(buf, pos)
    if n > len(buf) - pos or n >= TOO_BIG:
        return -1, pos
    return n, pos


def _op_string(d, buf, pos):
    n = buf[pos]
    if n < 0x80 and pos + 1 + n <= len(buf):
        pos += 1
        s = buf[pos:pos + n]
        try:
            return s.decode(), pos + n
        except UnicodeDecodeError:
            return s.decode("utf-8", "surrogateescape"), pos + n
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: bad string slice length: 0")
    return buf[pos:pos + n].decode("utf-8", "surrogateescape"), pos + n


def _op_string_elem(d, buf, pos):
    """A string element decoded by Go's []string decoder (its own error)."""
    n, pos = read_uint(buf, pos)
    if n > len(buf) - pos:
        raise GobError(f"gob: length of string exceeds input size ({n} bytes)")
    return buf[pos:pos + n].decode("utf-8", "surrogateescape"), pos + n


def _op_bytes(d, buf, pos):
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: bad []uint8 slice length: 0")
    return bytes(buf[pos:pos + n]), pos + n


def _skip_bytes(d, buf, pos):
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: slice length too large")
    return None, pos + n


def _plain_string(d, buf, pos):
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: slice length too large")
    return buf[pos:pos + n].decode("utf-8", "surrogateescape"), pos + n


def _plain_bytes(d, buf, pos):
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: slice length too large")
    return bytes(buf[pos:pos + n]), pos + n


def _gob_payload(buf, pos):
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: GobDecoder: length too large for buffer")
    return bytes(buf[pos:pos + n]), pos + n


def _op_time(d, buf, pos):
    data, pos = _gob_payload(buf, pos)
    return unmarshal_time(data), pos


def _int_into(name: str, lo: int, hi: int) -> Op:
    def op(d, buf, pos):
        b = buf[pos]
        if b < 0x80:
            v = (~(b >> 1)) if b & 1 else (b >> 1)
            pos += 1
        else:
            u, pos = read_uint(buf, pos)
            v = (~(u >> 1)) if u & 1 else (u >> 1)
        if v < lo or v > hi:
            raise _overflow(name)
        return v, pos
    return op


def _uint_into(name: str, hi: int) -> Op:
    def op(d, buf, pos):
        v, pos = read_uint(buf, pos)
        if v > hi:
            raise _overflow(name)
        return v, pos
    return op


def _float32_into(name: str) -> Op:
    # Go stores float32(v): finite values beyond float32's range are an
    # error, the rest are rounded to float32.
    def op(d, buf, pos):
        u, pos = read_uint(buf, pos)
        v = bits_float(u)
        if float32_max < abs(v) < float("inf"):
            raise _overflow(name)
        return round_float32(v), pos
    return op


def _complex64_into(name: str) -> Op:
    def op(d, buf, pos):
        u, pos = read_uint(buf, pos)
        w, pos = read_uint(buf, pos)
        re, im = bits_float(u), bits_float(w)
        for x in (re, im):
            if float32_max < abs(x) < float("inf"):
                raise _overflow(name)
        return complex(round_float32(re), round_float32(im)), pos
    return op


def _go_size(gt: T.GoType) -> int:
    """Go's in-memory size of a value of ``gt`` (for "slice too big")."""
    k = gt.kind
    if k in (T.INT, T.UINT):
        return {"int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4,
                "uint32": 4}.get(gt.go, 8)
    return {T.BOOL: 1, T.FLOAT: 4 if gt.narrow else 8,
            T.COMPLEX: 8 if gt.narrow else 16, T.STRING: 16, T.BYTES: 24,
            T.SLICE: 24, T.MAP: 8, T.PTR: 8, T.IFACE: 16, T.TIME: 24,
            T.ARRAY: gt.length * _go_size(gt.elem) if k == T.ARRAY else 0,
            T.STRUCT: 8 * len(gt.fields) if k == T.STRUCT else 0,
            T.GOBENC: 8}.get(k, 8)


# Plain decoding's memory model.  Everything plain decoding builds is
# charged, before it is built, against the Decoder's ``_budget`` (bytes:
# BUDGET_PER_BYTE per byte received plus BUDGET_BASE, see ``_decoder``), at
# these upper bounds of CPython's object sizes (3.11, and free-threaded
# 3.13's larger objects).  Scalars are paid for by the slot holding them.
PLAIN_LIST = 64       # a list, empty
PLAIN_ELEM = 56       # a list slot and the scalar object in it
PLAIN_SLOT = 8        # a list slot holding a value charged itself
PLAIN_ENTRY = 128     # a map's dict entry, key and value objects included
PLAIN_DICT = 80       # a dict, empty
PLAIN_FIELD = 64      # a struct dict's entry (table amortised) and its value
PLAIN_FRESH = 72      # a fresh [] or {} made for a slice or map field not sent


def plain_struct_cost(nfields: int, nfresh: int) -> int:
    """What plain decoding charges for one struct of ``nfields`` remote
    fields, ``nfresh`` of them slices or maps (given a fresh empty value
    when not sent).  Small dicts have a table of eight slots."""
    return PLAIN_DICT + (PLAIN_FIELD * max(nfields, 3) if nfields else 0) + PLAIN_FRESH * nfresh


def plain_elem_cost(charged_itself: bool) -> int:
    """What a list charges per element: a slot, plus the object unless
    the element (a struct or container) is ``charged_itself``."""
    return PLAIN_SLOT if charged_itself else PLAIN_ELEM


def _charge(d, cost: int) -> None:
    d._budget -= cost
    if d._budget < 0:
        d._over_budget()


_PLAIN_KINDS = {1: K_BOOL, 2: K_INT, 3: K_UINT, 4: K_FLOAT, 6: K_STRING}


def _inline_kind(gt: T.GoType) -> str:
    k = gt.kind
    if T.wraps(gt) is not None:
        return K_OTHER   # the op converts values to the declaring class
    if k == T.INT and not gt.narrow:
        return K_INT
    if k == T.UINT and not gt.narrow:
        return K_UINT
    if k == T.BOOL:
        return K_BOOL
    if k == T.STRING:
        return K_STRING
    if k == T.FLOAT and not gt.narrow:
        return K_FLOAT
    if k == T.SLICE and gt.elem is T.T_STRING and gt.go.startswith("["):
        return K_STRSLICE   # (Go's []string decoder, with its own error text)
    return K_OTHER


def _hk(r):
    v, pos = r
    return _hashable(v), pos


def _singleton(op: Op) -> Op:
    def single(d, buf, pos):
        if buf[pos] != 0:
            read_uint(buf, pos)   # a malformed delta is reported as such first
            raise GobError("gob: decode: corrupted data: non-zero delta for singleton")
        return op(d, buf, pos + 1)
    return single


_HELPER_KINDS = (T.BOOL, T.INT, T.UINT, T.FLOAT, T.COMPLEX, T.STRING)


def sequence_what(gt: T.GoType | None) -> str:
    """How Go names local slice or array type ``gt`` in "length exceeds
    input size" errors: unnamed slices and arrays of an unnamed basic type
    other than uint8 have kind-specific decoders in Go ("decoding int array
    or slice"), the rest share the generic one."""
    e = gt.elem if gt is not None and gt.go.startswith("[") else None
    if e is not None and e.kind in _HELPER_KINDS and e.go == e.name and e.go != "uint8" \
            and T.wraps(e) is None:
        return f"decoding {e.go} array or slice"
    return "decoding array or slice"


def _slice_count(buf, pos: int, size: int, elem_go: str) -> tuple[int, int]:
    """A slice's element count (and the position after it), refused when
    ``size``-byte elements would pass Go's tooBig."""
    b = buf[pos]
    if b < 0x80:
        n = b
        pos += 1
    else:
        n, pos = read_uint(buf, pos)
    if size and n * size > TOO_BIG:
        raise GobError(f"gob: {elem_go} slice too big: {n} elements of {size} bytes")
    return n, pos


def _slice_op(eop: Op, size: int, elem_go: str, what: str = "decoding array or slice",
              charge: int = 0) -> Op:
    """``charge`` (plain decoding): charge PLAIN_LIST plus ``charge`` per
    element to the decoder's budget (see PLAIN_LIST)."""
    if eop is _op_string or eop is _plain_string or eop is _op_string_elem:
        return _string_slice_op(eop, size, elem_go, what, charge)

    def op(d, buf, pos):
        n, pos = _slice_count(buf, pos, size, elem_go)
        if charge:
            _charge(d, PLAIN_LIST + charge * n)
        out = []
        append = out.append
        for _ in range(n):
            if pos >= len(buf):
                raise GobError(f"gob: {what}: length exceeds input size ({n} elements)")
            v, pos = eop(d, buf, pos)
            append(v)
        return out, pos
    return op


def _string_slice_op(eop: Op, size: int, elem_go: str, what: str, charge: int) -> Op:
    def op(d, buf, pos):
        n, pos = _slice_count(buf, pos, size, elem_go)
        if charge:
            _charge(d, PLAIN_LIST + charge * n)
        out = []
        append = out.append
        for _ in range(n):
            if pos >= len(buf):
                raise GobError(f"gob: {what}: length exceeds input size ({n} elements)")
            b = buf[pos]
            e = pos + 1 + b
            if b < 0x80 and e <= len(buf):
                append(buf[pos + 1:e].decode("utf-8", "surrogateescape"))
                pos = e
            else:
                v, pos = eop(d, buf, pos)
                append(v)
        return out, pos
    return op


def _array_op(eop: Op, length: int, make, what: str = "decoding array or slice",
              charge: int = 0) -> Op:
    def op(d, buf, pos):
        n, pos = read_uint(buf, pos)
        if n != length:
            raise GobError("gob: length mismatch in decodeArray")
        if charge:
            _charge(d, PLAIN_LIST + charge * n)
        out = []
        for _ in range(n):
            if pos >= len(buf):
                raise GobError(f"gob: {what}: length exceeds input size ({n} elements)")
            v, pos = eop(d, buf, pos)
            out.append(v)
        return make(out), pos
    return op


def _map_op(kop: Op, vop: Op, charge: int = 0) -> Op:
    def op(d, buf, pos):
        n, pos = read_uint(buf, pos)
        if charge:
            _charge(d, PLAIN_DICT + charge * n)
        out = {}
        for _ in range(n):
            if pos >= len(buf):
                raise GobError("EOF")
            k, pos = kop(d, buf, pos)
            out[k], pos = vop(d, buf, pos)
        return out, pos
    return op


def _gobdec_op(gt: T.GoType) -> Op:
    cls = gt.cls
    meth = "gob_decode" if gt.marshal == 4 else "unmarshal_binary"

    def op(d, buf, pos):
        data, pos = _gob_payload(buf, pos)
        obj = cls.__new__(cls)
        try:
            r = getattr(obj, meth)(data)
        except GobError:
            raise
        except Exception as exc:
            # Go's Decode returns the GobDecode/UnmarshalBinary error itself.
            raise GobError(str(exc)) from exc
        if isinstance(r, cls):
            obj = r
        return obj, pos
    return op


def _iface_name(buf, pos):
    nr, pos = read_uint(buf, pos)
    if nr > 1 << 31:
        raise GobError(f"gob: invalid type name length {nr}")
    if nr > len(buf) - pos:
        raise GobError(f"gob: invalid type name length {nr}: exceeds input size")
    return bytes(buf[pos:pos + nr]).decode("utf-8", "surrogateescape"), pos + nr


def _iface_into(d: Decoder, buf, pos):
    """Decode an interface value: name, definitions, id, count, value."""
    name, pos = _iface_name(buf, pos)
    if not name:
        return None, pos
    if len(name.encode("utf-8", "surrogateescape")) > 1024:
        raise GobError(f"gob: name too long ({len(name)} bytes): {_quote(name[:20])}...")
    lt = T.registered_type(name)
    if lt is None:
        raise GobError(f"gob: name not registered for interface: {_quote(name)}")
    cid, pos = d._type_sequence(buf, pos)
    _, pos = read_uint(buf, pos)   # byte count; only used when skipping in Go
    v, pos = d._into_top(lt, cid)(d, buf, pos)
    cls = lt.pyclass
    if cls is not None and cls.__module__ == T.__name__ and v.__class__ is not cls:
        v = cls(v)
    elif lt.kind in _CONTAINERS and lt.cls is None and not _infers_as(v, lt):
        # Keep the Go type the items alone would not say ([]interface {}
        # of ints, [3]int...), so the value re-encodes as it arrived.
        v = T.typed(v, lt)
    return v, pos


_CONTAINERS = (T.SLICE, T.MAP, T.ARRAY)


def _infers_as(v, lt: T.GoType) -> bool:
    try:
        return T.infer_type(v) is lt
    except GobError:
        return False


def _iface_skip(d: Decoder, buf, pos):
    """Skip an interface value by parsing it (tolerates nil and nested
    definitions, unlike Go 1.19's count-based skip)."""
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: bad interface encoding: name too large for buffer")
    pos += n
    if n == 0:
        return None, pos
    cid, pos = d._type_sequence(buf, pos)
    n, pos = _length(buf, pos)
    if n < 0:
        raise GobError("gob: bad interface encoding: data length too large for buffer")
    return d._ignore_top(cid)(d, buf, pos)
