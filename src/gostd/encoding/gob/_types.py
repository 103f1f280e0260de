"""The Go type model: Python annotations mapped onto the Go types gob describes.

A :class:`GoType` node stands for one Go type.  Nodes are interned, so two
annotations naming the same Go type (``list[int]`` and ``gob.slice(int)``)
yield the same node, and a node can key caches of compiled coders.
Pointers are kept inside composite types (Go distinguishes ``[]T`` from
``[]*T``) but are transparent on the wire: :attr:`GoType.base` strips them.
"""

from __future__ import annotations

import collections.abc as _abc
import dataclasses
import datetime as _dt
import sys
import threading
import types as _pytypes
import typing
from typing import Any

from ._wire import GobError

__all__ = [
    "GoType", "go_type", "infer_type", "typed", "GoList", "GoDict", "GoTuple", "register", "registered_type",
    "registered_name", "slice", "array", "map", "ptr", "named",
    "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
    "uint64", "uintptr", "float32", "float64", "complex64", "complex128",
    "byte", "rune",
]

# Kinds.  Basic kinds carry their predefined wire type id.
BOOL, INT, UINT, FLOAT, COMPLEX, STRING, BYTES, IFACE = (
    "bool", "int", "uint", "float", "complex", "string", "bytes", "interface")
SLICE, ARRAY, MAP, STRUCT, PTR, GOBENC, TIME = (
    "slice", "array", "map", "struct", "ptr", "gobenc", "time")

WIRE_ID = {BOOL: 1, INT: 2, UINT: 3, FLOAT: 4, BYTES: 5, STRING: 6,
           COMPLEX: 7, IFACE: 8}


# --- annotation markers for Go's sized and unsigned types -------------------
# Each is a subclass of the Python number type holding its values, so it works
# both as an annotation (``ID: gob.uint64``) and as a value whose Go type must
# survive an interface (``Holder(V=gob.uint64(5))`` travels as "uint64").

class int8(int): """Go int8."""
class int16(int): """Go int16."""
class int32(int): """Go int32."""
class int64(int): """Go int64."""
class uint(int): """Go uint."""
class uint8(int): """Go uint8."""
class uint16(int): """Go uint16."""
class uint32(int): """Go uint32."""
class uint64(int): """Go uint64."""
class uintptr(int): """Go uintptr."""
class float32(float): """Go float32 (values are rounded to float32 when encoded)."""
class complex64(complex): """Go complex64."""

float64 = float
complex128 = complex
byte = uint8
rune = int32


class GoType:
    """One Go type.  Build with :func:`go_type`; never construct directly.

    ``go`` is Go's type string (``"[]main.Inner"``; a package is named by
    the last element of its path), ``name`` Go's ``Type.Name()`` (``""``
    for unnamed types), ``path`` the name qualified by the full package
    path (``"math/big.Int"``, Go's ``Register`` name) for named types,
    ``kind`` the gob kind.
    """

    __slots__ = ("kind", "go", "name", "elem", "key", "length", "cls",
                 "lo", "hi", "narrow", "_fields", "pyclass", "marshal",
                 "path", "__weakref__")

    def __init__(self, kind: str, go: str, name: str = "", *, elem=None,
                 key=None, length: int = 0, cls=None, lo=None, hi=None,
                 narrow: bool = False, pyclass=None, marshal: int = 0):
        self.kind = kind
        self.go = go
        self.name = name
        self.elem = elem
        self.key = key
        self.length = length
        self.cls = cls
        self.lo = lo
        self.hi = hi
        self.narrow = narrow
        self._fields = None
        self.pyclass = pyclass
        self.marshal = marshal
        self.path = ""

    def __repr__(self) -> str:
        return f"<gob type {self.go}>"

    def __call__(self, value: Any) -> Any:
        """Returns ``value`` unchanged.  (Callable so that typing constructs
        such as ``Optional[gob.array(int, 3)]`` accept a GoType on 3.10.)"""
        return value

    @property
    def base(self) -> "GoType":
        """This type with all pointer levels removed (gob's wire view)."""
        t = self
        while t.kind == PTR:
            t = t.elem
        return t

    @property
    def fields(self) -> list["Field"]:
        """Struct fields sent on the wire, in order (resolved on first use)."""
        f = self._fields
        return f if f is not None else _resolve_fields(self)


@dataclasses.dataclass(frozen=True)
class Field:
    """One transmitted struct field: Python attribute, Go wire name, type."""
    attr: str
    name: str
    type: GoType


