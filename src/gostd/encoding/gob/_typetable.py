"""Per-stream type ids and the wire definitions the encoder sends.

Go assigns type ids process-wide, in the order it first builds each type; a
fresh Go process therefore numbers the types of its first stream from 65 in
a fixed depth-first order.  Each Python :class:`~.Encoder` replays that order
privately, so every stream is byte-identical to what a fresh Go process
writes for the same values (ids are only meaningful within one stream, so
the receiver cannot tell the difference).

Allocation order (Go's ``newTypeObject``): a struct gets its id before its
fields are built; slices, arrays and maps after their element (and key)
types; GobEncoder types immediately.  ``CommonType.Name`` is fixed when a
type is first built: the Go type name at top level and as a struct field
type (the type string if unnamed), the element's name for slice elements,
empty for array elements and map keys/elements.
"""

from __future__ import annotations

from ._types import (ARRAY, GOBENC, MAP, PTR, SLICE, STRUCT, TIME, WIRE_ID,
                     GoType)
from ._wire import put_int, put_uint

FIRST_USER_ID = 65


class TypeObj:
    """Go's gobType for one base type on one stream."""

    __slots__ = ("kind", "name", "id", "elem", "key", "length", "fields",
                 "marshal", "_wire")

    def __init__(self, kind: str, name: str, tid: int = 0):
        self.kind = kind
        self.name = name
        self.id = tid
        self.elem = None
        self.key = None
        self.length = 0
        self.fields: list = []
        self.marshal = 0
        self._wire = None

    def wire(self) -> bytes:
        """The encoded ``wireType`` value (without the leading ``-id``)."""
        if self._wire is None:
            self._wire = _wire_bytes(self)
        return self._wire


_PREDEFINED = {kind: TypeObj(kind, kind, tid) for kind, tid in WIRE_ID.items()}


def _common(b: bytearray, t: TypeObj) -> None:
    # CommonType{Name, Id} as a nested struct field value.
    if t.name:
        nb = t.name.encode("utf-8", "surrogateescape")
        b.append(1)
        put_uint(b, len(nb))
        b += nb
        b.append(1)
    else:
        b.append(2)
    put_int(b, t.id)
    b.append(0)


def _wire_bytes(t: TypeObj) -> bytes:
    b = bytearray()
    k = t.kind
    if k == ARRAY:
        b += b"\x01\x01"          # wireType.ArrayT, arrayType.CommonType
        _common(b, t)
        delta = 1
        if t.elem.id:
            b.append(1); put_int(b, t.elem.id); delta = 0
        if t.length:
            b.append(1 + delta); put_int(b, t.length)
        b.append(0)
    elif k == SLICE:
        b += b"\x02\x01"
        _common(b, t)
        if t.elem.id:
            b.append(1); put_int(b, t.elem.id)
        b.append(0)
    elif k == STRUCT:
        b += b"\x03\x01"
        _common(b, t)
        if t.fields:
            b.append(1)
            put_uint(b, len(t.fields))
            for name, ft in t.fields:
                nb = name.encode("utf-8", "surrogateescape")
                if nb:
                    b.append(1); put_uint(b, len(nb)); b += nb
                    if ft.id:
                        b.append(1); put_int(b, ft.id)
                elif ft.id:
                    b.append(2); put_int(b, ft.id)
                b.append(0)
        b.append(0)
    elif k == MAP:
        b += b"\x04\x01"
        _common(b, t)
        delta = 1
        if t.key.id:
            b.append(1); put_int(b, t.key.id); delta = 0
        if t.elem.id:
            b.append(1 + delta); put_int(b, t.elem.id)
        b.append(0)
    else:  # GobEncoder / BinaryMarshaler: wireType field 4 or 5
        b.append(t.marshal + 1)
        b.append(1)
        _common(b, t)
        b.append(0)
    b.append(0)
    return bytes(b)


class TypeTable:
    """Go's ``types`` cache and id counter, private to one stream."""

    def __init__(self) -> None:
        self.types: dict[GoType, TypeObj] = {}
        self.next_id = FIRST_USER_ID - 1

    def _set_id(self, t: TypeObj) -> None:
        if t.id == 0:
            self.next_id += 1
            t.id = self.next_id

    def info(self, gt: GoType) -> TypeObj:
        """The type object for ``gt`` (built with Go's naming if new)."""
        gt = gt.base
        t = self.types.get(gt)
        if t is None:
            t = self._get_base(gt.name, gt)
        return t

    def named_info(self, name: str, gt: GoType) -> TypeObj:
        """The type object for ``gt``, built under ``name`` if new."""
        return self._get_base(name, gt)

    def pointer_info(self, user: GoType) -> TypeObj:
        """Go's type object for a pointer to a GobEncoder (``*time.Time``):
        Go builds the wire description of a GobEncoder from its *user* type,
        which for a pointer gets its own id, allocated when first sent, and
        no name; the definition is still sent under the base type's id."""
        t = self.types.get(user)
        if t is None:
            t = TypeObj(GOBENC, "")
            t.marshal = user.base.marshal
            self._set_id(t)
            self.types[user] = t
        return t

    def _get_base(self, name: str, gt: GoType) -> TypeObj:
        gt = gt.base
        t = self.types.get(gt)
        if t is not None:
            return t
        k = gt.kind
        pre = _PREDEFINED.get(k)
        if pre is not None:
            return pre
        if k in (GOBENC, TIME):
            t = TypeObj(GOBENC, name)
            t.marshal = gt.marshal
            self._set_id(t)
            self.types[gt] = t
            return t
        if k == STRUCT:
            t = TypeObj(STRUCT, name)
            self._set_id(t)
            self.types[gt] = t
            for f in gt.fields:
                ftype = f.type.base
                tname = ftype.name or ftype.go
                ft = self._get_base(tname, ftype)
                self._set_id(ft)
                t.fields.append((f.name, ft))
            return t
        t = TypeObj(k, name)
        self.types[gt] = t
        if k == ARRAY:
            e = self._get_base("", gt.elem)
            self._set_id(t)
            t.elem, t.length = e, gt.length
        elif k == MAP:
            kt = self._get_base("", gt.key)
            e = self._get_base("", gt.elem)
            self._set_id(t)
            t.key, t.elem = kt, e
        else:  # SLICE
            el = gt.elem
            e = self._get_base("" if el.kind == PTR else el.name, el)
            self._set_id(t)
            self._set_id(e)
            t.elem = e
        return t
