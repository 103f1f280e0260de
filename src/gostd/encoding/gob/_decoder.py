"""The gob Decoder: reads one message at a time, never ahead.

A value is decoded from its message's bytes.  Decoding an interface may need
the next message (Go's encoder splits a value around new type definitions);
for types that can hold interfaces the message is copied into a bytearray,
and a later message is *appended* to it only once the current bytes are
consumed, so every op holding ``(buf, pos)`` stays valid.  Ops (see
``_decops``) are compiled once per (local type, remote type id) and cached
on the Decoder, since remote ids are per stream; struct decoders are
generated source (``_decgen``).
"""

from __future__ import annotations

import contextlib
import struct
import threading
from typing import Any, Iterator

from . import _types as T
from ._decgen import K_OTHER, struct_decoder
from ._wire import TOO_BIG, GobError
from ._wiretype import (BASIC_NAMES, BUILTIN, BUILTIN_STRINGS, ERR_RANGE, WireType,
                        parse_wire_type, read_int, read_type_id, read_uint)
from ._decops import (PLAIN_ENTRY, plain_elem_cost, plain_struct_cost, _BASIC_IDS, _MAX_DEPTH, _NOTHING, _PLAIN_KINDS, _ZERO_TIME,
                      ERR_BAD_TYPE, Op, _array_op, _complex64_into, _float32_into,
                      _gob_payload, _gobdec_op, _go_size, _hk, _iface_into, _iface_skip,
                      _inline_kind, _int_into, _length, _map_op, _op_bool, _op_bytes,
                      _op_complex, _op_float, _op_int, _op_string, _op_time, _op_uint,
                      _plain_bytes, _plain_string, _singleton, _skip_bytes, _slice_op,
                      _uint_into, sequence_what, _op_string_elem)
from ._decstruct import _structs
from ._time import unmarshal_time


STRINGS = "decoding string array or slice"   # Go's []string decoder

# Plain decoding makes a dict entry for every field of a remote struct, sent
# or not, and containers for values of one byte; what it builds for one item
# is charged (``_decops.PLAIN_*``, in bytes of memory) against BUDGET_BASE
# plus BUDGET_PER_BYTE per byte of the item's value messages, so that no
# shape of data can amplify a few bytes into much memory.
BUDGET_BASE = 4 << 20
BUDGET_PER_BYTE = 64


