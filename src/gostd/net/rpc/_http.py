"""net/rpc over HTTP: the CONNECT handshake and the /debug/rpc page.

A deliberately small HTTP/1.x server: it reads one request head (bounded
in size and time), answers it and closes the connection — except a CONNECT
to the RPC path, which is answered with Go's exact bytes
``HTTP/1.0 200 Connected to Go RPC\\n\\n`` and then carries the gob protocol
on the same socket.  Other methods on the RPC path get Go's 405, unknown
paths Go's 404.
"""

from __future__ import annotations

import email.utils
import html
import logging
import socket
import threading
from typing import TYPE_CHECKING, Any, Callable

from ..._panic import Panic
from ._conn import Conn
from ._errors import RPCError
from ._net import dial, nodelay, readable
from ._pool import start_thread

if TYPE_CHECKING:
    from ._server import Server

__all__ = ["CONNECTED", "ServeMux", "default_serve_mux", "dial_http_conn", "serve"]

log = logging.getLogger("gostd.net.rpc")

CONNECTED = "200 Connected to Go RPC"
MAX_HEAD = 1 << 20       # Go's DefaultMaxHeaderBytes
HEAD_TIMEOUT = 30.0      # seconds to receive a request head


class HTTPRequest:
    __slots__ = ("method", "path", "version", "headers")

    def __init__(self, method: str, path: str, version: str, headers: dict[str, str]) -> None:
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers


Handler = Callable[[Conn, HTTPRequest], bool]


class ServeMux:
    """Exact-path routing of HTTP requests (the part of Go's ``ServeMux``
    that net/rpc uses).  A handler returns True when it took the connection
    over (CONNECT) and the HTTP server must not close it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Handler] = {}

    def handle(self, path: str, handler: Handler) -> None:
        """Route ``path``; raises :class:`gostd.Panic` (Go's ``http:
        multiple registrations for PATH``) if it is already routed."""
        if not path:
            raise Panic("http: invalid pattern")
        with self._lock:
            if path in self._routes:
                raise Panic(f"http: multiple registrations for {path}")
            self._routes[path] = handler

    def handler(self, path: str) -> Handler | None:
        with self._lock:
            return self._routes.get(path)


default_serve_mux = ServeMux()


def _date() -> str:
    return email.utils.formatdate(usegmt=True)


def write_response(conn: Conn, version: str, status: str, headers: list[tuple[str, str]],
                   body: bytes) -> None:
    proto = "HTTP/1.0" if version == "HTTP/1.0" else "HTTP/1.1"
    lines = [f"{proto} {status}"] + [f"{k}: {v}" for k, v in headers]
    if proto == "HTTP/1.1":
        lines.append("Connection: close")
    conn.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def not_found(conn: Conn, req: HTTPRequest) -> bool:
    body = b"404 page not found\n"
    write_response(conn, req.version, "404 Not Found",
                   [("Content-Type", "text/plain; charset=utf-8"),
                    ("X-Content-Type-Options", "nosniff"), ("Date", _date()),
                    ("Content-Length", str(len(body)))], body)
    return False


class ConnectHandler:
    """The RPC path: CONNECT switches the connection to the gob protocol."""

    def __init__(self, server: "Server") -> None:
        self.server = server

    def __call__(self, conn: Conn, req: HTTPRequest) -> bool:
        if req.method != "CONNECT":
            body = b"405 must CONNECT\n"
            write_response(conn, req.version, "405 Method Not Allowed",
                           [("Content-Type", "text/plain; charset=utf-8"), ("Date", _date()),
                            ("Content-Length", str(len(body)))], body)
            return False
        conn.write(b"HTTP/1.0 " + CONNECTED.encode() + b"\n\n")
        from ._gobcodec import GobServerCodec

        # Bytes the client sent after the head stay in ``conn``'s buffer.
        self.server._serve_codec_background(GobServerCodec(conn), conn)
        return True


def debug_page(server: "Server") -> str:
    """Go's /debug/rpc page, rendered from the template in debug.go."""
    out = ["<html>\n\t<body>\n\t<title>Services</title>\n\t"]
    for svc in server.services():
        out.append(f"\n\t<hr>\n\tService {html.escape(svc.name, quote=True)}\n\t<hr>\n\t\t<table>"
                   "\n\t\t<th align=center>Method</th><th align=center>Calls</th>\n\t\t")
        for name in sorted(svc.methods):
            m = svc.methods[name]
            sig = html.escape(m.go_signature(), quote=True).replace("&#x27;", "&#39;") \
                .replace("&quot;", "&#34;")
            out.append(f"\n\t\t\t<tr>\n\t\t\t<td align=left font=fixed>{sig}</td>"
                       f"\n\t\t\t<td align=center>{m.num_calls}</td>\n\t\t\t</tr>\n\t\t")
        out.append("\n\t\t</table>\n\t")
    out.append("\n\t</body>\n\t</html>")
    return "".join(out)


