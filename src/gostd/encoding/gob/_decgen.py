"""Generated struct decoders.

A struct engine is a Python function written for one (local type, remote
struct type) pair: one local variable per destination field initialised to
its default, a loop over field deltas dispatching on the field number, with
integers, booleans and short strings decoded inline, and the destination
built in one step at the end.  Go's error texts are kept: a delta landing
past the remote field list is ``gob: bad data: field numbers out of bounds``.
Decoders into dataclasses are then wrapped in a C ``GobDecPlan`` (see
``_accel``) that runs the same loop from a table, with the generated
function as its fallback, unless ``GOSTD_GOB_PURE=1``.
"""

from __future__ import annotations

import struct
import sys
from typing import Any, Callable

from ._accel import DEC_KINDS, DEC_OTHER, DecPlan
from ._decloop import MAX_GENERATED, loop_struct_decoder
from ._wire import TOO_BIG, GobError
from ._wiretype import ERR_RANGE, read_uint

# Compiled sources, shared by all decoders (a fresh Decoder per loads()
# would otherwise recompile the same struct decoder every time).
_code_cache: dict[str, Any] = {}

# Inline decoding kinds.
K_INT, K_UINT, K_BOOL, K_STRING, K_FLOAT, K_STRSLICE, K_OTHER = (
    "int", "uint", "bool", "string", "float", "[]string", "other")

_unpack_le_double = struct.Struct("<d").unpack
# Float values of one-byte encodings, and zero padding for short ones.
FLOAT1 = [_unpack_le_double(bytes(7) + bytes((b,)))[0] for b in range(128)]
PAD = [bytes(8 - n) for n in range(9)]

# Multi-byte unsigned integer decoded inline into ``u`` (errors via the op).
_MULTI = [
    "    n = 256 - b",
    "    e = pos + 1 + n",
    "    if n <= 8 and e <= end:",
    "        u = int.from_bytes(buf[pos + 1:e], 'big')",
    "        pos = e",
    "    else:",
    "        u, pos = read_uint(buf, pos)",
]


def _inline(kind: str, target: str, i: int) -> list[str]:
    """Source lines (indented for the dispatch branch) decoding field ``i``."""
    if kind == K_INT:
        return [
            "b = buf[pos]",
            "if b < 0x80:",
            "    pos += 1",
            f"    {target} = (~(b >> 1)) if b & 1 else (b >> 1)",
            "else:",
            *_MULTI,
            f"    {target} = (~(u >> 1)) if u & 1 else (u >> 1)",
        ]
    if kind == K_UINT:
        return [
            "b = buf[pos]",
            "if b < 0x80:",
            "    pos += 1",
            f"    {target} = b",
            "else:",
            *_MULTI,
            f"    {target} = u",
        ]
    if kind == K_FLOAT:
        return [
            "b = buf[pos]",
            "if b < 0x80:",
            "    pos += 1",
            f"    {target} = FLOAT1[b]",
            "else:",
            "    n = 256 - b",
            "    e = pos + 1 + n",
            "    if n <= 8 and e <= end:",
            f"        {target} = unpack(PAD[n] + buf[pos + 1:e])[0]",
            "        pos = e",
            "    else:",
            f"        {target}, pos = op{i}(d, buf, pos)",
        ]
    if kind == K_BOOL:
        return [
            "b = buf[pos]",
            "if b < 0x80:",
            "    pos += 1",
            f"    {target} = b != 0",
            "else:",
            f"    {target}, pos = op{i}(d, buf, pos)",
        ]
    if kind == K_STRING:
        return [
            "b = buf[pos]",
            "e = pos + 1 + b",
            "if b < 0x80 and e <= end:",
            f"    {target} = buf[pos + 1:e].decode('utf-8', 'surrogateescape')",
            "    pos = e",
            "else:",
            f"    {target}, pos = op{i}(d, buf, pos)",
        ]
    if kind == K_STRSLICE:
        return [
            "b = buf[pos]",
            "if b < 0x80:",
            "    pos += 1",
            "    cnt = b",
            "else:",
            "    cnt, pos = read_uint(buf, pos)",
            "    if cnt * 16 > TOO_BIG:",
            "        raise GobError(f'gob: string slice too big: {cnt} elements of 16 bytes')",
            f"{target} = t = []",
            "for _j in range(cnt):",
            "    if pos >= end:",
            "        raise GobError(f'gob: decoding string array or slice: length exceeds input size ({cnt} elements)')",
            "    b = buf[pos]",
            "    e = pos + 1 + b",
            "    if b < 0x80 and e <= end:",
            "        t.append(buf[pos + 1:e].decode('utf-8', 'surrogateescape'))",
            "        pos = e",
            "    else:",
            f"        x, pos = sop{i}(d, buf, pos)",
            "        t.append(x)",
        ]
    # Other ops may decode interfaces, which append messages to buf.
    return [f"{target}, pos = op{i}(d, buf, pos)", "end = len(buf)"]


END = 1 << 80   # beyond any field number
_MISSING = object()


def _next_field(i: int) -> list[str]:
    """Read the delta after field ``i``: sets ``f`` to the next field number."""
    return [
        "if pos < end:",
        "    f = buf[pos]",
        "    if f < 0x80:",
        "        pos += 1",
        "    else:",
        "        f, pos = read_uint(buf, pos)",
        "        if f >= 1 << 63:",
        "            raise GobError('gob: decode: corrupted data: negative delta')",
        f"    f = f + {i} if f else END" if i >= 0 else "    f = f - 1 if f else END",
        "else:",
        "    f = END",
    ]


