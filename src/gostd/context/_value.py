"""Go's ``WithValue`` and ``WithoutCancel``: contexts that add a value, or drop cancellation."""

from __future__ import annotations

from typing import Any, Optional

from .._chan import Chan
from .._panic import Panic
from ._context import CANCEL_KEY, NEXT, Context, _Derived, check_parent, never, type_name

__all__ = ["with_value", "without_cancel"]


class _ValueCtx(_Derived):
    """Go's ``valueCtx``: one key-value pair over a parent."""

    __slots__ = ("_key", "_val", "_src")

    def __init__(self, parent: Context, key: object, val: object) -> None:
        self._parent = parent
        self._key = key
        self._val = val
        # _src answers deadline/done/err for us: the nearest ancestor that is
        # not a _ValueCtx (Go delegates through every layer).
        self._src: Context = parent._src if type(parent) is _ValueCtx else parent

    def deadline(self) -> tuple[float, bool]:
        return self._src.deadline()

    def done(self) -> Chan[None]:
        return self._src.done()

    def err(self) -> Optional[BaseException]:
        return self._src.err()

    def _own(self, key: object) -> Any:
        k = self._key
        if k is key or (type(k) is type(key) and k == key):
            return self._val
        return NEXT

    def _suffix(self) -> str:
        return f".WithValue({_stringify(self._key)}, {_stringify(self._val)})"


def _stringify(v: object) -> str:
    """Go's ``stringify``: a ``str`` as is, None as ``<nil>``, a value whose
    class gives it a text of its own (a ``__str__`` or ``__repr__`` not
    inherited from a builtin; Go: a ``String`` method) by that text, and
    anything else by its type name (Go avoids printing arbitrary values)."""
    if type(v) is str:
        return v
    if v is None:
        return "<nil>"
    for klass in type(v).__mro__:
        if "__str__" in klass.__dict__ or "__repr__" in klass.__dict__:
            if klass.__module__ != "builtins":
                return str(v)
            break
    return type_name(v)


def with_value(parent: Context, key: object, val: object) -> Context:
    """Go's ``context.WithValue``: a child of ``parent`` whose ``value(key)`` is ``val``.

    Keys match as Go's interface comparison does: the same type and equal
    (so ``1`` and ``True`` are different keys).  As Go advises, use a key
    type of your own (a class, or an instance of a private ``object()``) to
    avoid collisions.  Raises :class:`gostd.Panic` with Go's texts for a
    ``None`` key (``nil key``) and an unhashable one (``key is not
    comparable``), and as :func:`with_cancel` for a bad parent.
    """
    check_parent(parent)
    if key is None:
        raise Panic("nil key")
    try:
        hash(key)
    except TypeError:
        raise Panic("key is not comparable") from None
    return _ValueCtx(parent, key, val)


class _WithoutCancelCtx(_Derived):
    """Go's ``withoutCancelCtx``: the parent's values, nothing else."""

    __slots__ = ()

    def __init__(self, parent: Context) -> None:
        self._parent = parent

    def deadline(self) -> tuple[float, bool]:
        return 0.0, False

    def done(self) -> Chan[None]:
        return never

    def err(self) -> None:
        return None

    def _own(self, key: object) -> Any:
        return None if key is CANCEL_KEY else NEXT   # cause() is None here

    def _suffix(self) -> str:
        return ".WithoutCancel"


def without_cancel(parent: Context) -> Context:
    """Go 1.21's ``context.WithoutCancel``: a child that keeps ``parent``'s
    values but is never canceled -- no deadline, ``err()`` None, ``done()``
    never closed, :func:`cause` None -- whatever happens to ``parent``."""
    check_parent(parent)
    return _WithoutCancelCtx(parent)
