"""Services: finding the methods of a receiver by Go's rule.

Go exports a method when it is exported, takes an argument and a reply
pointer, and returns ``error``.  The Python equivalent: a public attribute
whose name starts with an upper-case letter, callable with exactly one
positional argument, returning the reply and raising to report an error.
The argument's annotation is the type the body is decoded as and the return
annotation the type the reply is encoded as (both optional).
"""

from __future__ import annotations

import datetime
import inspect
import logging
import sys
import threading
import typing
from typing import Any, Callable

from ._errors import RegistrationError
from ._types import go_type_name, is_struct, strip_annotations

__all__ = ["Method", "Service", "new_service"]

log = logging.getLogger("gostd.net.rpc")


class Method:
    """One callable method of a service, with its call counter."""

    __slots__ = ("name", "func", "arg_type", "reply_type", "_calls", "_lock")

    def __init__(self, name: str, func: Callable[[Any], Any], arg_type: Any,
                 reply_type: Any) -> None:
        self.name = name
        self.func = func
        self.arg_type = arg_type
        self.reply_type = reply_type
        self._calls = 0
        self._lock = threading.Lock()

    def count_call(self) -> None:
        with self._lock:
            self._calls += 1

    @property
    def num_calls(self) -> int:
        """How many times the method has been called (Go's ``NumCalls``)."""
        with self._lock:
            return self._calls

    def go_signature(self) -> str:
        """``Name(*main.Args, *int) error``, as Go's debug page prints it."""
        arg = go_type_name(self.arg_type)
        if is_struct(self.arg_type):
            arg = "*" + arg
        return f"{self.name}({arg}, *{go_type_name(self.reply_type)}) error"


class Service:
    """A registered receiver: its name and its methods by name."""

    __slots__ = ("name", "rcvr", "methods")

    def __init__(self, name: str, rcvr: Any, methods: dict[str, Method]) -> None:
        self.name = name
        self.rcvr = rcvr
        self.methods = methods


def _is_exported(name: str) -> bool:
    return bool(name) and name[0].isupper()


def _signature_problem(name: str, func: Callable[..., Any]) -> str | None:
    """Why ``func`` cannot be a method (Go's texts, Go counting the receiver
    and the reply pointer among the ins), or None when it can be called
    with exactly one positional argument."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return f"rpc.Register: method {name!r} has no inspectable signature"
    required = 0
    positional = 0
    odd = False   # *args, or a keyword-only parameter without default
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
            if p.default is p.empty:
                required += 1
        elif p.kind is p.VAR_POSITIONAL:
            odd = True
        elif p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            odd = True
    if positional >= 1 and required == 1 and not odd:
        return None
    if odd:
        return f"rpc.Register: method {_go_quote(name)} cannot be called with one argument"
    ins = 2 + (required or positional)
    return (f"rpc.Register: method {_go_quote(name)} has {ins} input parameters; "
            "needs exactly three")


def _go_quote(s: str) -> str:
    """Go's ``%q`` for the identifier-like names in registration messages."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unexported(tp: Any) -> bool:
    """Go's ``!isExportedOrBuiltinType``: ``tp`` (an annotation, pointers
    and ``Optional`` seen through) is a class whose Go name starts with a
    lower-case letter.  Builtins, gob's markers, ``datetime`` (Go's
    ``time.Time``) and unnamed types (lists, dicts, unnamed structs) are fine."""
    tp = strip_annotations(tp)
    if not isinstance(tp, type) or tp.__module__ == "builtins":
        return False
    if tp.__module__.startswith("gostd.") or issubclass(tp, datetime.datetime):
        return False
    name = getattr(tp, "__gob_name__", tp.__name__)
    return bool(name) and not _is_exported(name)


def _type_problem(name: str, arg_type: Any, reply_type: Any) -> str | None:
    """Go's refusal of a method whose argument or reply type is not exported."""
    if _unexported(arg_type):
        shown = ("*" if is_struct(arg_type) else "") + go_type_name(arg_type)
        return (f"rpc.Register: argument type of method {_go_quote(name)} is not exported: "
                f"{_go_quote(shown)}")
    if _unexported(reply_type):
        return (f"rpc.Register: reply type of method {_go_quote(name)} is not exported: "
                f"{_go_quote('*' + go_type_name(reply_type))}")
    return None


