"""The gob Encoder: type definitions once per stream, then values.

Value encoders are compiled once per Go type (process-wide) into closures
``op(enc, b, v)`` that append ``v``'s encoding to bytearray ``b``; only
interface values need the encoder itself (to send definitions mid-value).
Struct encoders are generated Python source, so encoding a struct does no
type inspection: one attribute load, zero test and inline integer encoding
per field.  Unless ``GOSTD_GOB_PURE=1``, the op of a struct (or slice of
structs) is a C ``GobEncPlan`` (see ``_accel``) running the same fields,
which calls each field's generated code for values it does not handle.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import struct
import sys
import threading
from typing import Any, Callable

from . import _types as T
from ._accel import (ENC_BOOL, ENC_BYTES, ENC_FLOAT, ENC_INT, ENC_OTHER, ENC_STRING,
                     ENC_STRSLICE, ENC_UINT, EncPlan)
from ._time import marshal_time, time_is_zero
from ._typetable import TypeTable
from ._wire import TOO_BIG, GobError, float_bits, put_int, put_uint, round_float32

Op = Callable[[Any, bytearray, Any], None]

_pack_le = struct.Struct("<d").pack

_ops: dict[T.GoType, Op] = {}
_struct_ops: dict[T.GoType, Op] = {}
_compile_lock = threading.RLock()


def _int_op(gt: T.GoType) -> Op:
    if not gt.narrow:
        def op(e, b, v):
            u = (v << 1) if v >= 0 else ((~v << 1) | 1)
            if u < 0x80:
                b.append(u)
            else:
                n = (u.bit_length() + 7) >> 3
                if n > 8:
                    raise GobError(f"gob: value {v} out of range for {gt.go}")
                b.append(256 - n)
                b += u.to_bytes(n, "big")
        return op
    lo, hi, name = gt.lo, gt.hi, gt.go

    def op(e, b, v):
        if not lo <= v <= hi:
            raise GobError(f"gob: value {v} out of range for {name}")
        put_int(b, v)
    return op


def _uint_op(gt: T.GoType) -> Op:
    hi, name = gt.hi, gt.go

    def op(e, b, v):
        if v < 0x80:
            if v < 0:
                raise GobError(f"gob: value {v} out of range for {name}")
            b.append(v)
            return
        if v > hi:
            raise GobError(f"gob: value {v} out of range for {name}")
        n = (v.bit_length() + 7) >> 3
        b.append(256 - n)
        b += v.to_bytes(n, "big")
    return op


def _float_op(gt: T.GoType) -> Op:
    rnd = round_float32 if gt.narrow else float

    def op(e, b, v):
        q = _pack_le(rnd(v)).lstrip(b"\0")
        n = len(q)
        if n == 1 and q[0] < 0x80:
            b.append(q[0])
        elif n == 0:
            b.append(0)
        else:
            b.append(256 - n)
            b += q
    return op


def _complex_op(gt: T.GoType) -> Op:
    rnd = round_float32 if gt.narrow else float

    def op(e, b, v):
        v = complex(v)
        put_uint(b, float_bits(rnd(v.real)))
        put_uint(b, float_bits(rnd(v.imag)))
    return op


def _bool_op(e, b, v):
    b.append(1 if v else 0)


def _string_op(e, b, v):
    if v.__class__ is not str:
        if isinstance(v, (bytes, bytearray)):
            put_uint(b, len(v))
            b += v
            return
        v = str(v)
    if v.isascii():
        put_uint(b, len(v))
        b += v.encode()
    else:
        d = v.encode("utf-8", "surrogateescape")
        put_uint(b, len(d))
        b += d


def _bytes_op(e, b, v):
    if v is None:
        b.append(0)
        return
    if not isinstance(v, (bytes, bytearray)):
        # bytes(n) would be n zero bytes: memory chosen by a wrong value.
        if isinstance(v, (int, str)):
            raise TypeError(f"[]byte value must be bytes-like, not {type(v).__name__}")
        v = bytes(v)
    put_uint(b, len(v))
    b += v


def _iface_op(e, b, v):
    e._encode_interface(b, v)


def _time_op(e, b, v):
    d = marshal_time(v)
    b.append(len(d))
    b += d


def _gobenc_op(gt: T.GoType) -> Op:
    meth = "gob_encode" if gt.marshal == 4 else "marshal_binary"

    def op(e, b, v):
        try:
            d = getattr(v, meth)()
        except GobError:
            raise
        except Exception as exc:
            # Go's Encode returns the GobEncode/MarshalBinary error itself.
            raise GobError(str(exc)) from exc
        if not isinstance(d, (bytes, bytearray)):
            raise GobError(f"gob: {gt.go}.{meth} returned {type(d).__name__}, not bytes")
        put_uint(b, len(d))
        b += d
    return op


def _elem_op(gt: T.GoType, nil_msg: str) -> Op:
    """Op for an element that is always sent; nil pointers raise ``nil_msg``."""
    if gt.kind != T.PTR:
        return value_op(gt)
    inner = value_op(gt.base)

    def op(e, b, v):
        if v is None:
            raise GobError(nil_msg)
        inner(e, b, v)
    return op


def _slice_op(gt: T.GoType) -> Op:
    if gt.elem.base.kind == T.STRUCT:
        return _struct_slice_op(gt.elem.base, gt.elem.kind == T.PTR)
    eop = _elem_op(gt.elem, "gob: encodeArray: nil element")
    if gt.elem.kind == T.STRING:
        def op(e, b, v):
            if v is None:
                b.append(0)
                return
            put_uint(b, len(v))
            for x in v:
                if x.__class__ is str and x.isascii() and len(x) < 0x80:
                    b.append(len(x))
                    b += x.encode()
                else:
                    _string_op(e, b, x)
        return op
    if gt.elem.kind == T.INT and not gt.elem.narrow:
        def op(e, b, v):
            if v is None:
                b.append(0)
                return
            put_uint(b, len(v))
            for x in v:
                u = (x << 1) if x >= 0 else ((~x << 1) | 1)
                if u < 0x80:
                    b.append(u)
                else:
                    eop(e, b, x)
        return op

    def op(e, b, v):
        if v is None:
            b.append(0)
            return
        put_uint(b, len(v))
        for x in v:
            eop(e, b, x)
    return op


def _array_op(gt: T.GoType) -> Op:
    eop = _elem_op(gt.elem, "gob: encodeArray: nil element")
    n = gt.length
    zero = T_zero(gt.elem)

    def op(e, b, v):
        if v is None:
            v = (zero,) * n
        elif len(v) != n:
            raise GobError(f"gob: value of length {len(v)} for array type {gt.go}")
        put_uint(b, n)
        for x in v:
            eop(e, b, x)
    return op


def _map_op(gt: T.GoType) -> Op:
    kop = _elem_op(gt.key, "gob: encodeReflectValue: nil element")
    vop = _elem_op(gt.elem, "gob: encodeReflectValue: nil element")

    def op(e, b, v):
        if v is None:
            b.append(0)
            return
        put_uint(b, len(v))
        for k, x in v.items():
            kop(e, b, k)
            vop(e, b, x)
    return op


def T_zero(gt: T.GoType):
    """A Python value encoding as the zero value of ``gt``."""
    k = gt.kind
    if k in (T.BOOL,):
        return False
    if k in (T.INT, T.UINT):
        return 0
    if k == T.FLOAT:
        return 0.0
    if k == T.COMPLEX:
        return 0j
    if k == T.STRING:
        return ""
    if k == T.BYTES:
        return b""
    if k == T.ARRAY:
        return (T_zero(gt.elem),) * gt.length
    if k == T.TIME:
        return _dt.datetime(1, 1, 1)
    return None


# --- zero tests for struct fields (Go omits zero-valued fields) -------------

def go_is_zero(v: Any) -> bool:
    """Go's ``isZero`` on a Python value (for GobEncoder fields): None,
    zero numbers, empty strings and collections, arrays of zeros, zero
    times, and dataclasses whose every field (exported or not) is zero."""
    if v is None:
        return True
    if isinstance(v, (bool, int, float, complex, str, bytes, bytearray, list, dict)):
        return not v
    if isinstance(v, tuple):
        return all(go_is_zero(x) for x in v)
    if isinstance(v, _dt.datetime):
        return time_is_zero(v)
    if dataclasses.is_dataclass(v):
        return all(go_is_zero(getattr(v, f.name)) for f in dataclasses.fields(v))
    return False

def _never(v):
    return False


def _is_none(v):
    return v is None


def zero_test(gt: T.GoType):
    """Predicate telling whether a struct field value is omitted, or None
    meaning "omitted exactly when falsy" (the common, inlinable case)."""
    k = gt.kind
    if k == T.FLOAT and gt.narrow:
        return lambda v: not v or round_float32(v) == 0
    if k == T.COMPLEX and gt.narrow:
        return lambda v: not v or (round_float32(v.real) == 0 and round_float32(v.imag) == 0)
    if k in (T.BOOL, T.INT, T.UINT, T.FLOAT, T.COMPLEX, T.STRING, T.BYTES, T.SLICE):
        return None
    if k in (T.MAP, T.IFACE):
        return _is_none
    if k in (T.ARRAY, T.STRUCT):
        return _never
    if k == T.TIME:
        return lambda v: v is None or time_is_zero(v)
    if k == T.GOBENC:
        def z(v):
            f = getattr(v, "gob_is_zero", None)
            return bool(f()) if f is not None else go_is_zero(v)
        return z
    # pointer: nil, or the pointee would be omitted...
    if gt.base.kind in (T.GOBENC, T.TIME):
        # ...except for GobEncoders: Go asks the pointer (which implements
        # the method set of its value) whether it is zero: only nil is.
        return _is_none
    inner = zero_test(gt.base)
    if inner is None:
        return lambda v: not v
    if inner is _never:
        return _is_none
    return lambda v: v is None or inner(v)


# struct type -> (body lines, namespace, C plan fields or None)
_struct_gen: dict[T.GoType, tuple[list[str], dict, tuple | None]] = {}


def _struct_slice_op(gt: T.GoType, nil_check: bool) -> Op:
    """Encoder of a slice of structs with the struct body inlined in the loop."""
    _struct_op(gt)
    body, ns, plan = _struct_gen[gt]
    lines = ["def enc_slice(e, b, vs):",
             "    if vs is None:",
             "        b.append(0)",
             "        return",
             "    put_uint(b, len(vs))",
             "    for v in vs:"]
    if nil_check:
        lines += ["        if v is None:",
                  "            raise GobError('gob: encodeArray: nil element')"]
    lines += ["    " + line for line in body]
    exec(compile("\n".join(lines), f"<gob encoder []{gt.go}>", "exec"), ns)
    if plan is not None:
        return EncPlan(plan, ns["enc_slice"], True, nil_check, GobError)
    return ns["enc_slice"]


def _enc_kind(ft: T.GoType) -> int:
    """The C loop's kind for a field of type ``ft`` (ENC_OTHER: its Python code)."""
    if ft.kind == T.PTR or zero_test(ft) is not None:
        return ENC_OTHER
    k = ft.kind
    if k == T.INT and not ft.narrow:
        return ENC_INT
    if k == T.UINT and not ft.narrow:
        return ENC_UINT
    if k == T.FLOAT and not ft.narrow:
        return ENC_FLOAT
    if k == T.BOOL:
        return ENC_BOOL
    if k == T.STRING:
        return ENC_STRING
    if k == T.BYTES:
        return ENC_BYTES
    if k == T.SLICE and ft.elem.kind == T.STRING:
        return ENC_STRSLICE
    return ENC_OTHER