class _Reader:
    """A ``read(n)`` over bytes, for :func:`loads`."""

    __slots__ = ("data", "pos")

    def __init__(self, data, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def read(self, n: int = -1) -> bytes:
        p = self.pos
        end = len(self.data) if n < 0 else min(p + n, len(self.data))
        self.pos = end
        return self.data[p:end]


class Decoder:
    """Reads gob values from ``r`` (anything with ``read(n)``, e.g. a file or
    ``sock.makefile('rb')``).

    Each :meth:`decode` reads exactly the messages of one item and nothing
    beyond, so another reader may continue on the same stream afterwards
    (net/rpc reads a header, then a body).  Type definitions received are
    remembered for the rest of the stream.  A lock makes each call atomic.

    ``max_message_size`` is Go's ``tooBig`` (8 GiB): longer messages are
    rejected with ``invalid message length``.  Memory used grows only with
    bytes actually received, never with lengths claimed by the stream.
    """

    def __init__(self, r: Any, *, max_message_size: int = TOO_BIG) -> None:
        self._read = r.read
        self._max = max_message_size
        self._wire: dict[int, WireType] = {}
        self._into: dict[tuple, Any] = {}     # (GoType, id) -> top-level op
        self._engines: dict[tuple, tuple] = {}  # (struct GoType, id) -> (op, matched[, spec])
        self._plain: dict[int, Op] = {}
        self._ignore: dict[int, Op] = {}
        self._lock = threading.Lock()
        # Compiling ops publishes placeholders (``_engines``, ``_plain``,
        # ``_ignore``) that are complete only once compilation ends; decoders
        # made by ``_sharing`` share those caches, so they share this lock,
        # and only the finished top-level ops (``_into``) are read without it.
        self._compiling = threading.RLock()
        self._depth = 0
        self._iface_memo: dict[int, bool] = {}
        self._building: dict[tuple, list] = {}
        self._budget = 0

    def _sharing(self, r: Any) -> "Decoder":
        """A Decoder reading ``r`` that shares this one's received types and
        compiled ops (for a stream known to start with the same definitions)."""
        d = Decoder.__new__(Decoder)
        d.__dict__.update(self.__dict__)
        d._read = r.read
        d._lock = threading.Lock()
        d._depth = 0
        d._building = {}
        return d

    # --- public API ------------------------------------------------------------

    def decode(self, into: Any = None) -> Any:
        """Read the next item and return it.

        ``into`` is the Python type to decode into (a dataclass, ``int``,
        ``dict[str, int]``, ``typing.Any``...), checked against the remote
        type with Go's compatibility rules.  Without it, structs become
        dicts of every wire field, slices and arrays lists, maps dicts,
        interfaces the registered type.  Raises :class:`EOFError` at a clean
        end of stream (Go's ``io.EOF``), :class:`GobError` otherwise
        (``unexpected EOF`` when the stream ends inside an item).
        """
        return self._decode(into, False)

    def skip(self) -> None:
        """Read and discard the next item (Go's ``Decode(nil)``).

        Type definitions it carries are still recorded; interface values
        are skipped without needing their names registered.
        """
        self._decode(None, True)

    def __iter__(self):
        """Decoded items (plain form) until a clean end of stream."""
        while True:
            try:
                yield self.decode()
            except EOFError:
                return

    # --- items -----------------------------------------------------------------

    def _decode(self, into: Any, skip: bool) -> Any:
        with self._lock:
            wid, buf, pos = self._top_sequence()
            try:
                if skip:
                    op = self._ignore_top(wid)
                elif into is None:
                    op = self._plain_top(wid)
                else:
                    op = self._into_top(T.go_type(into), wid)
                if self._has_iface(wid):
                    # Interfaces may append later messages to the buffer.
                    buf = bytearray(buf)
                value, pos = op(self, buf, pos)
                return value
            except IndexError:
                raise GobError("EOF") from None
            except RecursionError:
                raise GobError("gob: invalid nesting depth") from None
            except (struct.error, OverflowError, ValueError, TypeError) as exc:
                raise GobError(f"gob: corrupted data: {exc}") from None

    def _top_sequence(self) -> tuple[int, bytes, int]:
        """Go's decodeTypeSequence at top level: read messages, absorbing
        type definitions, until one carries a value; return its type id,
        the message and the position after the id."""
        first = True
        self._budget = BUDGET_BASE
        while True:
            buf = self._recv_message()
            if buf is None:     # a clean end of stream
                if first:
                    raise EOFError("EOF")
                raise GobError("unexpected EOF")
            if not buf:         # a zero-length message: Go reads no id, io.EOF
                raise EOFError("EOF")
            tid, pos = read_type_id(buf, 0)
            if tid >= 0:
                self._budget += BUDGET_PER_BYTE * len(buf)
                return tid, buf, pos
            pos = self._recv_type(-tid, buf, pos)
            if pos < len(buf):
                raise GobError("extra data in buffer")
            first = False

    def _over_budget(self) -> None:
        raise GobError("gob: decoded value too large for the bytes received")

    def _has_iface(self, wid: int) -> bool:
        """Whether values of remote type ``wid`` can contain interfaces."""
        try:
            return self._iface_memo[wid]   # (type ids above 256 are fresh ints)
        except KeyError:
            pass
        seen = set()
        stack = [wid]
        r = False
        while stack:
            t = stack.pop()
            if t == 8:
                r = True
                break
            if t in seen:
                continue
            seen.add(t)
            w = self._wire.get(t) or BUILTIN.get(t)
            if w is not None:
                stack += [w.elem, w.key]
                stack += [fid for _, fid in w.fields]
        self._iface_memo[wid] = r
        return r

    def _recv_message(self) -> bytes | None:
        """The next message's bytes; None at a clean EOF (before any byte)."""
        read = self._read
        c = read(1)
        if not c:
            return None
        n = c[0]
        if n >= 0x80:
            k = 256 - n
            if k > 8:
                raise GobError("gob: encoded unsigned integer out of range")
            raw = self._read_full(k)
            n = int.from_bytes(raw, "big")
        if n >= self._max:
            raise GobError("invalid message length")
        if n == 0:
            return b""
        data = read(n) if n <= 1 << 20 else b""
        if len(data) == n:
            return data
        # Short read or a large message: take it in chunks so memory follows
        # the bytes actually received, not the length claimed.
        parts = [data]
        need = n - len(data)
        while need:
            chunk = read(min(need, 1 << 20))
            if not chunk:
                raise GobError("unexpected EOF")
            parts.append(chunk)
            need -= len(chunk)
        return b"".join(parts)

    def _read_full(self, n: int) -> bytes:
        data = self._read(n)
        while len(data) < n:
            more = self._read(n - len(data))
            if not more:
                raise GobError("unexpected EOF")
            data += more
        return data

    def _type_sequence(self, buf: bytearray, pos: int) -> tuple[int, int]:
        """Go's decodeTypeSequence inside an interface value: absorb
        definitions (reading further messages into ``buf`` once it is
        consumed), skipping the chunk count Go writes after a definition
        that shares the value's buffer; return the concrete value's id.
        Running out of messages is ``EOF``, or ``unexpected EOF`` once a
        definition was read (as in Go)."""
        first = True
        while True:
            if pos >= len(buf):
                msg = self._recv_message()
                if not msg:     # (a zero-length message: Go reads no id, EOF)
                    raise GobError("EOF" if first or msg == b"" else "unexpected EOF")
                buf += msg
                self._budget += BUDGET_PER_BYTE * len(msg)
            try:
                tid, pos = read_type_id(buf, pos)
                if tid >= 0:
                    return tid, pos
                first = False
                pos = self._recv_type(-tid, buf, pos)
                if pos < len(buf):
                    _, pos = read_uint(buf, pos)
            except IndexError:
                raise GobError("unexpected EOF") from None

    def _recv_type(self, tid: int, buf: bytearray, pos: int) -> int:
        if tid < 64 or tid in self._wire:
            raise GobError("gob: duplicate type received")
        try:
            w, pos = parse_wire_type(buf, pos)
        except IndexError:
            raise GobError("EOF") from None
        self._wire[tid] = w
        return pos

    # --- type strings for errors (Go's safeString) -----------------------------

    def _type_string(self, tid: int, seen=None) -> str:
        if tid in BASIC_NAMES:
            return BASIC_NAMES[tid]
        w = self._wire.get(tid)
        if w is None:
            return "unknown type" if seen is None else "<nil>"
        if seen is None:
            seen = set()
        if tid in seen or w.kind in ("gobenc", "binary", "text", None):
            return w.name
        seen.add(tid)
        if w.kind == "slice":
            return "[]" + self._type_string(w.elem, seen)
        if w.kind == "array":
            return f"[{w.length}]" + self._type_string(w.elem, seen)
        if w.kind == "map":
            return f"map[{self._type_string(w.key, seen)}]{self._type_string(w.elem, seen)}"
        inner = "".join(f"{n} {self._type_string(i, seen)}; " for n, i in w.fields)
        return f"{w.name} = struct {{ {inner}}}"

    def _id_string(self, tid: int) -> str:
        if tid in BASIC_NAMES or tid in self._wire:
            return self._type_string(tid)
        return "<nil>"

    # --- compatibility (Go's compatibleType) ----------------------------------

    def _compatible(self, lt: T.GoType, wid: int, seen: dict) -> bool:
        if lt in seen:
            return seen[lt] == wid
        seen[lt] = wid
        base = lt.base
        w = self._wire.get(wid) or BUILTIN.get(wid)
        k = base.kind
        ext = {T.TIME: "gobenc", T.GOBENC: "gobenc" if base.marshal == 4 else "binary"}.get(k)
        wext = w.kind if w is not None and w.kind in ("gobenc", "binary", "text") else None
        if ext != wext:
            return False
        if ext is not None:
            return True
        bid = _BASIC_IDS.get(k)
        if bid is not None:
            return wid == bid
        if k == T.ARRAY:
            return (w is not None and w.kind == "array" and w.length == base.length
                    and self._compatible(base.elem, w.elem, seen))
        if k == T.MAP:
            return (w is not None and w.kind == "map"
                    and self._compatible(base.key, w.key, seen)
                    and self._compatible(base.elem, w.elem, seen))
        if k == T.SLICE:
            return (w is not None and w.kind == "slice"
                    and self._compatible(base.elem.base, w.elem, seen))
        return k == T.STRUCT

    # --- top-level ops ---------------------------------------------------------

    # The op caches are keyed by fresh tuples or ints (type ids above 256 are
    # not cached by CPython) and read by whichever thread decodes; they are
    # read by subscription, never dict.get (see gob._types.go_type).

    def _into_top(self, lt: T.GoType, wid: int) -> Op:
        try:
            return self._into[(lt, wid)]
        except KeyError:
            pass
        with self._compiling:
            return self._compile_into_top(lt, wid)

    def _compile_into_top(self, lt: T.GoType, wid: int) -> Op:
        key = (lt, wid)
        op = self._into.get(key)
        if op is not None:   # (another thread compiled it meanwhile)
            return op
        base = lt.base
        if base.kind == T.STRUCT:
            op, matched = self._struct_engine(base, wid)[:2]
            w = self._wire.get(wid)
            if matched == 0 and _structs(base).nfields > 0 and w is not None and w.fields:
                raise GobError(f"gob: type mismatch: no fields matched compiling decoder for {base.name}")
        else:
            name = "*" + lt.go
            if not self._compatible(lt, wid, {}):
                remote = self._type_string(wid)
                if base.kind == T.IFACE and wid != 8:
                    raise GobError(f"gob: local interface type {name} can only be decoded "
                                   f"from remote interface type; received concrete type {remote}")
                raise GobError(f"gob: decoding into local type {name}, received remote type {remote}")
            op = _singleton(self._op_for(wid, lt, name))
        self._into[key] = op
        return op

    def _plain_top(self, wid: int) -> Op:
        key = (None, wid)
        try:
            return self._into[key]
        except KeyError:
            pass
        with self._compiling:
            op = self._into.get(key)
            if op is None:
                op = self._into[key] = self._compile_plain_top(wid)
            return op

    def _compile_plain_top(self, wid: int) -> Op:
        w = self._wire.get(wid)
        if w is not None and w.kind == "struct":
            return self._plain_op(wid)
        return _singleton(self._plain_op(wid))

    def _ignore_top(self, wid: int) -> Op:
        w = self._wire.get(wid)
        with self._compiling:
            op = self._ignore_op(wid)
        if w is not None and w.kind == "struct":
            return op
        return _singleton(op)

    # --- ops into local types ---------------------------------------------------

    def _struct_engine(self, gt: T.GoType, wid: int) -> tuple:
        key = (gt, wid)
        try:
            return self._engines[key]
        except KeyError:
            pass
        w = self._wire.get(wid) or BUILTIN.get(wid)
        if w is None:
            if wid in BASIC_NAMES:
                raise GobError(f"gob: type mismatch in decoder: want struct type {gt.go}; got non-struct")
            raise GobError(ERR_BAD_TYPE)
        if w.kind != "struct":
            raise GobError(f"gob: type mismatch in decoder: want struct type {gt.go}; got non-struct")
        nf = len(w.fields)
        ops: list = [None] * nf
        attrs: list = [None] * nf
        kinds: list = [K_OTHER] * nf
        info = _structs(gt)
        cell: list = [None]

        def late(d, buf, pos):
            return cell[0](d, buf, pos)

        matched = 0
        self._engines[key] = (late, 0)
        try:
            local = {f.name: f for f in gt.fields}
            for i, (fname, fid) in enumerate(w.fields):
                if not fname:
                    raise GobError(f"gob: empty name for remote field of type {w.name}")
                lf = local.get(fname)
                if lf is None or not fname[:1].isupper():
                    ops[i] = self._ignore_op(fid)
                    continue
                if not self._compatible(lf.type, fid, {}):
                    raise GobError(f"gob: wrong type ({lf.type.go}) for received field {w.name}.{fname}")
                ops[i] = self._op_for(fid, lf.type, fname)
                attrs[i] = lf.attr
                kinds[i] = _inline_kind(lf.type.base)
                matched += 1
            locals_ = list(info.order)
            index = {a: j for j, a in enumerate(locals_)}
            defaults = [info.default(a) for a in locals_]
            targets = [index[a] if a is not None else None for a in attrs]
            spec = (gt.go or "struct", kinds, ops, targets, locals_, defaults,
                    info.build_kind, gt.cls)
            op = struct_decoder(*spec, string_op=_op_string_elem)
        except BaseException:
            del self._engines[key]
            raise
        cell[0] = op
        _bind_self(op, ops, late)
        eng = (op, matched, spec)
        self._engines[key] = eng
        return eng

    def _op_for(self, wid: int, lt: T.GoType, name: str) -> Op:
        """Op decoding remote ``wid`` into local ``lt`` (compatibility checked)."""
        key = (lt, wid)
        cell = self._building.get(key)
        if cell is not None:   # a named type containing itself
            return lambda d, buf, pos: cell[0](d, buf, pos)
        cell = self._building[key] = [None]
        try:
            with self._nested():
                op = self._op_for1(wid, lt, name)
            cls = T.wraps(lt.base)
            if cls is not None:
                op = _wrapped(op, cls)
            cell[0] = op
            return op
        finally:
            del self._building[key]

    @contextlib.contextmanager
    def _nested(self) -> Iterator[None]:
        """One level deeper in building ops; Go's bound on type nesting."""
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise GobError("invalid nesting depth")
            yield
        finally:
            self._depth -= 1

    def _op_for1(self, wid: int, lt: T.GoType, name: str) -> Op:
        gt = lt.base
        k = gt.kind
        if k == T.INT:
            return _op_int if not gt.narrow else _int_into(name, gt.lo, gt.hi)
        if k == T.UINT:
            return _op_uint if not gt.narrow else _uint_into(name, gt.hi)
        if k == T.FLOAT:
            return _float32_into(name) if gt.narrow else _op_float
        if k == T.COMPLEX:
            return _complex64_into(name) if gt.narrow else _op_complex
        if k == T.BOOL:
            return _op_bool
        if k == T.STRING:
            return _op_string
        if k == T.BYTES:
            return _op_bytes
        if k == T.IFACE:
            return _iface_into
        if k == T.TIME:
            return _op_time
        if k == T.GOBENC:
            return _gobdec_op(gt)
        if k == T.STRUCT:
            return self._struct_engine(gt, wid)[0]
        w = self._wire.get(wid) or BUILTIN[wid]
        if k == T.SLICE:
            eop = self._op_for(w.elem, gt.elem, "element of " + name)
            size = _go_size(gt.elem)
            elem_go = gt.elem.go
            if gt.elem.base.kind == T.STRUCT:
                eng = self._struct_engine(gt.elem.base, w.elem)
                if len(eng) == 3:   # complete (not a recursive type in progress)
                    return struct_decoder(*eng[2], slice_of=True, size=size, elem_go=elem_go,
                                          string_op=_op_string_elem)
            what = sequence_what(gt)
            if what == STRINGS:
                eop = _op_string_elem
            return _slice_op(eop, size, elem_go, what)
        if k == T.ARRAY:
            eop = self._op_for(w.elem, gt.elem, "element of " + name)
            what = sequence_what(gt)
            if what == STRINGS:
                eop = _op_string_elem
            return _array_op(eop, gt.length, tuple, what)
        if k == T.MAP:
            kop = self._op_for(w.key, gt.key, name)
            vop = self._op_for(w.elem, gt.elem, name)
            return _map_op(kop, vop)
        raise GobError(f"gob: decode can't handle type {lt.go}")

    # --- plain ops (no local type) ----------------------------------------------

    def _plain_op(self, wid: int) -> Op:
        try:
            return self._plain[wid]
        except KeyError:
            pass
        with self._nested():
            return self._plain_op1(wid)

    def _plain_op1(self, wid: int) -> Op:
        basic = {1: _op_bool, 2: _op_int, 3: _op_uint, 4: _op_float,
                 5: _plain_bytes, 6: _plain_string, 7: _op_complex,
                 8: _iface_into}.get(wid)
        if basic is not None:
            return basic
        w = self._wire.get(wid) or BUILTIN.get(wid)
        if w is None:
            raise GobError(f"gob: bad data: undefined type {self._id_string(wid)}")
        cell: list = [None]

        def late(d, buf, pos):
            return cell[0](d, buf, pos)
        self._plain[wid] = late   # recursive types refer to themselves
        try:
            k = w.kind
            if k == "struct":
                ops, names, kinds, defaults = [], [], [], []
                for fname, fid in w.fields:
                    if not fname:
                        raise GobError(f"gob: empty name for remote field of type {w.name}")
                    ops.append(self._plain_op(fid))
                    names.append(fname)
                    kinds.append(_PLAIN_KINDS.get(fid, K_OTHER))
                    z = self._plain_zero(fid)
                    defaults.append((callable(z), z))
                fresh = sum(1 for is_factory, _ in defaults if is_factory)
                op = struct_decoder(w.name or "struct", kinds, ops, list(range(len(names))),
                                    names, defaults, "dict", string_op=_plain_string,
                                    charge=plain_struct_cost(len(names), fresh))
                _bind_self(op, ops, late)
            elif k == "slice":
                op = _slice_op(self._plain_op(w.elem), 0, "",
                               charge=plain_elem_cost(self._plain_charged(w.elem)))
            elif k == "array":
                op = _array_op(self._plain_op(w.elem), w.length, list,
                               charge=plain_elem_cost(self._plain_charged(w.elem)))
            elif k == "map":
                kop, vop = self._plain_op(w.key), self._plain_op(w.elem)
                op = _map_op(lambda d, b, p: _hk(kop(d, b, p)), vop, charge=PLAIN_ENTRY)
            elif k in ("gobenc", "binary", "text"):
                if w.name == "Time":
                    def op(d, buf, pos):
                        data, pos = _gob_payload(buf, pos)
                        try:
                            return unmarshal_time(data), pos
                        except GobError:
                            return data, pos
                else:
                    def op(d, buf, pos):
                        return _gob_payload(buf, pos)
            else:
                raise GobError(f"gob: bad data: ignore can't handle type {self._id_string(wid)}")
        except BaseException:
            self._plain.pop(wid, None)
            raise
        cell[0] = op
        self._plain[wid] = op
        return op

    def _plain_charged(self, wid: int) -> bool:
        """Whether plain values of ``wid`` charge the budget themselves."""
        w = self._wire.get(wid) or BUILTIN.get(wid)
        return w is not None and w.kind in ("struct", "slice", "array", "map")

    def _plain_zero(self, wid: int):
        z = {1: False, 2: 0, 3: 0, 4: 0.0, 5: b"", 6: "", 7: 0j, 8: None}.get(wid, _NOTHING)
        if z is not _NOTHING:
            return z
        w = self._wire.get(wid)
        if w is None:
            return None
        if w.kind == "slice":
            return list
        if w.kind == "map":
            return dict
        if w.kind in ("gobenc", "binary", "text") and w.name == "Time":
            return _ZERO_TIME
        return None

    # --- skipping ---------------------------------------------------------------

    def _ignore_op(self, wid: int) -> Op:
        try:
            return self._ignore[wid]
        except KeyError:
            pass
        with self._nested():
            return self._ignore_op1(wid)

    def _ignore_op1(self, wid: int) -> Op:
        basic = {1: _op_uint, 2: _op_uint, 3: _op_uint, 4: _op_uint,
                 5: _skip_bytes, 6: _skip_bytes, 7: _op_complex,
                 8: _iface_skip}.get(wid)
        if basic is not None:
            return basic
        # Go skips only types the stream defined: its bootstrap types
        # (16-24) are "undefined" here, though values may be decoded as them.
        w = self._wire.get(wid)
        if w is None:
            undefined = BUILTIN_STRINGS.get(wid) or self._id_string(wid)
            raise GobError(f"gob: bad data: undefined type {undefined}")
        cell: list = [None]

        def late(d, buf, pos):
            return cell[0](d, buf, pos)
        self._ignore[wid] = late
        try:
            k = w.kind
            if k == "struct":
                ops = []
                for fname, fid in w.fields:
                    if not fname:
                        raise GobError(f"gob: empty name for remote field of type {w.name}")
                    ops.append(self._ignore_op(fid))
                nf = len(ops)

                def op(d, buf, pos):
                    fieldnum = -1
                    while pos < len(buf):
                        delta, pos = read_uint(buf, pos)
                        if delta >= 1 << 63:
                            raise GobError("gob: ignore decode: corrupted data: negative delta")
                        if delta == 0:
                            break
                        fieldnum += delta
                        if fieldnum >= nf:
                            raise GobError(ERR_RANGE)
                        _, pos = ops[fieldnum](d, buf, pos)
                    return None, pos
            elif k == "slice":
                eop = self._ignore_op(w.elem)

                def op(d, buf, pos):
                    n, pos = read_uint(buf, pos)
                    for _ in range(n):
                        if pos >= len(buf):
                            raise GobError(f"gob: decoding array or slice: length exceeds input size ({n} elements)")
                        _, pos = eop(d, buf, pos)
                    return None, pos
            elif k == "array":
                eop = self._ignore_op(w.elem)
                length = w.length

                def op(d, buf, pos):
                    n, pos = read_uint(buf, pos)
                    if n != length:
                        raise GobError("gob: length mismatch in ignoreArray")
                    for _ in range(n):
                        if pos >= len(buf):
                            raise GobError(f"gob: decoding array or slice: length exceeds input size ({n} elements)")
                        _, pos = eop(d, buf, pos)
                    return None, pos
            elif k == "map":
                kop, vop = self._ignore_op(w.key), self._ignore_op(w.elem)

                def op(d, buf, pos):
                    n, pos = read_uint(buf, pos)
                    for _ in range(n):
                        if pos >= len(buf):
                            raise GobError("EOF")
                        _, pos = kop(d, buf, pos)
                        _, pos = vop(d, buf, pos)
                    return None, pos
            elif k in ("gobenc", "binary", "text"):
                def op(d, buf, pos):
                    n, pos = _length(buf, pos)
                    if n < 0:
                        raise GobError("gob: GobDecoder: length too large for buffer")
                    return None, pos + n
            else:
                raise GobError(f"gob: bad data: ignore can't handle type {self._id_string(wid)}")
        except BaseException:
            self._ignore.pop(wid, None)
            raise
        cell[0] = op
        self._ignore[wid] = op
        return op


def _bind_self(op: Op, ops: list, late: Op) -> None:
    """Point a struct decoder's fields of its own type (``Next *Node``),
    compiled while it was being built, straight at it rather than at the
    trampoline ``late``: one frame per level of nesting, not two."""
    ns = getattr(op, "__globals__", {})   # generated code's namespace
    for i, fop in enumerate(ops):
        if fop is late:
            ops[i] = op                       # (table-driven decoders)
            if ns.get(f"op{i}") is late:
                ns[f"op{i}"] = op


def _wrapped(op: Op, cls) -> Op:
    """``op`` with its value converted to ``cls`` (a class declaring a
    named Go type)."""
    def wrapped(d, buf, pos):
        v, pos = op(d, buf, pos)
        return cls(v), pos
    return wrapped


def _value_message(data) -> tuple[int, int] | None:
    """(offset, type id) of the first value message in ``data``, if well formed."""
    pos, n = 0, len(data)
    try:
        while pos < n:
            size, body = read_uint(data, pos)
            if size == 0 or body + size > n:
                return None
            tid, _ = read_int(data, body)
            if tid >= 0:
                return pos, tid
            pos = body + size
    except (IndexError, GobError):
        return None
    return None


# Decoders that already absorbed a given preamble (the type definitions ahead
# of a value), so loads() of many values of one type compiles them once.
# Only preambles whose value type cannot hold interfaces are kept: such a
# value never defines further types, so the shared state stays valid.
_preambles: dict[bytes, Decoder] = {}
_preambles_lock = threading.Lock()


def loads(data: bytes, into: Any = None) -> Any:
    """Decode the first item of a gob stream held in ``data``.

    Raises :class:`EOFError` when ``data`` is empty, :class:`GobError` for
    anything malformed (see :meth:`Decoder.decode`).
    """
    found = _value_message(data)
    if found is None or found[0] > 4096:
        return Decoder(_Reader(data)).decode(into)
    offset, wid = found
    prefix = bytes(data[:offset])
    known = _preambles.get(prefix)
    if known is not None and not known._has_iface(wid):
        # The value defines no types, so the shared state stays untouched.
        dec = known._sharing(_Reader(data, offset))
        return dec.decode(into)
    dec = Decoder(_Reader(data))
    value = dec.decode(into)
    if not dec._has_iface(wid) and len(_preambles) < 256:
        with _preambles_lock:
            _preambles.setdefault(prefix, dec)
    return value