_lock = threading.RLock()
_interned: dict[tuple, GoType] = {}


def _intern(key: tuple, make) -> GoType:
    t = _interned.get(key)
    if t is None:
        with _lock:
            t = _interned.get(key)
            if t is None:
                t = make()
                _interned[key] = t
    return t


def _basic(kind, go, pyclass, lo=None, hi=None, narrow=False) -> GoType:
    return _intern(("basic", go), lambda: GoType(kind, go, go, pyclass=pyclass,
                                                 lo=lo, hi=hi, narrow=narrow))


T_BOOL = _basic(BOOL, "bool", bool)
T_INT = _basic(INT, "int", int, -(1 << 63), (1 << 63) - 1)
T_STRING = _basic(STRING, "string", str)
T_FLOAT64 = _basic(FLOAT, "float64", float)
T_COMPLEX128 = _basic(COMPLEX, "complex128", complex)
T_BYTES = _basic(BYTES, "[]uint8", bytes)
T_IFACE = _basic(IFACE, "interface {}", None)
T_UINT64 = None  # set below

_MARKERS: dict[type, GoType] = {
    bool: T_BOOL, int: T_INT, str: T_STRING, float: T_FLOAT64,
    complex: T_COMPLEX128, bytes: T_BYTES, bytearray: T_BYTES,
    typing.Any: T_IFACE, object: T_IFACE,
}
for _cls, _bits in ((int8, 8), (int16, 16), (int32, 32), (int64, 64)):
    _MARKERS[_cls] = _basic(INT, _cls.__name__, _cls, -(1 << (_bits - 1)),
                            (1 << (_bits - 1)) - 1, _bits < 64)
for _cls, _bits in ((uint, 64), (uint8, 8), (uint16, 16), (uint32, 32),
                    (uint64, 64), (uintptr, 64)):
    _MARKERS[_cls] = _basic(UINT, _cls.__name__, _cls, 0, (1 << _bits) - 1,
                            _bits < 64)
_MARKERS[float32] = _basic(FLOAT, "float32", float32, narrow=True)
_MARKERS[complex64] = _basic(COMPLEX, "complex64", complex64, narrow=True)
T_UINT64 = _MARKERS[uint64]

T_TIME = _intern(("time",), lambda: GoType(TIME, "time.Time", "Time",
                                           pyclass=_dt.datetime, marshal=4))
_MARKERS[_dt.datetime] = T_TIME


def ptr(t) -> GoType:
    """Go ``*T``; ``Optional[T]`` means the same."""
    e = go_type(t)
    return _intern(("ptr", e), lambda: GoType(PTR, "*" + e.go, elem=e))


def slice(t) -> GoType:
    """Go ``[]T`` (``list[T]``); ``slice(gob.uint8)`` is ``[]byte``."""
    e = go_type(t)
    if e.kind == UINT and e.pyclass is uint8:
        return T_BYTES
    return _intern(("slice", e), lambda: GoType(SLICE, "[]" + e.go, elem=e))


def array(t, n: int) -> GoType:
    """Go ``[n]T`` (``tuple[T, T, ...]`` with n entries)."""
    e = go_type(t)
    if not isinstance(n, int) or n < 0:
        raise GobError(f"gob: bad array length {n!r}")
    return _intern(("array", e, n),
                   lambda: GoType(ARRAY, f"[{n}]{e.go}", elem=e, length=n))


def map(k, v) -> GoType:  # noqa: A001 - Go's name
    """Go ``map[K]V`` (``dict[K, V]``)."""
    kt, vt = go_type(k), go_type(v)
    return _intern(("map", kt, vt),
                   lambda: GoType(MAP, f"map[{kt.go}]{vt.go}", key=kt, elem=vt))


def named(name: str, underlying: Any, package: str = "main") -> GoType:
    """A named Go type (``type S []S`` is ``named("S", lambda S: list[S])``).

    ``underlying`` is an annotation, or a function receiving the new type
    (for recursive definitions) and returning one.  The name appears in type
    definitions and error messages exactly as Go's ``main.S`` would.
    """
    return _named(("named", package, name), name, underlying, package, None)


