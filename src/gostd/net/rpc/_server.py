"""The server: Go's ``rpc.Server``.

A connection is read by at most one thread at a time; every valid request
is then called on a worker (Go's goroutine per call), and replies are
written whole under the connection's send lock, in completion order.  A
connection ends when its request stream ends or is malformed: the calls
already started finish and are answered, then the connection is closed
(Go's ``wg.Wait(); codec.Close()``).  Connections accepted by the server
itself are watched by a poller, so an idle connection holds no thread.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import typing
from typing import Any, Callable

from ._codec import INVALID_REQUEST, Response, ServerCodec
from ._errors import RegistrationError
from ._net import nodelay, readable
from ._poller import Poller, new_poller
from ._pool import Pool, start_thread
from ._service import Method, Service, new_service
from ._spin import Spin

__all__ = ["Server"]

log = logging.getLogger("gostd.net.rpc")

CodecFactory = Callable[[Any], ServerCodec]

LINGER = 0.002
"""Seconds a reader waits on a sequential client's connection for its next
request before handing the connection back to the poller."""

MAX_LINGERING = 16
"""Readers that may linger at once per server (each holds a thread)."""


def gob_codec(conn: Any) -> ServerCodec:
    from ._gobcodec import GobServerCodec

    return GobServerCodec(conn)


def error_text(exc: BaseException) -> str:
    """The error string sent for ``exc`` (Go's ``err.Error()``): the message
    it was raised with, verbatim — ``KeyError("no item")`` sends ``no item``,
    not ``str()``'s quoted ``'no item'`` — else ``str(exc)``; an exception
    without any text sends its type name, so a failure never reads as success."""
    args = exc.args
    if len(args) == 1 and isinstance(args[0], str) and type(exc).__str__ is KeyError.__str__:
        text = args[0]
    else:
        text = str(exc)
    return text or type(exc).__name__


def _reply_for(method: Method, reply: Any) -> Any:
    """The value sent when a method returned ``None``: Go always sends its
    reply variable, so the zero value of the return annotation — an empty
    list or dict for a slice or map, which Go's server allocates before the
    call — else, without an annotation, ``struct{}{}``."""
    tp = method.reply_type
    if tp is not None:
        from ._types import strip_annotations
        from .jsonrpc._json import zero_value

        zero = zero_value(tp)
        if zero is not None:
            return zero
        origin = typing.get_origin(strip_annotations(tp))
        if origin in (list, typing.List, typing.Sequence):
            return []
        if origin in (dict, typing.Dict, typing.Mapping):
            return {}
    return INVALID_REQUEST


class _Conn:
    """One served connection: its codec, send lock and in-flight calls.

    Invariant: the codec is closed exactly once, after reading has stopped
    and ``inflight`` has dropped to zero.
    """

    __slots__ = ("server", "codec", "fd", "send_lock", "lock", "inflight",
                 "reading", "reading_done", "closed", "finished", "owner", "inline_since",
                 "idle_since", "chatty", "spin")

    def __init__(self, server: "Server", codec: ServerCodec, fd: int | None) -> None:
        self.server = server
        self.codec = codec
        self.fd = fd                    # set when the poller watches this connection
        self.send_lock = threading.Lock()
        self.lock = threading.Lock()    # guards the counters and flags below
        self.inflight = 0
        self.reading = False            # a thread owns reading (inside on_ready)
        self.owner = 0                  # bumped whenever reading changes hands
        self.inline_since = 0.0         # start of the inline call, 0 if none
        self.reading_done = False
        self.closed = False
        self.finished = threading.Event()
        # Lingering (see _linger): when the reader last ran out of requests
        # (its replies sent), and whether the client looks sequential: its
        # next request came within LINGER seconds of that.
        self.idle_since = 0.0
        self.chatty = False
        self.spin = Spin()              # used by the reading thread only

    def _has_buffered(self) -> bool:
        probe = getattr(self.codec, "has_buffered", None)
        return bool(probe()) if probe is not None else False

    # -- reading, poller mode -------------------------------------------
    #
    # The thread that reads a request also runs it ("inline"), so a burst of
    # pipelined requests costs no thread hand-offs, and its replies leave
    # together (the connection is corked while requests are still
    # buffered).  A call that runs longer than the watchdog's grace period
    # loses the connection to a fresh reader, so it never holds up the
    # calls behind it: Go's goroutine per call, paid for only when needed.
    # When a sequential client's connection runs dry, the reader lingers a
    # moment for the next request instead of going back to the poller
    # (_linger), so a round trip costs no hand-off at all, and it spins
    # first (_spin), so it usually costs no wake-up either.

    def on_ready(self) -> None:
        """Read and run every request already received, then re-arm."""
        try:
            self._on_ready()
        except Exception:  # a bug must not leave the connection unread forever
            log.exception("rpc: serving connection")
            self.force_close()

    def _on_ready(self) -> None:
        server = self.server
        with self.lock:
            if self.reading_done or self.reading:
                return
            self.reading = True
            self.owner += 1
            token = self.owner
        self.chatty = time.monotonic() - self.idle_since < LINGER
        raw = getattr(self.codec, "conn", None)
        if raw is not None:
            raw.cork()
        while True:
            item = server._read_request(self.codec)
            if item is None:
                if self._release(token):
                    self._uncork(raw)
                self.stop_reading()
                return
            method, req, argv, err = item
            if err is not None:
                self.send_response(req, INVALID_REQUEST, None, err)
            else:
                with self.lock:
                    self.inflight += 1
                    self.inline_since = time.monotonic()
                server._watch(self)
                self.run_call(method, req, argv)
                with self.lock:
                    stolen = self.owner != token
                    self.inline_since = 0.0
                if stolen:
                    return  # the watchdog gave the connection to another reader
            if server._closing:
                break
            if not self._has_buffered():
                self.idle_since = time.monotonic()
                if not self._linger(raw):
                    break
        if not self._release(token):
            return
        self._uncork(raw)
        if server._closing:
            self.stop_reading()
            return
        try:
            server._poller.rearm(self.fd, self.on_ready)  # type: ignore[union-attr]
        except (OSError, ValueError):
            self.stop_reading()

    def _linger(self, raw: Any) -> bool:
        """Send the replies held back, then wait up to LINGER seconds for the
        next request; True if it came (the caller reads it, no hand-off).

        Only a chatty connection lingers, and at most MAX_LINGERING per
        server at once, so a connection used now and then costs no thread
        while idle, as without lingering.  A wait that comes to nothing
        marks the connection quiet until a request again follows a reply
        within LINGER.
        """
        if not self.chatty or raw is None or not raw.pollable:
            return False
        server = self.server
        with server._lock:
            if server._lingering >= MAX_LINGERING:
                return False
            server._lingering += 1
        try:
            raw.flush()
            self.chatty = self.spin.wait(raw) or raw.wait_readable(LINGER)
        except OSError:
            self.chatty = False
        finally:
            with server._lock:
                server._lingering -= 1
        return self.chatty and not server._closing

    def _release(self, token: int) -> bool:
        """Give up reading; False if the watchdog already took it away."""
        with self.lock:
            if self.owner != token:
                return False
            self.reading = False
            self.owner += 1
            return True

    def _uncork(self, raw: Any) -> None:
        if raw is not None:
            try:
                raw.uncork()
            except OSError:
                pass

    def steal(self) -> None:
        """Watchdog: the inline call is slow; let another thread read on."""
        with self.lock:
            if not self.reading or self.inline_since == 0.0 or self.reading_done:
                return
            self.reading = False
            self.owner += 1
            self.inline_since = 0.0
        raw = getattr(self.codec, "conn", None)
        self._uncork(raw)
        if self.server._closing:
            self.stop_reading()
        elif self._has_buffered():
            self.server._pool.submit(self.on_ready)
        else:
            try:
                self.server._poller.rearm(self.fd, self.on_ready)  # type: ignore[union-attr]
            except (OSError, ValueError, AttributeError):
                self.stop_reading()

    # -- reading, thread mode ---------------------------------------------

    def run_blocking(self) -> None:
        """Serve until the request stream ends, then wait for the calls."""
        server = self.server
        while not server._closing:
            item = server._read_request(self.codec)
            if item is None:
                break
            method, req, argv, err = item
            if err is not None:
                self.send_response(req, INVALID_REQUEST, None, err)
                continue
            with self.lock:
                self.inflight += 1
            server._pool.submit(self.run_call, method, req, argv)
        self.stop_reading()
        self.finished.wait()

    # -- calls and replies --------------------------------------------------

    def run_call(self, method: Method, req: Any, argv: Any) -> None:
        try:
            method.count_call()
            try:
                reply = method.func(argv)
                err = ""
                if reply is None:
                    reply = _reply_for(method, reply)
            except BaseException as exc:  # noqa: B036 - even SystemExit is answered
                # Go would crash on a panic; here the caller always gets an
                # answer, and an exception that is not an Exception is logged.
                if not isinstance(exc, Exception):
                    log.error("rpc: %s raised %r", method.name, exc)
                reply = None
                err = error_text(exc)
            self.send_response(req, reply, method.reply_type, err)
        finally:
            with self.lock:
                self.inflight -= 1
                close = self.inflight == 0 and self.reading_done
            if close:
                self._close()

    def send_response(self, req: Any, reply: Any, reply_type: Any, err: str) -> None:
        response = Response(req.service_method, req.seq, err)
        if err:
            reply, reply_type = INVALID_REQUEST, None
        with self.send_lock:
            if self.closed:
                return
            try:
                self.codec.write_response(response, reply, reply_type)
            except Exception as exc:  # the peer is gone or the reply cannot be encoded
                log.debug("rpc: writing response: %s", exc)

    # -- ending ---------------------------------------------------------------

    def stop_reading(self) -> None:
        with self.lock:
            if self.reading_done:
                return
            self.reading_done = True
            close = self.inflight == 0
        self._unwatch()
        if close:
            self._close()

    def _close(self) -> None:
        with self.send_lock:
            if self.closed:
                return
            self.closed = True
        self._unwatch()
        try:
            self.codec.close()
        except Exception:
            pass
        self.server._forget(self)
        self.finished.set()

    def _unwatch(self) -> None:
        poller = self.server._poller
        if self.fd is not None and poller is not None:
            poller.remove(self.fd, self.on_ready)

    def force_close(self) -> None:
        with self.lock:
            self.reading_done = True
        self._close()


class _Watchdog:
    """Hands a connection to a new reader when its inline call runs longer
    than ``GRACE`` seconds.  It ticks every ``GRACE`` only while some
    connection ran an inline call within the last ``LINGER`` seconds, so a
    busy connection costs no wake-up per call and an idle server none at all."""

    GRACE = 0.002
    LINGER = 0.2

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watched: dict[_Conn, float] = {}   # conn -> last time seen busy
        self._closed = False
        start_thread(self._loop, name="rpc-watchdog")

    def watch(self, conn: _Conn) -> None:
        if conn in self._watched:
            return
        with self._cond:
            self._watched[conn] = time.monotonic()
            self._cond.notify()

    def _loop(self) -> None:
        grace, linger = self.GRACE, self.LINGER
        while True:
            with self._cond:
                while not self._watched and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                watched = list(self._watched.items())
            time.sleep(grace)
            now = time.monotonic()
            for conn, seen in watched:
                since = conn.inline_since
                if since == 0.0:
                    if now - seen > linger:
                        with self._cond:
                            if conn.inline_since == 0.0 and self._watched.get(conn) == seen:
                                del self._watched[conn]
                    continue
                self._watched[conn] = now
                if now - since >= grace:
                    conn.steal()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()


class Server:
    """An RPC server (Go's ``rpc.Server``): a set of named services.

    Serve connections with :meth:`accept` (a listener), :meth:`serve_conn`
    (one connection, blocking), :meth:`serve_codec`/:meth:`serve_request`
    (any :class:`ServerCodec`) or over HTTP with :meth:`handle_http` and
    :meth:`serve_http`.  :meth:`close` stops serving gracefully.
    """

    def __init__(self) -> None:
        self._services: dict[str, Service] = {}
        self._lock = threading.Lock()     # guards _services, _conns, _listeners
        self._conns: set[_Conn] = set()
        self._listeners: set[Any] = set()
        self._closing = False
        self._lingering = 0               # readers in _linger now (under _lock)
        self._pool = Pool("rpc-server")
        self._poller: Poller | None = None
        self._poller_lock = threading.Lock()
        self._watchdog: _Watchdog | None = None
        self.http_paths: tuple[str, str] | None = None

    # -- registration -------------------------------------------------------

    def register(self, rcvr: Any) -> None:
        """Publish the suitable methods of ``rcvr`` under its type's name.

        Raises :class:`RegistrationError` with Go's texts
        (``rpc.Register: type X is not exported``, ``rpc.Register: type X
        has no exported methods of suitable type``, ``rpc: service already
        defined: X``).
        """
        self._add(new_service(rcvr, None))

    def register_name(self, name: str, rcvr: Any) -> None:
        """Like :meth:`register`, published under ``name`` (may contain dots)."""
        self._add(new_service(rcvr, name))

    def _add(self, svc: Service) -> None:
        with self._lock:
            if svc.name in self._services:
                raise RegistrationError(f"rpc: service already defined: {svc.name}")
            self._services[svc.name] = svc

    def services(self) -> list[Service]:
        """Registered services sorted by name (for the debug page)."""
        with self._lock:
            return sorted(self._services.values(), key=lambda s: s.name)

    # -- reading requests -----------------------------------------------------

    def _read_request(self, codec: ServerCodec) -> tuple[Method | None, Any, Any, str | None] | None:
        """Read one request: None when the stream ended or is unreadable
        (the connection then stops), else (method, header, argument, error
        text) where a non-None error is answered and serving goes on."""
        try:
            req = codec.read_request_header()
        except EOFError:
            return None
        except Exception as exc:
            log.debug("rpc: server cannot decode request: %s", exc)
            return None
        sm = req.service_method
        err: str | None = None
        method = None
        dot = sm.rfind(".")
        if dot < 0:
            err = "rpc: service/method request ill-formed: " + sm
        else:
            svc = self._services.get(sm[:dot])
            if svc is None:
                err = "rpc: can't find service " + sm
            else:
                method = svc.methods.get(sm[dot + 1:])
                if method is None:
                    err = "rpc: can't find method " + sm
        if err is not None:
            try:
                codec.read_request_body(discard=True)
            except Exception:
                pass  # Go ignores it; a broken stream fails the next header read
            return None, req, None, err
        try:
            argv = codec.read_request_body(method.arg_type)  # type: ignore[union-attr]
        except Exception as exc:
            return None, req, None, error_text(exc)
        return method, req, argv, None

    # -- serving ----------------------------------------------------------------

    def _new_conn(self, codec: ServerCodec, fd: int | None) -> _Conn:
        conn = _Conn(self, codec, fd)
        with self._lock:
            self._conns.add(conn)
        return conn

    def _forget(self, conn: _Conn) -> None:
        with self._lock:
            self._conns.discard(conn)

    def _watch(self, conn: _Conn) -> None:
        """Make sure the watchdog is looking at ``conn``'s inline call."""
        wd = self._watchdog
        if wd is None:
            with self._poller_lock:
                if self._watchdog is None:
                    self._watchdog = _Watchdog()
                wd = self._watchdog
        wd.watch(conn)

    def _get_poller(self) -> Poller | None:
        with self._poller_lock:
            if self._poller is None:
                self._poller = new_poller(self._pool)
            return self._poller

    def serve_codec(self, codec: ServerCodec) -> None:
        """Serve ``codec`` until its request stream ends; blocks until every
        call started on it has been answered and the codec closed."""
        self._new_conn(codec, None).run_blocking()

    def serve_conn(self, conn: Any) -> None:
        """Serve the gob protocol on ``conn`` (a socket or a read/write/close
        object); blocks until the client hangs up and its calls are answered."""
        self.serve_codec(gob_codec(conn))

    def serve_request(self, codec: ServerCodec) -> None:
        """Read and answer exactly one request on ``codec``, synchronously.

        Raises :class:`EOFError` at the end of the stream, and
        :class:`RPCError` with the error text if the request could not be
        served (after answering it with that error, as Go does).
        """
        from ._errors import RPCError

        item = self._read_request(codec)
        if item is None:
            raise EOFError("EOF")
        method, req, argv, err = item
        conn = _Conn(self, codec, None)
        if err is not None:
            conn.send_response(req, INVALID_REQUEST, None, err)
            raise RPCError(err)
        with conn.lock:
            conn.inflight += 1
        conn.run_call(method, req, argv)  # type: ignore[arg-type]

    def serve_socket(self, sock: socket.socket, codec: CodecFactory | None = None) -> None:
        """Start serving a connected socket in the background (no thread is
        held while it is idle) and return at once."""
        nodelay(sock)
        factory = codec or gob_codec
        self._serve_codec_background(factory(sock), sock)

    def _serve_codec_background(self, codec: ServerCodec, conn: Any) -> None:
        if self._closing:
            codec.close()
            return
        poller = self._get_poller() if hasattr(codec, "has_buffered") else None
        if poller is None:
            c = self._new_conn(codec, None)
            start_thread(c.run_blocking, name="rpc-conn")
            return
        fd = conn.fileno()
        c = self._new_conn(codec, fd)
        poller.add(fd, c.on_ready)
        if codec.has_buffered():  # bytes already read (after CONNECT) raise no readiness
            self._pool.submit(c.on_ready)

    def accept(self, listener: Any, codec: CodecFactory | None = None) -> None:
        """Accept connections on ``listener`` and serve each (gob unless
        ``codec`` builds another codec from the socket).  Blocks until the
        listener is closed or the server is closed, as Go's ``Accept``."""
        with self._lock:
            self._listeners.add(listener)
        try:
            while not self._closing:
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
                    log.info("rpc.Serve: accept:%s", exc)
                    return
                sock.setblocking(True)
                self.serve_socket(sock, codec)
        finally:
            with self._lock:
                self._listeners.discard(listener)

    # -- HTTP -----------------------------------------------------------------------

    def handle_http(self, rpc_path: str = "/_goRPC_", debug_path: str = "/debug/rpc",
                    mux: Any = None) -> None:
        """Route ``rpc_path`` (CONNECT) and ``debug_path`` (the /debug/rpc
        page) of ``mux`` (default: the package's ``default_serve_mux``) to
        this server.  Raises :class:`gostd.Panic` if a path is taken."""
        from ._http import ServeMux, default_serve_mux

        target: ServeMux = mux if mux is not None else default_serve_mux
        target.handle(rpc_path, self._connect_handler())
        target.handle(debug_path, self._debug_handler())
        self.http_paths = (rpc_path, debug_path)

    def _connect_handler(self) -> Any:
        from ._http import ConnectHandler

        return ConnectHandler(self)

    def _debug_handler(self) -> Any:
        from ._http import DebugHandler

        return DebugHandler(self)

    def serve_http(self, listener: Any) -> None:
        """Serve HTTP on ``listener``: the CONNECT handshake on the RPC path
        and the debug page (the paths set by :meth:`handle_http`, default
        ``/_goRPC_`` and ``/debug/rpc``), 404 elsewhere.  Blocks like
        :meth:`accept`."""
        from ._http import ServeMux, serve

        mux = ServeMux()
        rpc_path, debug_path = self.http_paths or ("/_goRPC_", "/debug/rpc")
        mux.handle(rpc_path, self._connect_handler())
        mux.handle(debug_path, self._debug_handler())
        serve(listener, mux, self)

    # -- shutting down ------------------------------------------------------------

    def close(self, timeout: float | None = 10.0) -> None:
        """Stop serving gracefully.

        Stops accepting and reading new requests, lets the calls in flight
        finish and their replies be written, then closes every connection.
        After ``timeout`` seconds the remaining connections are closed
        anyway.  Listeners being accepted on are shut down, so ``accept``
        and ``serve_http`` return, but left for their owner to close.  A
        closed server stays closed: connections handed to it later are
        closed at once.
        """
        self._closing = True
        with self._lock:
            conns = list(self._conns)
            listeners = list(self._listeners)
        for listener in listeners:  # wake the accept loops now
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except (OSError, AttributeError):
                pass
        for conn in conns:
            with conn.lock:
                idle = not conn.reading
            if idle or conn.fd is None:
                conn.stop_reading()
        deadline = None if timeout is None else time.monotonic() + timeout
        for conn in conns:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not conn.finished.wait(left):
                conn.force_close()
        with self._poller_lock:
            if self._poller is not None:
                self._poller.close()
                self._poller = None
            if self._watchdog is not None:
                self._watchdog.close()
                self._watchdog = None

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def num_connections(self) -> int:
        """Connections being served now."""
        with self._lock:
            return len(self._conns)
