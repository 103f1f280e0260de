"""Go spellings of Python type annotations, for messages and the debug page.

Go prints types as ``main.Args``, ``*int``, ``[]string``, ``map[string]int``;
a Python class is in package ``main`` unless its ``__gob_package__`` says
otherwise, the rule :mod:`gostd.encoding.gob` uses too.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from typing import Any

__all__ = ["go_type_name", "is_struct", "strip_annotations"]

_BASIC = {int: "int", str: "string", float: "float64", bool: "bool", bytes: "[]uint8",
          bytearray: "[]uint8", complex: "complex128", type(None): "interface {}"}


def strip_annotations(tp: Any) -> Any:
    """``Annotated[T, ...]`` -> ``T``; ``Optional[T]`` -> ``T``; others unchanged."""
    if type(tp) is type:  # a plain class (the common case) is neither
        return tp
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin is typing.Union or _is_union_type(tp):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


_UNION_TYPE = getattr(types, "UnionType", None)  # ``int | None`` (Python 3.10+)


def _is_union_type(tp: Any) -> bool:
    return _UNION_TYPE is not None and isinstance(tp, _UNION_TYPE)


def is_struct(tp: Any) -> bool:
    """True for types that Go would see as a struct (dataclasses)."""
    tp = strip_annotations(tp)
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def go_type_name(tp: Any) -> str:
    """Go's spelling of ``tp`` (``None`` or a missing annotation is ``interface {}``)."""
    if tp is None or tp is Any or tp is typing.Any:
        return "interface {}"
    go_name = getattr(tp, "go_name", None) or getattr(tp, "__go_name__", None)
    if isinstance(go_name, str):
        return go_name
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            name = getattr(meta, "go_name", None) or getattr(meta, "name", None)
            if isinstance(name, str):
                return name
        return go_type_name(typing.get_args(tp)[0])
    if origin is typing.Union or _is_union_type(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return "*" + go_type_name(args[0]) if len(args) == 1 else "interface {}"
    if origin in (list, tuple, typing.List, typing.Sequence):
        args = typing.get_args(tp)
        return "[]" + go_type_name(args[0] if args else None)
    if origin in (dict, typing.Dict, typing.Mapping):
        args = typing.get_args(tp) or (None, None)
        return f"map[{go_type_name(args[0])}]{go_type_name(args[1])}"
    supertype = getattr(tp, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return getattr(tp, "__name__", go_type_name(supertype))
    if tp in _BASIC:
        return _BASIC[tp]
    if isinstance(tp, type) and (tp.__module__.startswith("gostd.encoding.gob")
                                 or issubclass(tp, datetime.datetime)):
        # gob's markers and time: Go's own names (uint8, float32, time.Time).
        from ...encoding import gob

        try:
            return gob.go_type(tp).go
        except Exception:
            pass
    if isinstance(tp, type):
        if tp.__module__ == "builtins":
            return tp.__qualname__
        # As gostd.encoding.gob names it: package "main" unless __gob_package__ says.
        name = getattr(tp, "__gob_name__", tp.__name__)
        return f"{getattr(tp, '__gob_package__', 'main')}.{name}" if name else "struct {}"
    return str(tp)
