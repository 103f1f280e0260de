"""The Context interface, the empty contexts, and what every derived context shares.

Go's contexts form a tree through their parent pointers.  Here every context
this package makes derives from :class:`_Derived` and keeps its parent in
``_parent``; lookups that Go does by recursion through embedded contexts
(``Value``, ``String``) walk that chain in a loop instead, so a chain many
thousands deep costs no Python recursion.
"""

from __future__ import annotations

import abc
from typing import Any, Callable, NoReturn, Optional

from .._chan import Chan
from .._panic import Panic

__all__ = ["CancelCauseFunc", "CancelFunc", "Context", "background", "todo"]

CancelFunc = Callable[[], None]
"""Go's ``CancelFunc``: cancels its context; later calls do nothing; safe from any thread."""

CancelCauseFunc = Callable[[Optional[BaseException]], None]
"""Go's ``CancelCauseFunc``: like CancelFunc, and records the cause (None: ``Canceled``)."""


class Context(abc.ABC):
    """Go's ``context.Context``: a deadline, a cancellation signal and values,
    carried across API boundaries and goroutines.

    Every method is safe to call from many threads at once.  Implement all
    four to write your own Context; the ``with_*`` functions accept one as a
    parent (cancellation then reaches its children through an ``after_func``
    method if it has one, ``after_func(f) -> stop``, else through one
    goroutine per child, as Go does).
    """

    __slots__ = ()

    @abc.abstractmethod
    def deadline(self) -> tuple[float, bool]:
        """``(deadline, True)``: when work for this context should be
        canceled, in ``time.time()`` seconds; ``(0.0, False)`` if there is
        no deadline (Go's zero time).  Successive calls return the same."""

    @abc.abstractmethod
    def done(self) -> Chan[None]:
        """A channel closed when work for this context should be canceled.

        Successive calls return the same channel.  It is receive-only, as
        Go's ``<-chan struct{}``: ``send`` and ``close`` raise ``TypeError``.
        A context that can never be canceled (``background()``, ``todo()``,
        ``without_cancel``) returns a channel that is never closed -- it
        plays Go's nil channel, never ready in a ``select`` -- rather than
        ``None``, so ``select(ctx.done().recv, ...)`` works for every
        context.  (A custom Context may return ``None``; this package
        treats that as never canceled too.)
        """

    @abc.abstractmethod
    def err(self) -> Optional[BaseException]:
        """``None`` while ``done()`` is open; after it closes, why:
        a :class:`DeadlineExceeded` if the deadline passed, else a
        :class:`Canceled`.  Successive calls then return the same object."""

    @abc.abstractmethod
    def value(self, key: object) -> Any:
        """The value ``with_value`` associated with ``key`` here or in an
        ancestor (the nearest wins), or ``None``."""


class _DoneChan(Chan[None]):
    """A context's done channel: receive-only, as Go's ``<-chan struct{}``.

    Only the context closes it (through ``Chan.close``); its ``send`` and
    ``close`` refuse, and their names keep ``select`` from taking
    ``(done.send, v)`` as a send case.
    """

    __slots__ = ()

    def _refuse_send(self, value: None) -> NoReturn:
        raise TypeError("invalid operation: cannot send to receive-only channel ctx.done()")

    def _refuse_close(self) -> NoReturn:
        raise TypeError("invalid operation: cannot close receive-only channel ctx.done()")

    send = _refuse_send      # type: ignore[assignment]
    close = _refuse_close    # type: ignore[assignment]


never: Chan[None] = _DoneChan()
"""The done channel of contexts that are never canceled: never closed (Go's nil channel)."""

closed: Chan[None] = _DoneChan()
"""A reusable closed done channel (Go's ``closedchan``), for contexts canceled
before anyone asked for their channel."""
Chan.close(closed)


def check_parent(parent: object) -> None:
    """Refuse what cannot be a parent, with Go's panic text for nil."""
    if not isinstance(parent, Context):
        if parent is None:
            raise Panic("cannot create context from nil parent")
        raise TypeError(f"context: parent must be a Context, not {type(parent).__name__}")


def type_name(v: object) -> str:
    """Go's ``reflectlite.TypeOf(v).String()`` in Python terms."""
    t = type(v)
    if t.__module__ == "builtins":
        return t.__qualname__
    return f"{t.__module__}.{t.__qualname__}"


def name(c: object) -> str:
    """Go's ``contextName``: the context's own text if it has one, else its type."""
    if type(c).__repr__ is object.__repr__:
        return type_name(c)
    return repr(c)


NEXT: Any = object()
"""Returned by ``_Derived._own``: the key is not answered here; ask the parent."""

CANCEL_KEY: Any = object()
"""Go's ``&cancelCtxKey``: ``value(CANCEL_KEY)`` is the innermost cancelable
context of this package (None below ``without_cancel``)."""


class _Derived(Context):
    """A context this package made on top of ``_parent``."""

    __slots__ = ("_parent",)

    _parent: Context

    def _own(self, key: object) -> Any:
        """This context's own answer to ``value(key)``, or NEXT."""
        return NEXT

    def _suffix(self) -> str:
        """What this context adds to its parent's name (Go's ``String``)."""
        return ""

    def value(self, key: object) -> Any:
        return lookup(self, key)

    def __repr__(self) -> str:
        parts = []
        c: Context = self
        while isinstance(c, _Derived):
            parts.append(c._suffix())
            c = c._parent
        parts.append(name(c))
        return "".join(reversed(parts))


def lookup(c: Context, key: object) -> Any:
    """Go's ``value``: walk up through this package's contexts without
    recursion; the first foreign context answers by its own ``value``."""
    while isinstance(c, _Derived):
        v = c._own(key)
        if v is not NEXT:
            return v
        c = c._parent
    return c.value(key)


class _EmptyCtx(Context):
    """Never canceled, no values, no deadline: ``background()`` and ``todo()``."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def deadline(self) -> tuple[float, bool]:
        return 0.0, False

    def done(self) -> Chan[None]:
        return never

    def err(self) -> None:
        return None

    def value(self, key: object) -> None:
        return None

    def __repr__(self) -> str:
        return self._name


_background = _EmptyCtx("context.Background")
_todo = _EmptyCtx("context.TODO")


def background() -> Context:
    """Go's ``context.Background()``: the empty root context -- never
    canceled, no values, no deadline.  Always the same object."""
    return _background


def todo() -> Context:
    """Go's ``context.TODO()``: an empty context like ``background()``, to
    mark code not yet given a real one."""
    return _todo
