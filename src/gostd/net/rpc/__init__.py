"""Go's ``net/rpc``: call methods of objects across a connection,
wire-compatible with Go programs.

A server publishes the methods of registered objects; a client calls them
by ``"Service.Method"``::

    @dataclass
    class Args:
        A: int = 0
        B: int = 0

    class Arith:
        def Multiply(self, args: Args) -> int:
            return args.A * args.B

    rpc.register(Arith())
    rpc.handle_http()
    rpc.serve_http(rpc.listen("tcp", "127.0.0.1:1234"))        # blocks

    client = rpc.dial_http("tcp", "127.0.0.1:1234")
    client.call("Arith.Multiply", Args(7, 8))                   # 56

Methods are found by Go's rule, in Python form: public, name starting with
an upper-case letter, one argument, returning the reply; raising sends the
exception's text to the client as the error.  The argument and return
annotations are the types the values are decoded and encoded as (gob
markers such as ``gob.uint64`` included).  The default codec is gob
(:mod:`gostd.encoding.gob`); :mod:`gostd.net.rpc.jsonrpc` provides Go's
JSON-RPC codec.  Error texts are Go's.
"""

from typing import Any as _Any

from ._client import Call, Client
from ._codec import ClientCodec, Request, Response, ServerCodec
from ._errors import CallTimeout, ErrShutdown, RegistrationError, RPCError, ServerError
from ._http import ServeMux, default_serve_mux
from ._net import listen
from ._server import Server

__all__ = [
    "DEFAULT_DEBUG_PATH", "DEFAULT_RPC_PATH", "Call", "CallTimeout", "Client", "ClientCodec",
    "ErrShutdown", "RPCError", "RegistrationError", "Request", "Response", "ServeMux",
    "Server", "ServerCodec", "ServerError", "accept", "default_serve_mux", "default_server",
    "dial", "dial_http", "dial_http_path", "handle_http", "listen", "new_client",
    "new_client_with_codec", "new_server", "register", "register_name", "serve_codec",
    "serve_conn", "serve_http", "serve_request",
]

DEFAULT_RPC_PATH = "/_goRPC_"
DEFAULT_DEBUG_PATH = "/debug/rpc"

default_server = Server()
"""The server the module-level functions use (Go's ``rpc.DefaultServer``)."""


def new_server() -> Server:
    """A new, empty :class:`Server` (Go's ``rpc.NewServer``)."""
    return Server()


def register(rcvr: _Any) -> None:
    """Publish ``rcvr``'s methods on :data:`default_server` (see :meth:`Server.register`)."""
    default_server.register(rcvr)


def register_name(name: str, rcvr: _Any) -> None:
    """Publish ``rcvr``'s methods on :data:`default_server` under ``name``."""
    default_server.register_name(name, rcvr)


def accept(listener: _Any) -> None:
    """Serve every connection accepted on ``listener`` with :data:`default_server`;
    blocks until the listener is closed."""
    default_server.accept(listener)


def serve_conn(conn: _Any) -> None:
    """Serve one connection with :data:`default_server`; blocks until it ends."""
    default_server.serve_conn(conn)


def serve_codec(codec: ServerCodec) -> None:
    """Serve one codec with :data:`default_server`; blocks until it ends."""
    default_server.serve_codec(codec)


def serve_request(codec: ServerCodec) -> None:
    """Serve exactly one request of ``codec`` with :data:`default_server`."""
    default_server.serve_request(codec)


def handle_http(rpc_path: str = DEFAULT_RPC_PATH, debug_path: str = DEFAULT_DEBUG_PATH) -> None:
    """Route :data:`default_serve_mux`'s ``rpc_path`` and ``debug_path`` to
    :data:`default_server` (Go's ``rpc.HandleHTTP``)."""
    default_server.handle_http(rpc_path, debug_path)


def serve_http(listener_or_address: _Any, mux: ServeMux | None = None) -> None:
    """Serve HTTP with ``mux`` (default :data:`default_serve_mux`) on a
    listening socket, or on a new one for a ``"host:port"`` address — Go's
    ``http.Serve(l, nil)`` / ``http.ListenAndServe(addr, nil)``.  Blocks
    until the listener is closed or :data:`default_server` is closed."""
    from ._http import serve

    listener = listener_or_address
    owned = isinstance(listener, str)
    if owned:
        listener = listen("tcp", listener_or_address)
    try:
        serve(listener, mux or default_serve_mux, default_server)
    finally:
        if owned:
            listener.close()


def new_client(conn: _Any) -> Client:
    """A gob :class:`Client` on a connected socket or read/write/close object."""
    from ._gobcodec import GobClientCodec

    return Client(GobClientCodec(conn))


def new_client_with_codec(codec: ClientCodec) -> Client:
    """A :class:`Client` using ``codec`` (Go's ``rpc.NewClientWithCodec``)."""
    return Client(codec)


def dial(network: str, address: str) -> Client:
    """Connect to a gob RPC server at ``address`` (``"host:port"``);
    raises ``OSError`` if the connection fails."""
    from ._net import dial as net_dial

    return new_client(net_dial(network, address))


def dial_http(network: str, address: str, path: str = DEFAULT_RPC_PATH) -> Client:
    """Connect to an RPC server over HTTP (CONNECT ``path``, then gob).

    Raises :class:`RPCError` ``dial-http tcp ADDR: unexpected HTTP response:
    STATUS`` when the server does not answer ``200 Connected to Go RPC``.
    """
    from ._http import dial_http_conn

    return new_client(dial_http_conn(network, address, path))


dial_http_path = dial_http