def _caller_namespace() -> dict[str, Any]:
    """The locals of the code that called ``register`` (the first frame
    outside this package), so annotations naming classes defined inside a
    function — strings under ``from __future__ import annotations`` —
    still resolve."""
    frame = sys._getframe(1)
    package = __name__.rpartition(".")[0]
    while frame is not None and frame.f_globals.get("__name__", "").startswith(package):
        frame = frame.f_back
    return dict(frame.f_locals) if frame is not None else {}


def _resolve(ann: Any, func: Callable[..., Any], localns: dict[str, Any]) -> Any:
    """``ann`` itself, or the object a string annotation names (evaluated
    in the method's module, then the registering caller's locals)."""
    if not isinstance(ann, str):
        return ann
    globalns = getattr(inspect.unwrap(func), "__globals__", {})
    try:
        return typing.get_type_hints(_Holder(ann), globalns, localns, include_extras=True)["x"]
    except Exception:
        try:
            return eval(ann, dict(globalns), localns)  # noqa: S307 - the program's own annotation
        except Exception:
            return ann  # left as is: decoding reports the unresolved name


class _Holder:
    """An object whose only annotation is ``x`` (for ``get_type_hints``)."""

    def __init__(self, ann: str) -> None:
        self.__annotations__ = {"x": ann}


def _hints(func: Callable[..., Any], localns: dict[str, Any]) -> tuple[Any, Any]:
    """(argument annotation, return annotation); ``None`` where absent.
    String annotations are resolved one by one, so one that names nothing
    known leaves the others usable."""
    try:
        hints = typing.get_type_hints(func, localns=localns, include_extras=True)
    except Exception:  # some name unresolvable: resolve each annotation alone
        raw = dict(getattr(inspect.unwrap(func), "__annotations__", {}) or {})
        hints = {k: _resolve(v, func, localns) for k, v in raw.items()}
    sig = inspect.signature(func)
    first = next(iter(sig.parameters.values()))
    arg = hints.get(first.name)
    ret = hints.get("return")
    return (None if arg is inspect.Parameter.empty else arg,
            None if ret is type(None) else ret)


def suitable_methods(rcvr: Any, localns: dict[str, Any] | None = None,
                     rejected: list[str] | None = None) -> dict[str, Method]:
    """The methods of ``rcvr`` that Go's rule exports, by name.  Why each
    other public callable was refused is appended to ``rejected`` (Go's
    texts), when given."""
    methods: dict[str, Method] = {}
    for name in dir(rcvr):
        if not _is_exported(name):
            continue
        try:
            func = getattr(rcvr, name)
        except Exception:
            continue
        if isinstance(func, type) or not callable(func):
            continue
        problem = _signature_problem(name, func)
        if problem is None:
            arg_type, reply_type = _hints(func, localns or {})
            problem = _type_problem(name, arg_type, reply_type)
        if problem is not None:
            if rejected is not None:
                rejected.append(problem)
            continue
        methods[name] = Method(name, func, arg_type, reply_type)
    return methods


def new_service(rcvr: Any, name: str | None) -> Service:
    """Build the service for ``rcvr``, named ``name`` or after its type.

    Raises :class:`RegistrationError` with Go's texts: no name, a type name
    that is not exported (only when named after the type), or no suitable
    methods (with Go's hint when ``rcvr`` is a class whose instances would
    have had some).
    """
    use_name = name is not None
    typ = rcvr if isinstance(rcvr, type) else type(rcvr)
    sname = name if use_name else getattr(typ, "__name__", "")
    if not sname:
        raise _refuse(f"rpc.Register: no service name for type {go_type_name(typ)}")
    if not use_name and not _is_exported(sname):
        raise _refuse(f"rpc.Register: type {sname} is not exported")
    rejected: list[str] = []
    methods = ({} if isinstance(rcvr, type) else
               suitable_methods(rcvr, _caller_namespace(), rejected))
    if not methods:
        hint = ""
        if isinstance(rcvr, type):
            try:
                instance_methods = suitable_methods(rcvr.__new__(rcvr))
            except Exception:
                instance_methods = {}
            if instance_methods:
                hint = " (hint: pass a pointer to value of that type)"
        for why in rejected:  # Go's suitableMethods(typ, true) messages
            log.error("%s", why)
        raise _refuse(
            f"rpc.Register: type {sname} has no exported methods of suitable type{hint}")
    return Service(sname, rcvr, methods)


def _refuse(text: str) -> RegistrationError:
    """The registration error, logged first as Go's ``log.Print`` does."""
    log.error("%s", text)
    return RegistrationError(text)
