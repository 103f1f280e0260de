"""``gostd rpc serve`` and ``gostd rpc call``: a small ``curl`` for net/rpc.

``gostd rpc serve [--http] [--codec gob|json] ADDRESS`` serves the article's
``Arith`` (registered as ``Arith`` and as ``math``) until SIGINT/SIGTERM.

``gostd rpc call [--http] [--codec gob|json] ADDRESS Service.Method JSON_ARGS``
calls any net/rpc server, Go or Python, and prints the reply as JSON.  With
gob the JSON arguments become gob values: an object whose keys all start
with an upper-case letter (Go's exported field names) becomes a struct with
those fields, any other object a ``map[string]T``; integers become Go
``int``, other numbers ``float64``, arrays slices.  Gob matches struct
fields by name, so ``{"A":7,"B":8}`` reaches a Go ``Args{A, B int}``.  JSON
cannot say ``int64``, ``uint8`` or ``float64``: when the server answers with
gob's type error (``gob: wrong type (uint8) for received field .Level``,
``gob: decoding into local type *float64, ...``) the method has not run, so
the call is resent with that field (or the whole argument) as the Go type
named, until it is accepted or nothing new is learned.  Replies print as
JSON: byte slices as base64 and times as RFC 3339, as Go's encoding/json
prints them.  A server error prints ``error: TEXT`` and exits with status 1.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime
import json
import re
import signal
import sys
import threading
from typing import Any

__all__ = ["add_parser", "gob_value"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``rpc`` command (with ``serve`` and ``call``) to ``subparsers``."""
    p = subparsers.add_parser("rpc", help="serve or call net/rpc (gob or JSON-RPC)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="rpc_command", required=True, metavar="SUBCOMMAND")

    serve = sub.add_parser("serve", help="serve the article's Arith service")
    serve.add_argument("--http", action="store_true", help="serve over HTTP (CONNECT)")
    serve.add_argument("--codec", choices=["gob", "json"], default="gob")
    serve.add_argument("address", metavar="ADDRESS", help="host:port, e.g. 127.0.0.1:1234")
    serve.set_defaults(func=_serve)

    call = sub.add_parser("call", help="call Service.Method and print the reply as JSON")
    call.add_argument("--http", action="store_true", help="dial over HTTP (CONNECT)")
    call.add_argument("--codec", choices=["gob", "json"], default="gob")
    call.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    call.add_argument("address", metavar="ADDRESS")
    call.add_argument("service_method", metavar="Service.Method")
    call.add_argument("args", metavar="JSON_ARGS")
    call.set_defaults(func=_call)
    return p


# -- serve -------------------------------------------------------------------


def _serve(ns: argparse.Namespace) -> int:
    from . import Server, listen
    from ._arith import Arith
    from .jsonrpc import ServerCodec as JSONServerCodec

    if ns.http and ns.codec == "json":
        print("gostd rpc serve: --http carries gob only (as Go's rpc.HandleHTTP)",
              file=sys.stderr)
        return 2
    server = Server()
    arith = Arith()
    server.register(arith)
    server.register_name("math", arith)
    try:
        listener = listen("tcp", ns.address)
    except (OSError, ValueError) as exc:
        print(f"gostd rpc serve: {exc}", file=sys.stderr)
        return 1
    host, port = listener.getsockname()[:2]
    transport = "HTTP" if ns.http else "TCP"
    print(f"serving Arith (also as math) with {ns.codec} over {transport} on {host}:{port}",
          flush=True)

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.close, kwargs={"timeout": 5}, daemon=True).start()

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ns.http:
            server.serve_http(listener)
        elif ns.codec == "json":
            server.accept(listener, JSONServerCodec)
        else:
            server.accept(listener)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        server.close(timeout=5)
        listener.close()
    return 0


# -- call ----------------------------------------------------------------------

_MAX_RETRIES = 16
"""Calls made at most: the first, then one per field type learned."""