def struct_decoder(name: str, kinds: list[str], ops: list[Callable],
                   targets: list[int | None], locals_: list[str],
                   defaults: list[tuple[bool, Any]], build: str,
                   cls: Any = None, *, slice_of: bool = False,
                   size: int = 0, elem_go: str = "",
                   string_op: Callable | None = None, charge: int = 0) -> Callable:
    """Generate ``dec(d, buf, pos) -> (value, pos)``.

    ``kinds``/``ops``/``targets`` describe the remote fields in wire order
    (``targets[i]`` indexes ``locals_`` or is None for skipped fields);
    ``defaults[j]`` is ``(is_factory, value)`` for ``locals_[j]``; ``build``
    is ``"dict"``, ``"obj"`` (attribute stores) or ``"slots"``
    (``object.__setattr__``, for frozen classes).  With ``slice_of`` the
    function decodes a whole slice of such structs (count, then elements),
    the struct body inlined in the loop; ``size`` is Go's element size for
    the "slice too big" check.  ``charge`` (plain decoding, which makes a
    dict entry per remote field) is the struct's cost in bytes
    (``_decops.plain_struct_cost``), taken from the decoder's ``_budget``
    per struct decoded, so that a wide remote struct cannot turn few bytes
    into much memory.  Structs of more than ``MAX_GENERATED`` remote fields get
    the table-driven decoder of ``_decloop`` instead of generated code.
    """
    if len(kinds) > MAX_GENERATED:
        return loop_struct_decoder(ops, targets, locals_, defaults, build, cls,
                                   slice_of=slice_of, size=size, elem_go=elem_go,
                                   charge=charge)
    ns: dict[str, Any] = {"GobError": GobError, "read_uint": read_uint,
                          "FLOAT1": FLOAT1, "PAD": PAD, "unpack": _unpack_le_double,
                          "ERR_RANGE": ERR_RANGE, "cls": cls, "TOO_BIG": TOO_BIG,
                          "END": END,
                          "new": object.__new__ if cls is None else cls.__new__,
                          "setattr": object.__setattr__}
    body: list[str] = []
    if charge:
        body += [f"d._budget -= {charge}", "if d._budget < 0:", "    d._over_budget()"]
    # Factory defaults (fresh lists...) are made only for fields not sent.
    ns["MISSING"] = _MISSING
    for j, (is_factory, value) in enumerate(defaults):
        ns[f"z{j}"] = value
        body.append(f"v{j} = MISSING" if is_factory else f"v{j} = z{j}")
    # Deltas are positive, so fields arrive in increasing order: one test
    # per remote field, in order, sees every valid stream.  ``f`` is the
    # number of the next field present, END once the struct (or the
    # message) ends.
    body.append("end = len(buf)")
    body += _next_field(-1)
    for i, kind in enumerate(kinds):
        ns[f"op{i}"] = ops[i]
        ns[f"sop{i}"] = string_op
        t = targets[i]
        target = f"v{t}" if t is not None else "_"
        body.append(f"if f == {i}:")
        body += ["    " + line for line in _inline(kind if t is not None else K_OTHER, target, i)]
        body += ["    " + line for line in _next_field(i)]
    body += ["if f != END:", "    raise GobError(ERR_RANGE)"]
    for j, (is_factory, _) in enumerate(defaults):
        if is_factory:
            body += [f"if v{j} is MISSING:", f"    v{j} = z{j}()"]
    items = ", ".join(f"{n!r}: v{j}" for j, n in enumerate(locals_))
    if build == "dict":
        body.append(f"o = {{{items}}}")
    elif build == "obj":
        body.append("o = new(cls)")
        body += [f"o.{n} = v{j}" for j, n in enumerate(locals_)]
    else:
        body.append("o = new(cls)")
        body += [f"setattr(o, {n!r}, v{j})" for j, n in enumerate(locals_)]
    src = ["def dec(d, buf, pos):"]
    if not slice_of:
        src += ["    " + line for line in body]
        src.append("    return o, pos")
    else:
        src += [
            "    count = buf[pos]",
            "    if count < 0x80:",
            "        pos += 1",
            "    else:",
            "        count, pos = read_uint(buf, pos)",
        ]
        if size:
            src += [
                f"    if count * {size} > TOO_BIG:",
                f"        raise GobError(f'gob: {elem_go} slice too big: {{count}} elements of {size} bytes')",
            ]
        src += [
            "    out = []",
            "    append = out.append",
            "    for _i in range(count):",
            "        if pos >= len(buf):",
            "            raise GobError(f'gob: decoding array or slice: length exceeds input size ({count} elements)')",
        ]
        src += ["        " + line for line in body]
        src += ["        append(o)", "    return out, pos"]
    text = "\n".join(src)
    code = _code_cache.get(text)
    if code is None:
        code = compile(text, f"<gob decoder {name}>", "exec")
        if len(_code_cache) < 4096:
            _code_cache[text] = code
    exec(code, ns)
    dec = ns["dec"]
    if DecPlan is not None and build != "dict" and not charge and isinstance(cls, type):
        # The same decoder as a table for the C loop, with dec as its
        # fallback for buffers other than bytes and bytearray.
        fields = tuple((DEC_KINDS[kind] if t is not None else DEC_OTHER,
                        t if t is not None else -1, ops[i])
                       for i, (kind, t) in enumerate(zip(kinds, targets)))
        return DecPlan(fields, tuple(sys.intern(n) for n in locals_),
                       tuple((bool(f), v) for f, v in defaults), build == "slots", cls,
                       dec, GobError, read_uint, string_op, slice_of, size, elem_go)
    return dec