def _named(key: tuple, name: str, underlying: Any, package: str, cls) -> GoType:
    with _lock:
        t = _interned.get(key)
        if t is not None:
            return t
        t = GoType(None, _qualified(package.rsplit("/", 1)[-1], name), name)  # kind set below
        t.path = _qualified(package, name)
        _interned[key] = t
        try:
            u = go_type(underlying(t) if callable(underlying) and not isinstance(
                underlying, (type, GoType)) and typing.get_origin(underlying) is None
                else underlying)
            if u.kind in (STRUCT, GOBENC, TIME, PTR) or u is t:
                raise GobError(f"gob: named() needs a slice, array, map or basic "
                               f"underlying type, not {u.go}")
        except BaseException:
            del _interned[key]
            raise
        for attr in ("kind", "elem", "key", "length", "lo", "hi", "narrow", "pyclass",
                     "marshal"):
            setattr(t, attr, getattr(u, attr))
        if cls is not None:
            # Decoded values are converted to the class (see ``wraps``).
            t.cls = t.pyclass = cls
        return t


def _named_class(cls) -> GoType:
    """A class declaring ``__gob_type__`` (``class IDs(list): __gob_type__ =
    list[gob.uint64]``) is Go's named type ``main.IDs`` with that underlying
    type; its values encode as such and decode as instances of the class."""
    name, _ = _struct_names(cls)
    pkg = getattr(cls, "__gob_package__", "main")
    return _named(("namedcls", cls), name, cls.__gob_type__, pkg, cls)


def wraps(gt: GoType):
    """The class decoded values of non-struct type ``gt`` are converted to,
    or None (a named type declared by a class, see :func:`_named_class`)."""
    return gt.cls if gt.kind not in (STRUCT, GOBENC, TIME) else None


def _qualified(pkg: str, name: str) -> str:
    return f"{pkg}.{name}" if name else ""


def _struct_names(cls) -> tuple[str, str]:
    """(Go's Name(), Go's type string) of a class's type."""
    name = getattr(cls, "__gob_name__", cls.__name__)
    pkg = getattr(cls, "__gob_package__", "main")
    return name, _qualified(pkg.rsplit("/", 1)[-1], name)


def _path(cls) -> str:
    """A class's type name qualified by its full package path."""
    name = getattr(cls, "__gob_name__", cls.__name__)
    return _qualified(getattr(cls, "__gob_package__", "main"), name)


def _struct(cls) -> GoType:
    def make():
        name, go = _struct_names(cls)
        t = GoType(STRUCT, go, name, cls=cls, pyclass=cls)
        t.path = _path(cls)
        return t
    return _intern(("struct", cls), make)


def _gobenc(cls) -> GoType:
    def make():
        name, go = _struct_names(cls)
        marshal = 4 if hasattr(cls, "gob_encode") else 5
        t = GoType(GOBENC, go, name, cls=cls, pyclass=cls, marshal=marshal)
        t.path = _path(cls)
        return t
    return _intern(("gobenc", cls), make)


def _hints(cls) -> dict:
    ns = dict(vars(sys.modules.get(cls.__module__, object())))
    ns.setdefault(cls.__name__, cls)
    try:
        return typing.get_type_hints(cls, globalns=ns, localns=ns)
    except Exception:  # unresolvable forward refs: fall back to raw
        return {f.name: f.type for f in dataclasses.fields(cls)}


def _is_chan_or_func(ann: Any) -> bool:
    """Go's ``isSent`` exclusion: a field of chan or func type, or a pointer
    to one (``Optional[...]``), is never sent nor decoded.  Python's func is
    ``Callable``, its chan :class:`gostd.Chan`."""
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Union or origin is getattr(_pytypes, "UnionType", None):
            rest = [a for a in typing.get_args(ann) if a is not _NoneType]
            if len(rest) != 1:
                return False
            ann = rest[0]
            continue
        break
    target = origin if origin is not None else ann
    if target is _abc.Callable or target is typing.Callable:
        return True
    from ..._chan import Chan   # (lazy: gob does not otherwise need channels)
    return isinstance(target, type) and issubclass(target, Chan)


# Structs whose fields are being resolved (under _lock): the thread doing it
# sees the list so far if a recursive type asks again; other threads wait for
# the lock and see only complete lists in GoType._fields.
_resolving: dict[GoType, list] = {}


def _resolve_fields(t: GoType) -> list:
    with _lock:
        if t._fields is not None:
            return t._fields
        partial = _resolving.get(t)
        if partial is not None:
            return partial
        cls = t.cls
        hints = _hints(cls)
        out: list[Field] = []
        _resolving[t] = out
        try:
            for f in dataclasses.fields(cls):
                wire = f.metadata.get("gob", f.name) if f.metadata else f.name
                if wire == "-" or not wire[:1].isupper():
                    continue
                ann = hints.get(f.name, f.type)
                if _is_chan_or_func(ann):
                    continue
                ft = go_type(ann)
                out.append(Field(f.name, wire, ft))
        finally:
            del _resolving[t]
        if t.name == "":
            inner = "; ".join(f"{f.name} {f.type.go}" for f in out)
            t.go = f"struct {{ {inner} }}" if inner else "struct {}"
        t._fields = out
        return out


