"""The JSON-RPC 1.0 codecs of Go's ``net/rpc/jsonrpc``.

Client request: ``{"method":"S.M","params":[<args>],"id":<seq>}\\n``.
Server response: ``{"id":<echoed id>,"result":<reply>,"error":null}\\n`` or
``{"id":...,"result":null,"error":"<text>"}\\n`` — keys always present, in
this order.  The server numbers requests 1, 2, 3... internally and echoes
each request's raw id (any JSON value; missing means ``null``).
"""

from __future__ import annotations

import threading
from typing import Any

from .._codec import InvalidRequest, Request, Response
from .._conn import Conn, as_conn
from .._errors import RPCError
from ._json import RawMessage, UnmarshalError, _quote, marshal, unmarshal, zero_value
from ._stream import JSONStreamError, ValueReader, compact, loads_keep_floats, raw_member

__all__ = ["ClientCodec", "ServerCodec", "go_format"]

_MISSING_PARAMS = "jsonrpc: request body missing params"


def _get(obj: dict[str, Any], key: str) -> tuple[bool, Any]:
    """Go's field lookup: exact key first, then case-insensitive (last one wins
    among several case variants, as later keys overwrite earlier ones)."""
    found, value = False, None
    for k, v in obj.items():
        if k == key or k.casefold() == key:
            found, value = True, v
    return found, value


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def go_format(v: Any) -> str:
    """Go's ``%v`` of a decoded ``interface{}`` value (for ``invalid error %v``)."""
    if v is None:
        return "<nil>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        from ._json import format_float

        f = float(v)
        if f == int(f) and abs(f) < 1e21:
            return str(int(f))
        return format_float(f).replace("e-0", "e-").replace("e+0", "e+")
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + " ".join(go_format(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_format(v[k])}" for k in sorted(v)) + "]"
    return str(v)


class ServerCodec:
    """Go's ``jsonrpc.NewServerCodec``: serves JSON-RPC over ``conn``."""

    def __init__(self, conn: Any) -> None:
        self._conn: Conn = as_conn(conn)
        self._reader = ValueReader(self._conn)
        self._lock = threading.Lock()  # guards _seq and _pending
        self._seq = 0
        self._pending: dict[int, Any] = {}
        self._params: Any = None
        self._last_text = ""

    @property
    def conn(self) -> Conn:
        return self._conn

    def has_buffered(self) -> bool:
        return self._reader.buffered

    def read_request_header(self) -> Request:
        self._last_text = text = self._reader.read_text()
        try:
            value = loads_keep_floats(text)
        except (ValueError, RecursionError) as exc:
            raise JSONStreamError(f"invalid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise UnmarshalError(f"json: cannot unmarshal {_kind(value)} into Go value "
                                 "of type jsonrpc.serverRequest")
        _, method = _get(value, "method")
        if method is None:
            method = ""
        elif not isinstance(method, str):
            raise UnmarshalError(f"json: cannot unmarshal {_kind(method)} into Go struct "
                                 "field serverRequest.method of type string")
        _, self._params = _get(value, "params")
        _, req_id = _get(value, "id")
        if req_id is not None and req_id.__class__ not in (bool, int):
            # Go echoes the id's raw bytes (compacted): keep its exact text.
            raw = raw_member(self._last_text, "id")
            if raw is not None:
                req_id = RawMessage(compact(raw))
        with self._lock:
            self._seq += 1
            seq = self._seq
            self._pending[seq] = req_id
        return Request(method, seq)

    def read_request_body(self, arg_type: Any = None, *, discard: bool = False) -> Any:
        params, self._params = self._params, None
        if discard:
            return None
        if params is None:
            raise RPCError(_MISSING_PARAMS)
        if not isinstance(params, list):
            raise UnmarshalError(f"json: cannot unmarshal {_kind(params)} into Go value of "
                                 "type [1]interface {}")
        if not params:
            return zero_value(arg_type)
        return unmarshal(params[0], arg_type, parsed=True)

    def write_response(self, response: Response, body: Any, body_type: Any = None) -> None:
        with self._lock:
            if response.seq not in self._pending:
                raise RPCError("invalid sequence number in response")
            req_id = self._pending.pop(response.seq)
        error = response.error
        if not error:
            try:
                # A method that returned nothing, unannotated, replies Go's
                # struct{}{} (the gob codec's empty struct): ``{}``.
                result = "{}" if isinstance(body, InvalidRequest) else marshal(body, body_type)
            except (ValueError, TypeError, RecursionError) as exc:
                # Beyond Go (whose server logs this and never answers, so its
                # client waits forever): the call fails with the encode error.
                error = str(exc) or type(exc).__name__
        if error:
            text = f'{{"id":{marshal(req_id)},"result":null,"error":{_quote(error)}}}\n'
        else:
            text = f'{{"id":{marshal(req_id)},"result":{result},"error":null}}\n'
        self._conn.write(text.encode("utf-8"))

    def close(self) -> None:
        self._conn.close()


class ClientCodec:
    """Go's ``jsonrpc.NewClientCodec``: calls JSON-RPC servers over ``conn``."""

    def __init__(self, conn: Any) -> None:
        self._conn: Conn = as_conn(conn)
        self._reader = ValueReader(self._conn)
        self._lock = threading.Lock()  # guards _pending
        self._pending: dict[int, str] = {}
        self._result: Any = None

    @property
    def conn(self) -> Conn:
        return self._conn

    def has_buffered(self) -> bool:
        """Whether part of a reply is already buffered (not only whitespace)."""
        return self._reader.buffered

    def write_request(self, request: Request, body: Any) -> None:
        text = (f'{{"method":{_quote(request.service_method)},"params":[{marshal(body)}],'
                f'"id":{request.seq}}}\n').encode("utf-8")
        with self._lock:
            self._pending[request.seq] = request.service_method
        self._conn.write(text)

    def read_response_header(self) -> Response:
        value = self._reader.read_value()
        if not isinstance(value, dict):
            raise UnmarshalError(f"json: cannot unmarshal {_kind(value)} into Go value "
                                 "of type jsonrpc.clientResponse")
        _, rid = _get(value, "id")
        if rid is None:
            rid = 0
        elif isinstance(rid, bool) or not isinstance(rid, (int, float)):
            raise UnmarshalError(f"json: cannot unmarshal {_kind(rid)} into Go struct field "
                                 "clientResponse.id of type uint64")
        elif isinstance(rid, float) or rid < 0 or rid >= 1 << 64:
            text = getattr(rid, "text", None) or str(rid)  # the number as sent
            raise UnmarshalError(f"json: cannot unmarshal number {text} into Go "
                                 "struct field clientResponse.id of type uint64")
        _, result = _get(value, "result")
        _, error = _get(value, "error")
        with self._lock:
            method = self._pending.pop(rid, "")
        response = Response(method, rid)
        if error is not None or result is None:
            if not isinstance(error, str):
                raise RPCError(f"invalid error {go_format(error)}")
            response.error = error or "unspecified error"
        self._result = result
        return response

    def read_response_body(self, reply_type: Any = None, *, discard: bool = False) -> Any:
        result, self._result = self._result, None
        if discard:
            return None
        return unmarshal(result, reply_type, parsed=True)

    def close(self) -> None:
        self._conn.close()
