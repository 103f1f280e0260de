"""Type definitions received from the other side (Go's ``wireType``).

The decoder keeps one :class:`WireType` per id defined on its stream; the
definitions may refer to ids not yet defined, so ids are resolved only when
a value of the type is compiled.  :func:`parse_wire_type` reads the
bootstrap structs with Go's struct rules (field deltas, a ``00``
terminator or the end of the message) and Go's error texts.
"""

from __future__ import annotations

from ._wire import TOO_BIG, GobError

ERR_RANGE = "gob: bad data: field numbers out of bounds"

# wireType field number -> kind, in Go's precedence order.
_KINDS = ("array", "slice", "struct", "map", "gobenc", "binary", "text")

# (Ids 9-15 are Go's reserved placeholders, all named "_reserved1".)
BASIC_NAMES = {1: "bool", 2: "int", 3: "uint", 4: "float", 5: "bytes",
               6: "string", 7: "complex", 8: "interface",
               **{i: "_reserved1" for i in range(9, 16)}, 16: "wireType",
               17: "arrayType", 18: "CommonType", 19: "sliceType",
               20: "structType", 21: "fieldType", 22: "[]*fieldType",
               23: "mapType", 24: "gobEncoderType"}


class WireType:
    """One remote type: ``kind`` is array/slice/struct/map/gobenc/binary/text
    (or None if the definition set no variant)."""

    __slots__ = ("kind", "name", "id", "elem", "key", "length", "fields")

    def __init__(self) -> None:
        self.kind: str | None = None
        self.name = ""
        self.id = 0
        self.elem = 0
        self.key = 0
        self.length = 0
        self.fields: list[tuple[str, int]] = []


def read_uint(buf, pos: int) -> tuple[int, int]:
    """Decode an unsigned integer at ``pos``; IndexError at the buffer's end."""
    b = buf[pos]
    if b < 0x80:
        return b, pos + 1
    n = 256 - b
    if n > 8:
        raise GobError("gob: encoded unsigned integer out of range")
    end = pos + 1 + n
    if end > len(buf):
        raise GobError(f"gob: invalid uint data length {n}: exceeds input size {len(buf) - pos - 1}")
    return int.from_bytes(buf[pos + 1:end], "big"), end


def read_int(buf, pos: int) -> tuple[int, int]:
    u, pos = read_uint(buf, pos)
    return ((~(u >> 1)) if u & 1 else (u >> 1)), pos


def read_type_id(buf, pos: int) -> tuple[int, int]:
    """The type id leading a message (or an interface's value), read as Go
    reads it: from a reader (an integer cut short is ``unexpected EOF``) and
    converted to Go's int32 ``typeId`` (so huge ids wrap, possibly negative)."""
    b = buf[pos]
    if b < 0x80:
        u, pos = b, pos + 1
    else:
        n = 256 - b
        if n > 8:
            raise GobError("gob: encoded unsigned integer out of range")
        end = pos + 1 + n
        if end > len(buf):
            raise GobError("unexpected EOF")
        u, pos = int.from_bytes(buf[pos + 1:end], "big"), end
    v = ((~(u >> 1)) if u & 1 else (u >> 1)) & 0xFFFFFFFF
    return (v - (1 << 32) if v >= 1 << 31 else v), pos


def _fields(buf, pos: int, nfields: int, handle) -> int:
    """Go's decodeStruct loop over one bootstrap struct; returns the new pos."""
    fieldnum = -1
    while pos < len(buf):
        delta, pos = read_uint(buf, pos)
        if delta >= 1 << 63:
            raise GobError("gob: decode: corrupted data: negative delta")
        if delta == 0:
            break
        if fieldnum + delta >= nfields:
            raise GobError(ERR_RANGE)
        fieldnum += delta
        pos = handle(fieldnum, pos)
    return pos


def _id(buf, pos: int, name: str) -> tuple[int, int]:
    v, pos = read_int(buf, pos)
    if not -(1 << 31) <= v < (1 << 31):
        raise GobError(f'value for "{name}" out of range')
    return v, pos


def _string(buf, pos: int) -> tuple[str, int]:
    n, pos = read_uint(buf, pos)
    if n > len(buf) - pos or n >= TOO_BIG:
        raise GobError("gob: bad string slice length: 0")
    return bytes(buf[pos:pos + n]).decode("utf-8", "surrogateescape"), pos + n