def _struct_op(gt: T.GoType) -> Op:
    """Generated encoder of a struct's field list (deltas, values, ``00``)."""
    op = _struct_ops.get(gt)
    if op is not None:
        return op
    cls = gt.cls
    fields = gt.fields
    if dataclasses.fields(cls) and not fields:
        raise GobError(f"gob: type {gt.go} has no exported fields")
    ns: dict[str, Any] = {"GobError": GobError, "put_uint": put_uint,
                          "put_int": put_int, "from_bytes": int.from_bytes,
                          "pack_le": _pack_le}
    lines = ["def enc_struct(e, b, v):"]
    if not fields:
        lines.append("    b.append(0)")
    else:
        lines.append("    last = -1")
    # Late binding through ns lets recursive struct types refer to their own op.
    # Each field's code is also compiled alone, as f{i}(e, b, x, last) -> last,
    # for the C loop to run on values it does not handle itself.
    starts = []
    for i, f in enumerate(fields):
        ft = f.type
        z = zero_test(ft)
        base = ft.base
        lines.append(f"    x = v.{f.attr}" if f.attr.isidentifier() else
                     f"    x = getattr(v, {f.attr!r})")
        starts.append(len(lines))
        if z is None:
            lines.append("    if x:")
        elif z is _never:
            lines.append("    if True:")
        else:
            ns[f"z{i}"] = z
            lines.append(f"    if not z{i}(x):")
        lines.append(f"        b.append({i} - last)" if i < 127 else
                     f"        put_uint(b, {i} - last)")
        lines.append(f"        last = {i}")
        if base.kind == T.INT and not base.narrow:
            lines += [
                "        u = (x << 1) if x >= 0 else ((~x << 1) | 1)",
                "        if u < 0x80:",
                "            b.append(u)",
                "        else:",
                "            put_int(b, x)",
            ]
        elif base.kind == T.STRING:
            lines += [
                "        if x.__class__ is str and x.isascii():",
                "            n = len(x)",
                "            if n < 0x80:",
                "                b.append(n)",
                "            else:",
                "                put_uint(b, n)",
                "            b += x.encode()",
                "        else:",
                f"            op{i}(e, b, x)",
            ]
            ns[f"op{i}"] = _string_op
        elif base.kind == T.BOOL:
            lines.append("        b.append(1)")
        elif base.kind == T.FLOAT and not base.narrow:
            # The little-endian IEEE bytes are the big-endian bytes of the
            # unsigned integer gob sends; its leading zero bytes are dropped.
            lines += [
                "        q = pack_le(x).lstrip(b'\\0')",
                "        n = len(q)",
                "        if n == 1 and q[0] < 0x80:",
                "            b.append(q[0])",
                "        else:",
                "            b.append(256 - n)",
                "            b += q",
            ]
        elif base.kind == T.UINT and not base.narrow:
            lines += [
                "        if 0 <= x < 0x80:",
                "            b.append(x)",
                "        else:",
                f"            op{i}(e, b, x)",
            ]
            ns[f"op{i}"] = None
        else:
            ns[f"op{i}"] = None
            lines.append(f"        op{i}(e, b, x)")
    if fields:
        lines.append("    b.append(0)")
    plan = None
    if EncPlan is not None and fields:
        bounds = starts + [len(lines)]   # (the last block ends before b.append(0))
        for i in range(len(fields)):
            lines += [f"def f{i}(e, b, x, last):", *lines[bounds[i]:bounds[i + 1] - 1],
                      "    return last"]
    src = "\n".join(lines)
    exec(compile(src, f"<gob encoder {gt.go}>", "exec"), ns)
    op = ns["enc_struct"]
    if EncPlan is not None and fields:
        plan = tuple((sys.intern(f.attr), _enc_kind(f.type), ns[f"f{i}"])
                     for i, f in enumerate(fields))
        op = EncPlan(plan, op, False, False, GobError)
        del lines[bounds[-1]:]           # (the slice op reuses the struct body)
    _struct_ops[gt] = op
    _struct_gen[gt] = (lines[1:], ns, plan)
    try:
        for i, f in enumerate(fields):
            if ns.get(f"op{i}", 0) is None:
                base = f.type.base
                ns[f"op{i}"] = (_struct_op(base) if base.kind == T.STRUCT
                                else value_op(base))
    except BaseException:
        del _struct_ops[gt]
        raise
    return op