class DebugHandler:
    """The debug path: services, methods and call counts as HTML."""

    def __init__(self, server: "Server") -> None:
        self.server = server

    def __call__(self, conn: Conn, req: HTTPRequest) -> bool:
        body = debug_page(self.server).encode("utf-8")
        write_response(conn, req.version, "200 OK",
                       [("Date", _date()), ("Content-Length", str(len(body))),
                        ("Content-Type", "text/html; charset=utf-8")],
                       b"" if req.method == "HEAD" else body)
        return False


def read_head(conn: Conn) -> HTTPRequest | None:
    """Parse one request head; None if the client went away first.
    Raises :class:`ValueError` for a malformed or oversized head."""
    lines: list[str] = []
    size = 0
    while True:
        line = conn.readline(MAX_HEAD)
        if not line:
            if not lines:
                return None
            raise ValueError("unexpected EOF in request head")
        size += len(line)
        if size > MAX_HEAD:
            raise ValueError("request head too large")
        if not line.endswith(b"\n"):
            raise ValueError("request head too large")
        text = line.rstrip(b"\r\n").decode("latin-1")
        if not text:
            if not lines:
                continue  # Go tolerates leading blank lines
            break
        lines.append(text)
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError(f"malformed HTTP request {lines[0]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if not sep or not key or key != key.strip():
            raise ValueError(f"malformed MIME header line: {line}")
        headers[key.strip().lower()] = value.strip()
    path = target.split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
    return HTTPRequest(method, path, version, headers)


def handle_http_conn(sock: socket.socket, mux: ServeMux) -> None:
    """Answer one HTTP request on ``sock`` (or hand it over after CONNECT)."""
    conn = Conn(sock)
    keep = False
    try:
        sock.settimeout(HEAD_TIMEOUT)
        try:
            req = read_head(conn)
        except (ValueError, OSError) as exc:
            if isinstance(exc, ValueError):
                body = b"400 Bad Request"
                conn.write(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                           b"charset=utf-8\r\nConnection: close\r\n\r\n" + body)
            return
        if req is None:
            return
        sock.settimeout(None)
        handler = mux.handler(req.path) or not_found
        keep = handler(conn, req)
    except OSError:
        pass
    finally:
        if not keep:
            conn.close()


class _HTTPWaiter:
    """Poller callback: the request head started to arrive on ``sock``."""

    __slots__ = ("sock", "mux", "poller")

    def __init__(self, sock: socket.socket, mux: ServeMux, poller: Any) -> None:
        self.sock, self.mux, self.poller = sock, mux, poller

    def __call__(self) -> None:
        self.poller.remove(self.sock.fileno(), self)  # before any close or CONNECT hand-over
        handle_http_conn(self.sock, self.mux)


def serve(listener: Any, mux: ServeMux, server: "Server | None" = None) -> None:
    """Accept HTTP connections on ``listener`` until it (or ``server``) closes;
    each is answered on a worker thread."""
    if server is not None:
        with server._lock:
            server._listeners.add(listener)
    pool = server._pool if server is not None else None
    try:
        while server is None or not server._closing:
            try:
                if not readable(listener, 0.25):
                    continue
            except (OSError, ValueError):
                return
            try:
                sock, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                log.info("http: accept: %s", exc)
                return
            sock.setblocking(True)
            nodelay(sock)
            poller = server._get_poller() if server is not None else None
            if poller is not None:
                # No thread waits for the request head: the poller wakes one.
                poller.add(sock.fileno(), _HTTPWaiter(sock, mux, poller))
            elif pool is not None:
                pool.submit(handle_http_conn, sock, mux)
            else:
                start_thread(handle_http_conn, sock, mux, name="rpc-http")
    finally:
        if server is not None:
            with server._lock:
                server._listeners.discard(listener)


def dial_http_conn(network: str, address: str, path: str) -> Conn:
    """Connect and do the CONNECT handshake; the returned :class:`Conn` is
    positioned at the first byte of the gob stream.  Raises
    :class:`RPCError` ``dial-http NET ADDR: unexpected HTTP response: STATUS``."""
    sock = dial(network, address)
    conn = Conn(sock)
    try:
        conn.write(f"CONNECT {path} HTTP/1.0\n\n".encode("latin-1"))
        status_line = conn.readline(MAX_HEAD)
        if not status_line.endswith(b"\n"):
            raise RPCError(f"dial-http {network} {address}: unexpected EOF")
        parts = status_line.rstrip(b"\r\n").decode("latin-1").split(" ", 1)
        if len(parts) != 2 or not parts[0].startswith("HTTP/"):
            raise RPCError(f"dial-http {network} {address}: malformed HTTP response "
                           f"{status_line.decode('latin-1').strip()!r}")
        status = parts[1]
        while True:  # the rest of the head, up to the blank line
            line = conn.readline(MAX_HEAD)
            if not line.endswith(b"\n"):
                raise RPCError(f"dial-http {network} {address}: unexpected EOF")
            if line in (b"\n", b"\r\n"):
                break
        if status != CONNECTED:
            raise RPCError(f"dial-http {network} {address}: unexpected HTTP response: {status}")
    except BaseException:
        conn.close()
        raise
    return conn
