"""Which Python values encode as which Go kind (the README's type table).

A value of the wrong Python type is a :class:`GobError`, never silently
converted (a ``str`` field given ``5`` is not sent as ``"5"``).  Each
``as_*`` function returns the value to encode (normalised where Python
has several spellings of one Go value) or raises; ops call them only when
the value is not of the one class they expect, so the common case costs a
class check.  Sequences and maps are snapshotted: another thread changing
them mid-encode can never make the element count disagree with the
elements written.
"""

from __future__ import annotations

import collections.abc as _abc
import operator
from typing import Any

from ._wire import GobError

__all__ = ["as_int", "as_float", "as_complex", "as_str", "as_bool", "as_bytes",
           "as_seq", "as_map", "mismatch"]


def mismatch(v: Any, go: str) -> GobError:
    return GobError(f"gob: cannot encode {type(v).__name__} as {go}")


def as_int(v: Any, go: str) -> int:
    """Integers of any int class but bool (markers, IntEnum), or anything
    with ``__index__``."""
    if v.__class__ is bool:
        raise mismatch(v, go)
    if isinstance(v, int):
        return v
    if hasattr(type(v), "__index__"):
        return operator.index(v)
    raise mismatch(v, go)


def as_float(v: Any, go: str) -> float:
    """Floats, and ints (not bool) that a float can hold."""
    if isinstance(v, float):
        return v
    if isinstance(v, int) and v.__class__ is not bool:
        try:
            return float(v)
        except OverflowError:
            raise GobError(f"gob: integer out of range for {go}") from None
    raise mismatch(v, go)


def as_complex(v: Any, go: str) -> complex:
    """Complex numbers, floats and ints (not bool)."""
    if isinstance(v, complex):
        return v
    return complex(as_float(v, go))


def as_str(v: Any, go: str) -> Any:
    """``str``, or ``bytes``/``bytearray`` holding the string's bytes."""
    if isinstance(v, (str, bytes, bytearray)):
        return v
    raise mismatch(v, go)


def as_bool(v: Any, go: str, named: type | None = None) -> bool:
    """``bool``, or an instance of ``named``, the class declaring a named
    bool type (``class Flag(int): __gob_type__ = bool``)."""
    if v.__class__ is bool:
        return v
    if named is not None and isinstance(v, named):
        return bool(v)
    raise mismatch(v, go)


def as_bytes(v: Any, go: str) -> Any:
    """``bytes``, ``bytearray`` (copied), a buffer, or None (a nil slice)."""
    if v is None or v.__class__ is bytes:
        return v
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise mismatch(v, go)


def as_seq(v: Any, go: str) -> Any:
    """A snapshot of a list, tuple or other sequence (never a str, bytes or
    mapping), or None (a nil slice)."""
    if v is None or v.__class__ is tuple:
        return v
    if isinstance(v, list):
        return v.copy()
    if isinstance(v, tuple):
        return v
    if isinstance(v, (str, bytes, bytearray, _abc.Mapping, _abc.Set)) or not (
            hasattr(v, "__len__") and hasattr(v, "__iter__")):
        raise mismatch(v, go)
    return list(v)


def as_map(v: Any, go: str) -> Any:
    """A snapshot of a dict or other mapping, or None (a nil map)."""
    if v is None:
        return v
    if isinstance(v, dict):
        return v.copy()
    if isinstance(v, _abc.Mapping):
        return dict(v.items())
    raise mismatch(v, go)