def value_op(gt: T.GoType) -> Op:
    """The compiled encoder of a value of ``gt`` in field-value form."""
    op = _ops.get(gt)
    if op is not None:
        return op
    with _compile_lock:
        op = _ops.get(gt)
        if op is not None:
            return op
        k = gt.kind
        if k == T.PTR:
            op = value_op(gt.base)
        elif k == T.INT:
            op = _int_op(gt)
        elif k == T.UINT:
            op = _uint_op(gt)
        elif k == T.FLOAT:
            op = _float_op(gt)
        elif k == T.COMPLEX:
            op = _complex_op(gt)
        elif k == T.BOOL:
            op = _bool_op
        elif k == T.STRING:
            op = _string_op
        elif k == T.BYTES:
            op = _bytes_op
        elif k == T.IFACE:
            op = _iface_op
        elif k == T.TIME:
            op = _time_op
        elif k == T.GOBENC:
            op = _gobenc_op(gt)
        elif k == T.STRUCT:
            op = _struct_op(gt)
        elif k in (T.SLICE, T.ARRAY, T.MAP):
            # A named type may contain itself: build behind a trampoline.
            cell: list = [None]
            _ops[gt] = lambda e, b, v: cell[0](e, b, v)
            try:
                op = {T.SLICE: _slice_op, T.ARRAY: _array_op, T.MAP: _map_op}[k](gt)
            except BaseException:
                del _ops[gt]
                raise
            cell[0] = op
        else:
            raise GobError(f"gob NewTypeObject can't handle type: {gt.go}")
        _ops[gt] = op
        return op


