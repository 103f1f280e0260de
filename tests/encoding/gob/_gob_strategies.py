"""Hypothesis strategies producing Python values for any gob GoType."""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import strategies as st

from gostd.encoding import gob
from gostd.encoding.gob import _types as T

UTC = datetime.timezone.utc

_interface_values = None


def interface_values():
    global _interface_values
    if _interface_values is None:
        import _gob_decls as D
        _interface_values = st.one_of(
            st.none(),
            st.integers(-(1 << 63), (1 << 63) - 1),
            st.text(max_size=5),
            st.builds(D.Point, st.integers(-1000, 1000), st.integers(-5, 5)),
            st.lists(st.integers(-(1 << 63), (1 << 63) - 1), min_size=1, max_size=3),
            st.floats(allow_nan=False),
            st.builds(gob.uint8, st.integers(0, 255)),
        )
        _interface_values = st.recursive(
            _interface_values, lambda inner: st.builds(D.Box, inner), max_leaves=4)
    return _interface_values


def times():
    naive = st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30))
    zones = st.one_of(
        st.just(UTC),
        st.integers(-24 * 60 + 1, 24 * 60 - 1).filter(lambda m: m != -1).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m), "")),
        # Go refuses offsets that truncate to -1 minute, including those its
        # decoder produces from negative odd offsets (it adds the seconds
        # byte unsigned: s -> s + 256).
        st.integers(-86399, 86399).filter(
            lambda s: not -120 < s <= -60 and not (s < 0 and s % 60 and -120 < s + 256 <= -60)).map(
            lambda s: datetime.timezone(datetime.timedelta(seconds=s), "")),
    )
    return st.builds(lambda t, z: t.replace(tzinfo=z), naive, zones)


def elems(gt: T.GoType, depth: int, max_map: int):
    """Values for a slice/array/map element: never a nil pointer."""
    if gt.kind == T.PTR:
        return elems(gt.elem, depth + 1, max_map).filter(lambda v: v is not None)
    return values(gt, depth, max_map=max_map)


def odd_negative_offset(v) -> bool:
    """Whether ``v`` holds a time whose zone offset is negative and not whole
    minutes: Go 1.19 reads such offsets back shifted (its decoder takes the
    seconds byte unsigned), so re-encoding is not byte-identical."""
    if isinstance(v, datetime.datetime):
        off = v.utcoffset()
        return off is not None and off.total_seconds() < 0 and off.total_seconds() % 60 != 0
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return any(odd_negative_offset(getattr(v, f.name)) for f in dataclasses.fields(v))
    if isinstance(v, (list, tuple)):
        return any(odd_negative_offset(x) for x in v)
    if isinstance(v, dict):
        return any(odd_negative_offset(x) for x in v.values())
    return False


def values(gt: T.GoType, depth: int = 0, *, max_map: int = 1):
    """Values of ``gt``; maps hold at most ``max_map`` entries."""
    k = gt.kind
    if k == T.PTR:
        if depth > 3:
            return st.none()
        return st.one_of(st.none(), values(gt.elem, depth + 1, max_map=max_map))
    if k == T.BOOL:
        return st.booleans()
    if k in (T.INT, T.UINT):
        return st.one_of(st.integers(gt.lo, gt.hi), st.integers(max(gt.lo, -200), min(gt.hi, 200)),
                         st.sampled_from(sorted({gt.lo, gt.hi, 0})))
    if k == T.FLOAT:
        if gt.narrow:
            return st.floats(width=32)
        return st.floats()
    if k == T.COMPLEX:
        w = 32 if gt.narrow else 64
        return st.builds(complex, st.floats(width=w), st.floats(width=w))
    if k == T.STRING:
        return st.text(max_size=8)
    if k == T.BYTES:
        return st.binary(max_size=8)
    if k == T.IFACE:
        return interface_values()
    if k == T.TIME:
        return times()
    if k == T.SLICE:
        if depth > 3:
            return st.just([])
        return st.lists(elems(gt.elem, depth + 1, max_map), max_size=3)
    if k == T.ARRAY:
        return st.tuples(*[elems(gt.elem, depth + 1, max_map)] * gt.length)
    if k == T.MAP:
        if depth > 3:
            return st.none()
        return st.one_of(st.none(), st.dictionaries(
            elems(gt.key, depth + 1, max_map), elems(gt.elem, depth + 1, max_map),
            max_size=max_map))
    if k == T.STRUCT or (k == T.GOBENC and dataclasses.is_dataclass(gt.cls)):
        fields = gt.fields if k == T.STRUCT else [
            T.Field(f.name, f.name, gob.go_type(f.type if not isinstance(f.type, str) else
                                                T._hints(gt.cls)[f.name]))
            for f in dataclasses.fields(gt.cls)]
        kw = {f.attr: values(f.type, depth + 1, max_map=max_map) for f in fields}
        return st.builds(gt.cls, **kw)
    raise NotImplementedError(gt)


def normalize(gt: T.GoType, v, top: bool = True):
    """What decoding the encoding of ``v`` (declared ``gt``) gives back."""
    k = gt.kind
    if k == T.PTR:
        if v is None:
            return None
        inner = normalize(gt.elem, v, top)
        return inner
    if k == T.FLOAT and gt.narrow:
        return gob._wire.round_float32(v)
    if k == T.COMPLEX and gt.narrow:
        r = gob._wire.round_float32
        return complex(r(v.real), r(v.imag))
    if k == T.TIME:
        return v
    if k == T.SLICE:
        return [normalize(gt.elem, x, False) for x in (v or [])]
    if k == T.ARRAY:
        return tuple(normalize(gt.elem, x, False) for x in v)
    if k == T.MAP:
        if v is None:
            return {}   # a nil map outside a struct field is sent empty
        return {normalize(gt.key, a, False): normalize(gt.elem, b, False) for a, b in v.items()}
    if k == T.STRUCT:
        out = {}
        for f in dataclasses.fields(gt.cls):
            out[f.name] = getattr(v, f.name)
        for f in gt.fields:
            x = getattr(v, f.attr)
            omitted = _omitted(f.type, x)
            if omitted:
                # Decoding leaves the field at its default.
                out[f.attr] = _default(gt.cls, f.attr)
            else:
                out[f.attr] = normalize(f.type, x, False)
        return gt.cls(**out)
    return v


def _default(cls, attr):
    for f in dataclasses.fields(cls):
        if f.name == attr:
            if f.default is not dataclasses.MISSING:
                return f.default
            return f.default_factory()
    raise KeyError(attr)


def _omitted(t: T.GoType, x) -> bool:
    if x is None:
        return True
    b = t.base
    k = b.kind
    if k in (T.BOOL, T.INT, T.UINT, T.FLOAT, T.COMPLEX, T.STRING, T.BYTES, T.SLICE):
        if k == T.FLOAT and b.narrow:
            return gob._wire.round_float32(x) == 0
        if k == T.COMPLEX and b.narrow:
            r = gob._wire.round_float32
            return complex(r(x.real), r(x.imag)) == 0
        return not x
    if k == T.TIME:
        from gostd.encoding.gob._time import time_is_zero
        return time_is_zero(x)
    if k == T.GOBENC:
        from gostd.encoding.gob._encoder import go_is_zero
        return go_is_zero(x)
    return False