def parse_wire_type(buf, pos: int) -> tuple[WireType, int]:
    """Parse a ``wireType`` value at ``pos``."""
    w = WireType()

    def common(fn, p):
        if fn == 0:
            w.name, p = _string(buf, p)
        else:
            w.id, p = _id(buf, p, "Id")
        return p

    def variant(kind):
        def handle(fn, p):
            if fn == 0:
                return _fields(buf, p, 2, common)
            if kind == "array":
                if fn == 1:
                    w.elem, p = _id(buf, p, "Elem")
                else:
                    w.length, p = read_int(buf, p)
                return p
            if kind == "slice":
                w.elem, p = _id(buf, p, "Elem")
                return p
            if kind == "map":
                if fn == 1:
                    w.key, p = _id(buf, p, "Key")
                else:
                    w.elem, p = _id(buf, p, "Elem")
                return p
            # struct: Field []*fieldType
            n, p = read_uint(buf, p)
            if n * 8 > TOO_BIG:
                raise GobError(f"gob: *gob.fieldType slice too big: {n} elements of 8 bytes")
            out = []
            for _ in range(n):
                if p >= len(buf):
                    raise GobError(f"gob: decoding array or slice: length exceeds input size ({n} elements)")
                f = ["", 0]

                def field(fn2, p2, f=f):
                    if fn2 == 0:
                        f[0], p2 = _string(buf, p2)
                    else:
                        f[1], p2 = _id(buf, p2, "Id")
                    return p2
                p = _fields(buf, p, 2, field)
                out.append((f[0], f[1]))
            w.fields = out
            return p
        return handle

    nfields = {"array": 3, "slice": 2, "struct": 2, "map": 3}

    def top(fn, p):
        kind = _KINDS[fn]
        if w.kind is None or _KINDS.index(w.kind) > fn:
            w.kind = kind
        return _fields(buf, p, nfields.get(kind, 1), variant(kind))

    pos = _fields(buf, pos, 7, top)
    return w, pos


def _builtin(kind: str, name: str, tid: int, fields=(), elem=0) -> WireType:
    w = WireType()
    w.kind, w.name, w.id, w.fields, w.elem = kind, name, tid, list(fields), elem
    return w


# Go's bootstrap types (ids 16-24): known to both sides, never transmitted.
BUILTIN = {
    16: _builtin("struct", "wireType", 16, [
        ("ArrayT", 17), ("SliceT", 19), ("StructT", 20), ("MapT", 23),
        ("GobEncoderT", 24), ("BinaryMarshalerT", 24), ("TextMarshalerT", 24)]),
    17: _builtin("struct", "arrayType", 17, [("CommonType", 18), ("Elem", 2), ("Len", 2)]),
    18: _builtin("struct", "CommonType", 18, [("Name", 6), ("Id", 2)]),
    19: _builtin("struct", "sliceType", 19, [("CommonType", 18), ("Elem", 2)]),
    20: _builtin("struct", "structType", 20, [("CommonType", 18), ("Field", 22)]),
    21: _builtin("struct", "fieldType", 21, [("Name", 6), ("Id", 2)]),
    22: _builtin("slice", "", 22, elem=21),
    23: _builtin("struct", "mapType", 23, [("CommonType", 18), ("Key", 2), ("Elem", 2)]),
    24: _builtin("struct", "gobEncoderType", 24, [("CommonType", 18)]),
}

# Go's strings for its bootstrap types, as its errors print them (an
# undefined type when a value or skipped field claims one; Go 1.19's text).
BUILTIN_STRINGS = {
    16: ('wireType = struct { ArrayT arrayType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; Elem int; Len int; }; '
         'SliceT sliceType = struct { CommonType CommonType; Elem int; }; '
         'StructT structType = struct { CommonType CommonType; '
         'Field [] = struct { Name string; Id int; }; }; '
         'MapT mapType = struct { CommonType CommonType; Key int; Elem int; }; '
         'GobEncoderT gobEncoderType = struct { CommonType CommonType; }; '
         'BinaryMarshalerT gobEncoderType; TextMarshalerT gobEncoderType; }'),
    17: ('arrayType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; Elem int; Len int; }'),
    18: 'CommonType = struct { Name string; Id int; }',
    19: ('sliceType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; Elem int; }'),
    20: ('structType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; Field [] = struct { Name string; Id int; }; }'),
    21: ' = struct { Name string; Id int; }',
    22: '[] = struct { Name string; Id int; }',
    23: ('mapType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; Key int; Elem int; }'),
    24: ('gobEncoderType = struct { CommonType CommonType = struct { Name string; '
         'Id int; }; }'),
}