def top_op(gt: T.GoType) -> Op:
    """Encoder of a top-level value: a struct's field list, else ``00`` + value."""
    base = gt.base
    if base.kind == T.STRUCT:
        return value_op(base)
    inner = value_op(base)

    def op(e, b, v):
        b.append(0)
        inner(e, b, v)
    return op


_top_ops: dict[T.GoType, Op] = {}


def _top(gt: T.GoType) -> Op:
    op = _top_ops.get(gt)
    if op is None:
        op = _top_ops[gt] = top_op(gt)
    return op


class Encoder:
    """Writes gob values to ``w`` (anything with ``write(bytes)``).

    Type definitions are sent once per Encoder, before the first value that
    needs them, exactly as Go's ``gob.Encoder`` does, so output is
    byte-identical to a fresh Go process encoding the same values.  Each
    :meth:`encode` writes whole messages with one ``w.write`` call and holds
    a lock, so one Encoder may be shared by threads.
    """

    def __init__(self, w: Any, *, max_message_size: int = TOO_BIG) -> None:
        self._w = w.write
        self._table = TypeTable()
        self._sent: dict[T.GoType, int] = {}
        self._plans: dict[Any, tuple] = {}
        self._out = bytearray()
        self._writers: list[bytearray] = [self._out]
        self._max = max_message_size
        self._lock = threading.Lock()

    def encode(self, value: Any, type: Any = None) -> None:  # noqa: A002
        """Encode ``value`` as one gob item.

        ``type`` names the Go type when the value alone does not say it
        (``type=gob.uint64``, ``type=dict[str, list[int]]``,
        ``type=Optional[T]``); otherwise it is inferred (see
        :func:`gostd.encoding.gob.infer_type`).  Raises :class:`GobError`.
        """
        with self._lock:
            key = value.__class__ if type is None else type
            try:
                plan = self._plans[key]   # (not .get: see _types.go_type)
            except (KeyError, TypeError):
                plan = None
            if plan is None or value is None:
                try:
                    plan = self._plan(value, type)
                except BaseException:
                    self._flush_partial()   # definitions already counted as sent
                    raise
            head, op = plan
            b = bytearray(head)
            try:
                op(self, b, value)
            except GobError:
                self._flush_partial()
                raise
            except (TypeError, ValueError, AttributeError, OverflowError,
                    RecursionError) as exc:
                self._flush_partial()
                raise GobError(f"gob: cannot encode {value.__class__.__name__} value: {exc}") from exc
            if len(self._writers) == 1 and not self._out:
                n = len(b)
                if n < 0x80:
                    b.insert(0, n)
                    self._w(b)
                    return
            self._write_message(self._out, b)
            out = bytes(self._out)
            self._out.clear()
            self._w(out)

    def _flush_partial(self) -> None:
        del self._writers[1:]
        if self._out:
            out = bytes(self._out)
            self._out.clear()
            self._w(out)

    def _plan(self, value: Any, type: Any) -> tuple:  # noqa: A002
        if type is None:
            if value is None:
                raise GobError("gob: cannot encode nil value")
            gt = T.infer_type(value)
            cacheable = value.__class__ not in (list, tuple, dict, T.GoList,
                                                T.GoDict, T.GoTuple)
        else:
            gt = T.go_type(type)
            cacheable = True
            if value is None and gt.kind == T.PTR:
                raise GobError(f"gob: cannot encode nil pointer of type {gt.go}")
        if value is None and gt.kind in (T.PTR, T.STRUCT):
            raise GobError(f"gob: cannot encode nil pointer of type *{gt.base.go}")
        base = gt.base
        b = bytearray()
        # Go sends the type's definition before it compiles the encoder, so a
        # type it cannot encode (a struct with no exported fields) still has
        # its definition written, and counted as sent, before the error
        # (encode() flushes it): net/rpc peers see Go's bytes.
        self._send_type_descriptor(self._out, b, gt)
        op = _top(gt)
        head = bytearray()
        put_int(head, self._sent[base])
        plan = (bytes(head), op)
        if cacheable:
            try:
                self._plans[value.__class__ if type is None else type] = plan
            except TypeError:
                pass
        return plan

    # --- type definitions (Go's sendTypeDescriptor family) --------------------

    def _write_message(self, w: bytearray, b: bytearray) -> None:
        n = len(b)
        if n >= self._max:
            b.clear()
            raise GobError("gob: encoder: message too big")
        put_uint(w, n)
        w += b
        b.clear()

    def _send_type_descriptor(self, w: bytearray, b: bytearray, gt: T.GoType) -> None:
        base = gt.base
        # Go keys what it sent by the base type, but a GobEncoder's by the
        # type as given (a pointer to it is known separately).
        through_ptr = gt is not base and base.kind in (T.GOBENC, T.TIME)
        key = gt if through_ptr else base
        if key in self._sent:
            return
        if through_ptr:
            # Go names a GobEncoder first met through a pointer after the
            # pointer type's name: "".
            self._table.named_info("", base)
        if not self._send_type(w, b, gt):
            if through_ptr:
                self._table.pointer_info(gt)   # Go's getTypeInfo builds it anyway
            self._sent[key] = self._table.info(base).id

    def _send_type(self, w: bytearray, b: bytearray, gt: T.GoType) -> bool:
        """Go's sendType; ``gt`` is the type as declared (Go's user type)."""
        base = gt.base
        k = base.kind
        if k in (T.SLICE, T.ARRAY, T.MAP, T.STRUCT, T.GOBENC, T.TIME):
            return self._send_actual_type(w, b, base, gt)
        return False

    def _send_actual_type(self, w: bytearray, b: bytearray, gt: T.GoType,
                          user: T.GoType | None = None) -> bool:
        if gt in self._sent:
            return False
        info = self._table.info(gt)
        put_int(b, -info.id)
        via_ptr = user is not None and user is not gt and gt.kind in (T.GOBENC, T.TIME)
        # Go describes a GobEncoder reached through a pointer type by that
        # pointer type's own (nameless, new) type object.
        b += (self._table.pointer_info(user) if via_ptr else info).wire()
        self._write_message(w, b)
        self._sent[gt] = info.id
        if via_ptr:
            self._sent[user] = info.id
        k = gt.kind
        if k == T.STRUCT:
            for f in gt.fields:
                self._send_type(w, b, f.type)
        elif k == T.GOBENC and dataclasses.is_dataclass(gt.cls):
            # Go also describes the exported fields of a GobEncoder struct.
            hints = T._hints(gt.cls)
            for f in dataclasses.fields(gt.cls):
                wire = f.metadata.get("gob", f.name) if f.metadata else f.name
                if wire != "-" and wire[:1].isupper():
                    self._send_type(w, b, T.go_type(hints.get(f.name, f.type)))
        elif k in (T.SLICE, T.ARRAY):
            self._send_type(w, b, gt.elem)
        elif k == T.MAP:
            self._send_type(w, b, gt.key)
            self._send_type(w, b, gt.elem)
        return True

    # --- interfaces ------------------------------------------------------------

    def _encode_interface(self, b: bytearray, v: Any) -> None:
        if v is None:
            b.append(0)
            return
        gt = T.infer_type(v)
        base = gt.base
        name = T.registered_name(base)
        if name is None:
            raise GobError(f"gob: type not registered for interface: {base.go}")
        nb = name.encode("utf-8", "surrogateescape")
        put_uint(b, len(nb))
        b += nb
        # Go describes the dynamic type as registered: a GobEncoder
        # registered through a pointer (Register(&T{})) is first met
        # through that pointer.
        self._send_type_descriptor(self._writers[-1], b, T.registered_user(base))
        put_int(b, self._sent[base])
        self._writers.append(b)
        data = bytearray()
        _top(base)(self, data, v)
        self._writers.pop()
        self._write_message(b, data)