def _python_name(key: str, i: int) -> str:
    return key if key.isidentifier() and not key.startswith("_") else f"f{i}"


def _go_basic() -> dict[str, Any]:
    from ...encoding import gob

    return {"int": int, "int8": gob.int8, "int16": gob.int16, "int32": gob.int32,
            "int64": gob.int64, "uint": gob.uint, "uint8": gob.uint8, "byte": gob.uint8,
            "uint16": gob.uint16, "uint32": gob.uint32, "uint64": gob.uint64,
            "uintptr": gob.uintptr, "float64": float, "float32": gob.float32,
            "string": str, "bool": bool}


def go_annotation(go_type: str) -> Any:
    """The annotation for a Go type string from an error text (``float64``,
    ``[]uint8`` is a slice of uint8 here, ``map[string]float32``, ``*int64``);
    None for types the command line cannot build (structs, interfaces)."""
    if go_type.startswith("*"):
        return go_annotation(go_type[1:])  # pointers are transparent in gob
    if go_type.startswith("[]"):
        elem = go_annotation(go_type[2:])
        return None if elem is None else list[elem]  # type: ignore[valid-type]
    if go_type.startswith("map["):
        depth = 0
        for i, c in enumerate(go_type):
            depth += (c == "[") - (c == "]")
            if c == "]" and depth == 0:
                key, elem = go_annotation(go_type[4:i]), go_annotation(go_type[i + 1:])
                if key is None or elem is None:
                    return None
                return dict[key, elem]  # type: ignore[valid-type]
        return None
    return _go_basic().get(go_type)


def _coerce(v: Any, ann: Any) -> Any:
    """``v`` (parsed JSON) as a value of annotation ``ann`` (from go_annotation)."""
    import typing

    origin = typing.get_origin(ann)
    if origin is list:
        (elem,) = typing.get_args(ann)
        if not isinstance(v, list):
            raise ValueError(f"want a JSON array for {ann}, got {v!r}")
        return [_coerce(x, elem) for x in v]
    if origin is dict:
        key, elem = typing.get_args(ann)
        if not isinstance(v, dict):
            raise ValueError(f"want a JSON object for {ann}, got {v!r}")
        return {_coerce(k if key is str else json.loads(k), key): _coerce(x, elem)
                for k, x in v.items()}
    if ann is bool or ann is str:
        if not isinstance(v, ann):
            raise ValueError(f"want a JSON {ann.__name__}, got {v!r}")
        return v
    if isinstance(ann, type) and issubclass(ann, float):
        return ann(v)
    if isinstance(ann, type) and issubclass(ann, int):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"want an integer, got {v!r}")
        return ann(v)
    raise ValueError(f"cannot build {ann}")


