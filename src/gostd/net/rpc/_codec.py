"""Request and response headers, and the codec protocols the server and
client are written against (Go's ``rpc.ServerCodec`` and ``rpc.ClientCodec``).

A codec carries one header and one body per request or response over some
byte stream.  The built-in codecs are gob (:mod:`._gobcodec`, Go's default)
and JSON-RPC (:mod:`gostd.net.rpc.jsonrpc`); any object with these methods
can be plugged into :meth:`Server.serve_codec` or :class:`Client`.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["ClientCodec", "Request", "Response", "ServerCodec"]


class Request:
    """The header of a call: ``service_method`` (``"Service.Method"``) and the
    client's sequence number ``seq`` (Go's ``rpc.Request``)."""

    __slots__ = ("service_method", "seq")

    def __init__(self, service_method: str = "", seq: int = 0) -> None:
        self.service_method = service_method
        self.seq = seq

    def __repr__(self) -> str:
        return f"Request(service_method={self.service_method!r}, seq={self.seq})"


class Response:
    """The header of a reply: echoes the request's ``service_method`` and
    ``seq``; ``error`` is the server's error text, ``""`` on success
    (Go's ``rpc.Response``)."""

    __slots__ = ("service_method", "seq", "error")

    def __init__(self, service_method: str = "", seq: int = 0, error: str = "") -> None:
        self.service_method = service_method
        self.seq = seq
        self.error = error

    def __repr__(self) -> str:
        return (f"Response(service_method={self.service_method!r}, seq={self.seq}, "
                f"error={self.error!r})")


class InvalidRequest:
    """The body sent with every error response: Go's ``invalidRequest``, an
    empty ``struct{}{}``, never the method's reply."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "struct{}{}"


INVALID_REQUEST = InvalidRequest()


@runtime_checkable
class ServerCodec(Protocol):
    """The server half of a codec.

    ``read_request_header`` raises :class:`EOFError` at a clean end of
    stream (the server then stops quietly); any other exception ends the
    connection without a reply, as in Go.  ``read_request_body`` is called
    once after every header: with ``discard=True`` it must consume and drop
    the body; otherwise it returns the body decoded as ``arg_type`` (``None``
    means "whatever the wire says"), and an exception there becomes the
    call's error text while the connection goes on.  The server serialises
    ``write_response`` calls; ``close`` may be called more than once.
    """

    def read_request_header(self) -> Request: ...

    def read_request_body(self, arg_type: Any = None, *, discard: bool = False) -> Any: ...

    def write_response(self, response: Response, body: Any, body_type: Any = None) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class ClientCodec(Protocol):
    """The client half of a codec.

    ``write_request`` is serialised by the client.  ``read_response_header``
    and ``read_response_body`` are called by one thread at a time (the
    client's reader, or a caller waiting for its own reply), a body read
    after every header: ``discard=True`` drops it, else it is decoded as
    ``reply_type`` (``None``: plain values).  An exception from
    ``read_response_header`` ends the connection and fails every pending
    call with it (:class:`EOFError` becomes ``unexpected EOF``).  A codec
    with a ``conn`` attribute that is a pollable :class:`Conn` lets callers
    read their own replies; any other codec gets a reader thread, as in Go.
    """

    def write_request(self, request: Request, body: Any) -> None: ...

    def read_response_header(self) -> Response: ...

    def read_response_body(self, reply_type: Any = None, *, discard: bool = False) -> Any: ...

    def close(self) -> None: ...
