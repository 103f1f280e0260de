"""Go's ``net/rpc/jsonrpc``: the JSON-RPC 1.0 codec for :mod:`gostd.net.rpc`.

Requests are ``{"method":"Service.Method","params":[args],"id":seq}`` and
responses ``{"id":id,"result":reply,"error":null|"text"}``, one JSON value
each, exactly as Go writes them.  Values map to JSON with Go's
``encoding/json`` rules: dataclasses are objects keyed by their (exported,
upper-case) field names, matched case-insensitively when decoding.
"""

from __future__ import annotations

from typing import Any

from .. import Client, Server, default_server
from .._net import dial as _net_dial
from ._codec import ClientCodec, ServerCodec
from ._json import MarshalError, UnmarshalError, marshal, unmarshal

__all__ = ["ClientCodec", "MarshalError", "ServerCodec", "UnmarshalError", "accept", "dial",
           "marshal", "new_client", "new_client_codec", "new_server_codec", "serve_conn",
           "unmarshal"]


def new_client_codec(conn: Any) -> ClientCodec:
    """A JSON-RPC client codec on ``conn`` (Go's ``jsonrpc.NewClientCodec``)."""
    return ClientCodec(conn)


def new_server_codec(conn: Any) -> ServerCodec:
    """A JSON-RPC server codec on ``conn`` (Go's ``jsonrpc.NewServerCodec``)."""
    return ServerCodec(conn)


def new_client(conn: Any) -> Client:
    """A :class:`~gostd.net.rpc.Client` speaking JSON-RPC on ``conn``."""
    return Client(ClientCodec(conn))


def dial(network: str, address: str) -> Client:
    """Connect to a JSON-RPC server at ``address``; raises ``OSError`` on failure."""
    return new_client(_net_dial(network, address))


def serve_conn(conn: Any, server: Server | None = None) -> None:
    """Serve JSON-RPC on ``conn`` with ``server`` (default: the package's
    default server); blocks until the connection ends."""
    (server or default_server).serve_codec(ServerCodec(conn))


def accept(listener: Any, server: Server | None = None) -> None:
    """Serve JSON-RPC on every connection accepted from ``listener`` (Go's
    loop of ``Accept`` + ``go jsonrpc.ServeConn(conn)``), without a thread
    per idle connection.  Blocks until the listener or server is closed."""
    (server or default_server).accept(listener, ServerCodec)