def gob_value(v: Any, fields: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """(value, annotation) of a parsed JSON value, for gob encoding.
    ``fields`` maps struct field names to the annotation to send them as
    (at any depth), learned from the server's type errors."""
    fields = fields or {}
    if isinstance(v, bool):
        return v, bool
    if isinstance(v, int):
        return v, int
    if isinstance(v, float):
        return v, float
    if isinstance(v, str):
        return v, str
    if v is None:
        raise ValueError("null has no gob value")
    if isinstance(v, list):
        pairs = [gob_value(x, fields) for x in v]
        types = {repr(t) for _, t in pairs}
        if len(types) == 1:
            return [x for x, _ in pairs], list[pairs[0][1]]  # type: ignore[index]
        from ...encoding import gob

        for x, _ in pairs:
            gob.register(type(x)) if dataclasses.is_dataclass(x) else None
        return [x for x, _ in pairs], list[Any]
    if isinstance(v, dict) and not all(k[:1].isupper() for k in v):
        pairs = {k: gob_value(x, fields) for k, x in v.items() if x is not None}
        types = {repr(t) for _, t in pairs.values()}
        elem = next(iter(pairs.values()))[1] if len(types) == 1 else Any
        return {k: x for k, (x, _) in pairs.items()}, dict[str, elem]  # type: ignore[valid-type]
    if isinstance(v, dict):
        specs, values = [], {}
        for i, (key, item) in enumerate(v.items()):
            if item is None:
                continue  # Go omits zero/nil fields anyway
            if key in fields:
                value, ann = _coerce(item, fields[key]), fields[key]
            else:
                value, ann = gob_value(item, fields)
            attr = _python_name(key, i)
            specs.append((attr, ann, dataclasses.field(default=None, metadata={"gob": key})))
            values[attr] = value
        cls = dataclasses.make_dataclass("Args", specs)
        cls.__gob_name__ = ""  # an unnamed struct: Go matches fields by name only
        return cls(**values), cls
    raise ValueError(f"unsupported JSON value {v!r}")


_WRONG_FIELD = re.compile(r"^gob: wrong type \((.+)\) for received field .*?\.?(\w+)$")
_WRONG_VALUE = re.compile(r"^gob: decoding into local type \*(.+), received remote type ")


def learn_type(error: str, fields: dict[str, Any]) -> tuple[str, Any] | None:
    """From a server's gob type error, the Go type it wanted: ``(field,
    annotation)`` for a struct field, ``("", annotation)`` for the whole
    argument; None if the text says nothing new that can be built."""
    m = _WRONG_FIELD.match(error)
    if m is not None:
        ann = go_annotation(m.group(1))
        if ann is not None and repr(fields.get(m.group(2))) != repr(ann):
            return m.group(2), ann
        return None
    m = _WRONG_VALUE.match(error)
    if m is not None:
        ann = go_annotation(m.group(1))
        if ann is not None and repr(fields.get("")) != repr(ann):
            return "", ann
    return None


def _to_json(v: Any) -> Any:
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, datetime.datetime):
        from .jsonrpc._json import format_time

        return format_time(v)  # as Go's encoding/json prints a time.Time
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {k: _to_json(x) for k, x in vars(v).items()}
    if isinstance(v, dict):
        return {str(k): _to_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_to_json(x) for x in v]
    if isinstance(v, complex):
        return [v.real, v.imag]
    return v


def _call(ns: argparse.Namespace) -> int:
    from . import RPCError, ServerError, dial, dial_http
    from . import jsonrpc

    try:
        parsed = json.loads(ns.args)
    except ValueError as exc:
        print(f"gostd rpc call: JSON_ARGS is not JSON: {exc}", file=sys.stderr)
        return 2
    try:
        if ns.codec == "json":
            if ns.http:
                print("gostd rpc call: --http carries gob only", file=sys.stderr)
                return 2
            client = jsonrpc.dial("tcp", ns.address)
            args = parsed
        else:
            client = dial_http("tcp", ns.address) if ns.http else dial("tcp", ns.address)
            args, _ = gob_value(parsed)
    except (OSError, ValueError, RPCError) as exc:
        print(f"gostd rpc call: {exc}", file=sys.stderr)
        return 1
    fields: dict[str, Any] = {}
    last = ""
    with client:
        for _ in range(_MAX_RETRIES):
            try:
                reply = client.call(ns.service_method, args, timeout=ns.timeout)
                break
            except ServerError as exc:
                last = str(exc)
                # JSON does not say int64 or uint8 or float64; a gob server's
                # type error does, and the method did not run: resend so.
                learned = learn_type(str(exc), fields) if ns.codec == "gob" else None
                if learned is None:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
                fields[learned[0]] = learned[1]
                try:
                    args = (_coerce(parsed, fields[""]) if "" in fields
                            else gob_value(parsed, fields)[0])
                except ValueError:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
            except (RPCError, OSError, TimeoutError) as exc:
                print(f"gostd rpc call: {exc}", file=sys.stderr)
                return 1
        else:
            print(f"error: {last}", file=sys.stderr)
            return 1
    print(json.dumps(_to_json(reply), ensure_ascii=False))
    return 0
