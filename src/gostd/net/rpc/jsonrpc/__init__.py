"""Go's ``net/rpc/jsonrpc``: the JSON-RPC 1.0 codec for :mod:`gostd.net.rpc`.

Requests are ``{"method":"Service.Method","params":[args],"id":seq}`` and
responses ``{"id":id,"result":reply,"error":null|"text"}``, one JSON value
each, exactly as Go writes them.  Values map to JSON with Go's
``encoding/json`` rules: dataclasses are objects keyed by their (exported,
upper-case) field names, matched case-insensitively when decoding; unknown
keys are ignored, ``null`` leaves a field as it is.

Go struct tags: a field's ``json`` metadata is its tag, so a Go type

    type Contact struct {
        FullName string    `json:"full_name"`
        Email    string    `json:"email,omitempty"`
        Secret   string    `json:"-"`
        Since    time.Time `json:"since"`
    }

is, in Python::

    @dataclass
    class Contact:
        FullName: str = field(default="", metadata={"json": "full_name"})
        Email: str = field(default="", metadata={"json": "email,omitempty"})
        Secret: str = field(default="", metadata={"json": "-"})
        Since: datetime = field(default=ZERO_TIME, metadata={"json": "since"})

A tagged field is sent under its tag name even if its Python name is lower
case; untagged lower-case fields are unexported and never sent.  The
``,string`` option (``metadata={"json": "id,string"}``) carries a bool,
number or string inside a JSON string, as in Go.

Embedded structs: Go's ``type Shape struct { Meta; Name string }`` sends
Meta's fields as Shape's own.  Write the field after its type, as gob names
it, and mark it embedded (a named field ``Meta Meta`` looks the same in
Python, so this is never guessed)::

    @dataclass
    class Shape:
        Meta: Meta = field(default_factory=Meta, metadata={"embedded": True})
        Name: str = ""

Go's rules apply: promoted fields take the embedded field's place, the
shallower of two same-named fields wins (a tie drops both), and decoding
allocates an ``Optional`` embedded struct that was ``None``.

(For gob, ``metadata={"gob": "WireName"}`` renames a field as a json tag
does.) Other mappings: ``bytes`` is base64; ``datetime`` is Go's
``time.Time`` text (RFC 3339 with nanoseconds, naive = UTC);
``Optional[T]`` is a pointer (``null`` is ``None``); sized integers
(``gob.uint8``...) are range-checked with Go's error text. Beyond Go: a
reply the server cannot encode (NaN, an unsupported type) is answered with
the encode error instead of never.
"""

from typing import Any as _Any

from .. import Client as _Client, Server as _Server, default_server as _default_server
from .._net import dial as _net_dial
from ._codec import ClientCodec, ServerCodec
from ._json import MarshalError, UnmarshalError, marshal, unmarshal

__all__ = ["ClientCodec", "MarshalError", "ServerCodec", "UnmarshalError", "accept", "dial",
           "marshal", "new_client", "new_client_codec", "new_server_codec", "serve_conn",
           "unmarshal"]


def new_client_codec(conn: _Any) -> ClientCodec:
    """A JSON-RPC client codec on ``conn`` (Go's ``jsonrpc.NewClientCodec``)."""
    return ClientCodec(conn)


def new_server_codec(conn: _Any) -> ServerCodec:
    """A JSON-RPC server codec on ``conn`` (Go's ``jsonrpc.NewServerCodec``)."""
    return ServerCodec(conn)


def new_client(conn: _Any) -> _Client:
    """A :class:`~gostd.net.rpc.Client` speaking JSON-RPC on ``conn``."""
    return _Client(ClientCodec(conn))


def dial(network: str, address: str) -> _Client:
    """Connect to a JSON-RPC server at ``address``; raises ``OSError`` on failure."""
    return new_client(_net_dial(network, address))


def serve_conn(conn: _Any, server: _Server | None = None) -> None:
    """Serve JSON-RPC on ``conn`` with ``server`` (default: the package's
    default server); blocks until the connection ends."""
    (server or _default_server).serve_codec(ServerCodec(conn))


def accept(listener: _Any, server: _Server | None = None) -> None:
    """Serve JSON-RPC on every connection accepted from ``listener`` (Go's
    loop of ``Accept`` + ``go jsonrpc.ServeConn(conn)``), without a thread
    per idle connection.  Blocks until the listener or server is closed."""
    (server or _default_server).accept(listener, ServerCodec)
