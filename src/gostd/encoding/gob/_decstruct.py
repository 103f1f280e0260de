"""Building decoded dataclass instances: defaults and Go zero values.

A field the stream does not carry keeps its dataclass default, or else Go's
zero value for its type (0, "", [], {}, None for pointers and interfaces, a
zero struct for nested structs).  Instances are made without ``__init__``.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable

from . import _types as T
from ._decops import _ZERO_TIME
from ._wire import GobError

class _Struct:
    """How to build instances of one dataclass: defaults and construction."""

    __slots__ = ("cls", "static", "factories", "slots", "nfields", "order",
                 "build_kind")


    def __init__(self, gt: T.GoType) -> None:
        cls = gt.cls
        self.cls = cls
        self.static: dict[str, Any] = {}
        self.factories: list[tuple[str, Callable[[], Any]]] = []
        fts = {f.attr: f.type for f in gt.fields}
        hints = None
        dfields = dataclasses.fields(cls)
        self.nfields = len(dfields)
        self.order = [f.name for f in dfields]
        for f in dfields:
            if f.default is not dataclasses.MISSING:
                self.static[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                self.factories.append((f.name, f.default_factory))
            else:
                ft = fts.get(f.name)
                if ft is None:
                    if hints is None:
                        hints = T._hints(cls)
                    try:
                        ft = T.go_type(hints.get(f.name, f.type))
                    except GobError:
                        ft = None
                z = _zero_factory(ft) if ft is not None else None
                if callable(z):
                    self.factories.append((f.name, z))
                else:
                    self.static[f.name] = z
        self.slots = not hasattr(cls, "__dict__") or "__slots__" in vars(cls)
        params = getattr(cls, "__dataclass_params__", None)
        frozen = bool(params and params.frozen) or "__setattr__" in vars(cls)
        ok_names = all(n.isidentifier() for n in self.order)
        self.build_kind = "obj" if not frozen and ok_names else "slots"

    def default(self, name: str) -> tuple[bool, Any]:
        """``(is_factory, value)`` giving the default of field ``name``."""
        if name in self.static:
            return False, self.static[name]
        for n, f in self.factories:
            if n == name:
                return True, f
        return False, None

    def new_values(self) -> dict:
        vals = self.static.copy()
        for name, f in self.factories:
            vals[name] = f()
        return vals

    def build(self, vals: dict):
        obj = self.cls.__new__(self.cls)
        if self.slots:
            for k, v in vals.items():
                object.__setattr__(obj, k, v)
        else:
            obj.__dict__.update(vals)
        return obj


def _zero_factory(gt: T.GoType):
    """The Go zero value of ``gt`` as a constant, or a factory for fresh ones."""
    z = _kind_zero(gt)
    cls = T.wraps(gt)
    if cls is None:
        return z
    return (lambda: cls(z())) if callable(z) else (lambda: cls(z))


def _kind_zero(gt: T.GoType):
    k = gt.kind
    if k == T.BOOL:
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
    if k == T.SLICE:
        return list
    if k == T.MAP:
        return dict
    if k == T.TIME:
        return _ZERO_TIME
    if k == T.ARRAY:
        z = _zero_factory(gt.elem)
        n = gt.length
        if callable(z):
            return lambda: tuple(z() for _ in range(n))
        return (z,) * n
    if k == T.STRUCT:
        return lambda: _zero_struct(gt)
    return None


_zero_depth = threading.local()


def _zero_struct(gt: T.GoType):
    depth = getattr(_zero_depth, "n", 0)
    if depth > 20:
        return None
    _zero_depth.n = depth + 1
    try:
        return _structs(gt).build(_structs(gt).new_values())
    finally:
        _zero_depth.n = depth


_struct_info: dict[T.GoType, _Struct] = {}


def _structs(gt: T.GoType) -> _Struct:
    s = _struct_info.get(gt)
    if s is None:
        s = _struct_info[gt] = _Struct(gt)
    return s