def _has_iface(gt: T.GoType, seen=None) -> bool:
    gt = gt.base
    if gt.kind == T.IFACE:
        return True
    if seen is None:
        seen = set()
    if gt in seen:
        return False
    seen.add(gt)
    if gt.kind == T.STRUCT:
        return any(_has_iface(f.type, seen) for f in gt.fields)
    return any(_has_iface(t, seen) for t in (gt.elem, gt.key) if t is not None)


# Type definitions a fresh Encoder writes before a value of a given type,
# with the value's id: fixed for types that cannot hold interfaces.
_fresh: dict[Any, tuple[bytes, bytes, Op]] = {}


class _Collect:
    """A ``write`` target appending to a bytearray (one class for all dumps
    calls: a class made per call costs microseconds, and free-threaded
    3.13 may keep such classes alive while other threads run)."""
    __slots__ = ("write",)

    def __init__(self, out: bytearray) -> None:
        self.write = out.extend


def dumps(value: Any, type: Any = None) -> bytes:  # noqa: A002
    """The gob stream of one fresh Encoder encoding ``value`` (see :meth:`Encoder.encode`)."""
    key = value.__class__ if type is None else type
    try:
        fresh = _fresh[key]   # (not .get: see _types.go_type)
    except (KeyError, TypeError):
        fresh = None
    if fresh is not None and value is not None:
        preamble, head, op = fresh
        b = bytearray(head)
        try:
            op(None, b, value)
        except GobError:
            raise
        except (TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
            raise GobError(f"gob: cannot encode {value.__class__.__name__} value: {exc}") from exc
        out = bytearray(preamble)
        put_uint(out, len(b))
        out += b
        return bytes(out)
    out = bytearray()
    enc = Encoder(_Collect(out))
    enc.encode(value, type)
    plan = enc._plans.get(key) if key.__class__ is not list else None
    if plan is not None and len(_fresh) < 1024:
        gt = T.go_type(type) if type is not None else T.infer_type(value)
        if not _has_iface(gt):
            head, op = plan
            msg = bytearray(head)
            op(None, msg, value)
            framed = bytearray()
            put_uint(framed, len(msg))
            framed += msg
            if out.endswith(framed):
                _fresh[key] = (bytes(out[:len(out) - len(framed)]), head, op)
    return bytes(out)
