"""Table-driven struct decoders, for remote structs too wide to generate.

Generated decoders (``_decgen``) cost compile time and memory linear in the
number of *remote* fields, which the sender chooses: a 200 KB definition of
20,000 fields would take seconds and gigabytes to compile.  Past
:data:`MAX_GENERATED` fields the decoder is this loop instead: same
semantics, same error texts, cost linear in the bytes decoded.
"""

from __future__ import annotations

from typing import Any, Callable

from ._wire import TOO_BIG, GobError
from ._wiretype import ERR_RANGE, read_uint

# Remote structs with more fields than this get a table-driven decoder.
MAX_GENERATED = 128

_MISSING = object()


def loop_struct_decoder(ops: list[Callable], targets: list[int | None],
                        locals_: list[str], defaults: list[tuple[bool, Any]],
                        build: str, cls: Any = None, *, slice_of: bool = False,
                        size: int = 0, elem_go: str = "",
                        charge: int = 0) -> Callable:
    """``dec(d, buf, pos) -> (value, pos)`` with the arguments of
    :func:`._decgen.struct_decoder` (``charge``: see there)."""
    nf = len(ops)
    nloc = len(locals_)
    statics = [None if f else v for f, v in defaults]
    factories = [(j, v) for j, (f, v) in enumerate(defaults) if f]
    new = object.__new__ if cls is None else cls.__new__
    setattr_ = object.__setattr__

    def one(d, buf, pos):
        if charge:
            d._budget -= charge
            if d._budget < 0:
                d._over_budget()
        vals = statics.copy()
        for j, _ in factories:
            vals[j] = _MISSING
        fieldnum = -1
        while pos < len(buf):
            delta, pos = read_uint(buf, pos)
            if delta == 0:
                break
            if delta >= 1 << 63:
                raise GobError("gob: decode: corrupted data: negative delta")
            fieldnum += delta
            if fieldnum >= nf:
                raise GobError(ERR_RANGE)
            v, pos = ops[fieldnum](d, buf, pos)
            t = targets[fieldnum]
            if t is not None:
                vals[t] = v
        for j, make in factories:
            if vals[j] is _MISSING:
                vals[j] = make()
        if build == "dict":
            return dict(zip(locals_, vals)), pos
        o = new(cls)
        store = setattr if build == "obj" else setattr_
        for j in range(nloc):
            store(o, locals_[j], vals[j])
        return o, pos

    if not slice_of:
        return one

    def many(d, buf, pos):
        count, pos = read_uint(buf, pos)
        if size and count * size > TOO_BIG:
            raise GobError(f"gob: {elem_go} slice too big: {count} elements of {size} bytes")
        out = []
        for _ in range(count):
            if pos >= len(buf):
                raise GobError(f"gob: decoding array or slice: length exceeds input size ({count} elements)")
            o, pos = one(d, buf, pos)
            out.append(o)
        return out, pos
    return many