_NoneType = type(None)


_memo: dict[Any, GoType] = {}


def go_type(ann: Any) -> GoType:
    """The :class:`GoType` for a Python annotation (see the module table).

    Raises :class:`GobError` for annotations that have no Go counterpart.
    """
    # Subscription, not _memo.get(ann): on free-threaded CPython 3.13,
    # dict.get of a key that is equal but not identical to the stored one
    # (list[int] is a new object each time it is written), stored by another
    # thread, takes a slow path costing tens of microseconds; subscription
    # does not.  Every cache read per message in gob and net/rpc follows this.
    try:
        return _memo[ann]
    except KeyError:
        pass
    except TypeError:   # unhashable annotation
        return _go_type(ann)
    t = _go_type(ann)
    if len(_memo) < 10000:
        _memo[ann] = t
    return t


def _go_type(ann: Any) -> GoType:
    if isinstance(ann, GoType):
        return ann
    origin = typing.get_origin(ann)
    t = _MARKERS.get(ann) if origin is None else None
    if t is not None:
        return t
    if isinstance(ann, type) and origin is None:   # (3.10: list[int] is a "type")
        if getattr(ann, "__gob_type__", None) is not None and not dataclasses.is_dataclass(ann):
            return _named_class(ann)
        if dataclasses.is_dataclass(ann) and not (
                hasattr(ann, "gob_encode") or hasattr(ann, "marshal_binary")):
            return _struct(ann)
        if (hasattr(ann, "gob_encode") and hasattr(ann, "gob_decode")) or (
                hasattr(ann, "marshal_binary") and hasattr(ann, "unmarshal_binary")):
            return _gobenc(ann)
        if issubclass(ann, _dt.datetime):
            return T_TIME
        if ann is list or ann is tuple:
            return slice(T_IFACE)
        if ann is dict:
            return map(T_IFACE, T_IFACE)
        for base, gt in _MARKERS.items():
            if isinstance(base, type) and base is not object and issubclass(ann, base):
                return gt
        raise GobError(f"gob NewTypeObject can't handle type: {ann.__qualname__}")
    args = typing.get_args(ann)
    if origin is typing.Union or origin is getattr(_pytypes, "UnionType", None):
        rest = [a for a in args if a is not _NoneType]
        if len(rest) == 1 and len(args) == 2:
            return ptr(rest[0])
        return T_IFACE
    if origin is typing.Annotated:
        return go_type(args[0])
    if origin in (list, typing.List):
        return slice(args[0] if args else T_IFACE)
    if origin in (tuple, typing.Tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return slice(args[0])
        if not args:
            return slice(T_IFACE)
        first = go_type(args[0])
        if any(go_type(a) is not first for a in args[1:]):
            raise GobError(f"gob: tuple annotation {ann} is not a Go array (mixed element types)")
        return array(first, len(args) if args != ((),) else 0)
    if origin in (dict, typing.Dict):
        return map(args[0], args[1]) if args else map(T_IFACE, T_IFACE)
    if ann is None or ann is _NoneType:
        raise GobError("gob: cannot encode nil value")
    if isinstance(ann, str):
        raise GobError(f"gob: unresolved forward reference {ann!r}")
    raise GobError(f"gob NewTypeObject can't handle type: {ann!r}")


# --- inferring a Go type from a Python value --------------------------------

class GoList(list):
    """A list that knows its Go type (``[]T``); see :func:`typed`."""
    __slots__ = ("gotype",)


class GoDict(dict):
    """A dict that knows its Go type (``map[K]V``); see :func:`typed`."""
    __slots__ = ("gotype",)


class GoTuple(tuple):
    """A tuple that knows its Go type (``[N]T``); see :func:`typed`."""


_TYPED = {SLICE: GoList, MAP: GoDict, ARRAY: GoTuple}


def typed(value: Any, type: Any) -> Any:  # noqa: A002 - the Go type
    """``value`` (a list, dict or tuple) as a :class:`GoList`,
    :class:`GoDict` or :class:`GoTuple` carrying the Go type ``type``, so
    that inside an interface it is sent as that type rather than the one
    inferred from its items (``typed([1, 2], list[Any])`` travels as
    ``[]interface {}``, not ``[]int``).  Decoded interface values whose
    type inference would not reproduce come back in this form.
    """
    gt = go_type(type)
    cls = _TYPED.get(gt.kind)
    if cls is None or gt.cls is not None:
        raise GobError(f"gob: typed() needs an unnamed slice, array or map type, not {gt.go}")
    out = cls(value)
    out.gotype = gt
    return out


def infer_type(v: Any) -> GoType:
    """The Go type a Python value encodes as when no type is given.

    Scalars map by class (markers keep their Go type); dataclasses are
    structs; lists and tuples are slices of their elements' common type
    (``[]interface {}`` when empty or mixed); dicts likewise are maps;
    values made by :func:`typed` have the type they carry.  A container
    nested too deeply (or holding itself) raises :class:`GobError`.
    """
    try:
        return _infer(v)
    except RecursionError:
        raise GobError("gob: invalid nesting depth") from None


def _infer(v: Any) -> GoType:
    cls = type(v)
    t = _MARKERS.get(cls)
    if t is not None:
        return t
    if cls is GoList or cls is GoDict or cls is GoTuple:
        return v.gotype
    if cls is list or cls is tuple:
        return slice(_common(v))
    if cls is dict:
        return map(_common(v.keys()), _common(v.values()))
    if v is None:
        raise GobError("gob: cannot encode nil value")
    if callable(v) and not isinstance(v, type) and not dataclasses.is_dataclass(v):
        raise GobError(f"gob NewTypeObject can't handle type: {cls.__name__}")
    return go_type(cls)


def _common(items) -> GoType:
    t = None
    empty = None
    for x in items:
        if not x and x.__class__ in (list, tuple, dict):
            empty = x   # an empty collection fits any slice/map type
            continue
        xt = _infer(x)
        if t is None:
            t = xt
        elif xt is not t:
            return T_IFACE
    if t is None:
        return _infer(empty) if empty is not None else T_IFACE
    if empty is not None and t.kind != (MAP if empty.__class__ is dict else SLICE):
        return T_IFACE
    return t


# --- the interface registry (Go's Register / RegisterName) ------------------

_name_to_type: dict[str, GoType] = {}
_type_to_name: dict[GoType, str] = {}
# base type -> the type as registered (``ptr(T)`` for Go's Register(&T{})):
# an interface holding a value sends it as that type.
_type_to_user: dict[GoType, GoType] = {}


def register(cls: Any, name: str | None = None) -> None:
    """Record ``cls`` (a class or annotation) for values carried in interfaces.

    ``name`` defaults to Go's ``Register`` naming for package ``main``:
    ``"main.Point"`` for a dataclass ``Point`` (``__gob_package__`` changes
    the package), Go's type string for builtin and unnamed types.  As in Go,
    registering one type under two names, or two types under one name,
    raises :class:`GobError`... except re-registering the same pair.
    """
    full = go_type(cls)
    t = full.base
    if name is None:
        # Go's Register: a pointer to a named type is "*" + its type string
        # (package name), a named type its full package path + "." + name.
        name = "*" + t.go if full.kind == PTR and t.name and t.go else (t.path or t.go)
    if not name:
        raise GobError("gob: attempt to register empty name")
    with _lock:
        # Go's RegisterName checks the name first, then the type.
        prev = _name_to_type.get(name)
        if prev is not None and prev is not t:
            raise GobError(f'gob: registering duplicate types for "{name}": {prev.go} != {full.go}')
        old = _type_to_name.get(t)
        if old is not None and old != name:
            raise GobError(f'gob: registering duplicate names for {full.go}: "{old}" != "{name}"')
        _name_to_type[name] = t
        _type_to_name[t] = name
        _type_to_user.setdefault(t, full)   # (Go refuses a second one)


def registered_type(name: str) -> GoType | None:
    return _name_to_type.get(name)


def registered_name(t: GoType) -> str | None:
    return _type_to_name.get(t)


def registered_user(t: GoType) -> GoType:
    """The type ``t`` (a base type) was registered as, else ``t``."""
    return _type_to_user.get(t, t)


def _register_basics() -> None:
    for cls in (int, int8, int16, int32, int64, uint, uint8, uint16, uint32,
                uint64, float32, float, complex64, complex, uintptr, bool, str,
                bytes):
        register(cls)
    for cls in (int, int8, int16, int32, int64, uint, uint16, uint32, uint64,
                float32, float, complex64, complex, uintptr, bool, str):
        register(slice(cls))


_register_basics()
