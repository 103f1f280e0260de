"""The client: Go's ``rpc.Client`` over any :class:`ClientCodec`.

Invariants (as in Go's client.go): ``seq`` numbers start at 0 and grow by
one per attempted call; a call is in ``_pending`` from just before its
request is written until its reply header is read (or the connection
fails, or its own timeout removes it); every call completes exactly once,
so ``Call.done`` receives it exactly once (dropped if the channel is full,
like Go).

Replies are read in arrival order by one thread at a time, the holder of the
*reader role* (``_reading``). Go dedicates a goroutine to it; here, on a
socket, a thread blocked in :meth:`Client.call` takes the role when it is
free and reads until its own reply is in, so a sequential call costs no
thread hand-off; it polls a few tens of microseconds for the reply before
blocking (see ``_spin``), so it usually costs no wake-up either. Whenever
calls are pending and nobody holds the role, the background reader (started
on first need) takes it and reads until nothing has been pending for a
moment. The role is held only to read, never while sending, so replies keep
being drained whatever the writers do. Before sending on an idle connection
the client checks for a hang-up, so a server that closed the connection
while the client was idle fails the call with ``ErrShutdown``, as Go's
always-reading goroutine would have. On a connection that cannot be polled
the background reader holds the role for good, exactly as in Go.
"""

from __future__ import annotations

import threading
from _thread import allocate_lock as _allocate_lock
from typing import Any

from ._codec import ClientCodec, Request, Response
from ._errors import CallTimeout, ErrShutdown, RPCError, ServerError
from ._pool import start_thread
from ._spin import Spin

__all__ = ["Call", "Client"]

LINGER = 0.002
"""Seconds the background reader keeps the role after the last pending
reply, waiting for replies to calls sent meanwhile."""


_chan_mod: Any = None


def _chan() -> Any:
    global _chan_mod
    if _chan_mod is None:
        from ... import _chan as mod

        _chan_mod = mod
    return _chan_mod


class Call:
    """An RPC in progress or completed (Go's ``rpc.Call``).

    ``service_method``, ``args``: what was asked; ``reply``: the decoded
    reply once done; ``error``: ``None`` or the exception the call failed
    with (:class:`ServerError`, :class:`ErrShutdown`, ...); ``done``: the
    :class:`gostd.Chan` that receives this call when it completes.
    """

    __slots__ = ("service_method", "args", "reply", "reply_type", "error", "done", "_gate",
                 "_finished", "_seq")

    def __init__(self, service_method: str, args: Any, reply_type: Any, done: Any) -> None:
        self.service_method = service_method
        self.args = args
        self.reply_type = reply_type
        self.reply: Any = None
        self.error: BaseException | None = None
        self.done = done
        # _gate is held until the call completes; waiters pass through it
        # (acquire, then release for the next waiter).
        self._gate = _allocate_lock()
        self._gate.acquire()
        self._finished = False
        self._seq = -1

    def _complete(self) -> None:
        self._finished = True
        self._gate.release()
        done = self.done
        if done is not None:
            # Go's non-blocking send: dropped when the channel is full.  A
            # closed channel would panic Go's reader goroutine; here the
            # completion is dropped instead, so the other calls still finish.
            try:
                done._offer(self)
            except Exception:
                pass

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the call completes; False if ``timeout`` passed first."""
        if self._finished:
            return True
        if self._gate.acquire(True, -1 if timeout is None else max(timeout, 0)):
            self._gate.release()
            return True
        return False

    def result(self, timeout: float | None = None) -> Any:
        """Wait for completion and return the reply, or raise the call's error.

        Raises :class:`TimeoutError` if ``timeout`` passes first (the call
        itself goes on).
        """
        if not self.wait(timeout):
            raise TimeoutError(f"rpc: {self.service_method} still in progress")
        if self.error is not None:
            raise self.error
        return self.reply

    def __repr__(self) -> str:
        state = "done" if self._finished else "pending"
        return f"<Call {self.service_method} {state} error={self.error!r}>"


class Client:
    """A client of one connection; safe for use from many threads.

    ``call`` and ``go`` may be used concurrently; replies are matched to
    calls by sequence number.  ``close`` (or leaving the ``with`` block)
    closes the connection; pending and later calls fail with
    :class:`ErrShutdown`.
    """

    def __init__(self, codec: ClientCodec | Any) -> None:
        """``codec`` is a :class:`ClientCodec`; a connection (a socket or a
        read/write/close object) gets the gob codec, as Go's ``NewClient``."""
        if not hasattr(codec, "write_request"):
            from ._gobcodec import GobClientCodec

            codec = GobClientCodec(codec)
        self._codec = codec
        self._req_lock = threading.Lock()   # serialises sends; held before _lock
        self._request = Request()
        self._lock = threading.Lock()       # guards the fields below
        self._seq = 0
        self._pending: dict[int, Call] = {}
        self._closing = False   # the user called close
        self._shutdown = False  # reading failed: no more replies will come
        self._reading = False   # some thread holds the reader role
        self._wake = threading.Condition(self._lock)  # the background reader waits here
        self._reader: threading.Thread | None = None
        conn = getattr(codec, "conn", None)
        # The connection whose readiness can be probed; None: the background
        # reader holds the role from the start and never gives it back.
        self._conn: Any = conn if getattr(conn, "pollable", False) else None
        # The caller holding the reader role spins a moment for its reply
        # before blocking (see _spin); only on a connection that can.
        self._spin: Spin | None = Spin() if hasattr(self._conn, "spin_fill") else None
        probe = getattr(codec, "has_buffered", None)
        self._has_buffered: Any = probe if probe is not None else (lambda: conn.buffered > 0)
        if self._conn is None:
            self._reading = True
            self._reader = start_thread(self._read_forever, name="rpc-client-reader")

    # -- sending ----------------------------------------------------------

    def _send(self, call: Call) -> None:
        with self._req_lock:
            with self._lock:
                if self._shutdown or self._closing:
                    call.error = ErrShutdown()
                    call._complete()
                    return
                seq = self._seq
                self._seq += 1
                self._pending[seq] = call
                call._seq = seq
            request = self._request
            request.seq = seq
            request.service_method = call.service_method
            try:
                self._codec.write_request(request, call.args)
            except Exception as exc:
                with self._lock:
                    call = self._pending.pop(seq, None)  # type: ignore[assignment]
                if call is not None:
                    call.error = exc
                    call._complete()

    # -- receiving: one reply -----------------------------------------------

    def _read_one(self) -> BaseException | None:
        """Read one reply and complete its call (holding the reader role).
        Returns the error that ends reading, None to go on; an interrupt
        (``KeyboardInterrupt``) propagates, and its catcher must ``_fail``."""
        codec = self._codec
        try:
            response: Response = codec.read_response_header()
        except Exception as exc:
            return exc
        with self._lock:
            call = self._pending.pop(response.seq, None)
        if call is None:
            # Unknown or timed-out call: drop its body.
            try:
                codec.read_response_body(discard=True)
            except Exception as exc:
                return RPCError("reading error body: " + str(exc))
        elif response.error:
            call.error = ServerError(response.error)
            try:
                codec.read_response_body(discard=True)
            except Exception as exc:
                call._complete()
                return RPCError("reading error body: " + str(exc))
            call._complete()
        else:
            try:
                call.reply = codec.read_response_body(call.reply_type)
            except Exception as exc:
                call.error = RPCError("reading body " + str(exc))
            call._complete()
        return None

    def _fail(self, err: BaseException) -> None:
        """Reading stopped for good: fail every pending call with ``err``
        (``unexpected EOF`` for an end of stream, ``ErrShutdown`` after
        ``close``), as Go's reader goroutine does when it exits."""
        with self._req_lock:
            with self._lock:
                self._shutdown = True
                closing = self._closing
                if isinstance(err, EOFError):
                    err = ErrShutdown() if closing else RPCError("unexpected EOF")
                elif closing:
                    err = ErrShutdown()
                elif not isinstance(err, (RPCError, OSError)):
                    # A codec's decode error: keep Go's text, in the rpc hierarchy.
                    wrapped = RPCError(str(err))
                    wrapped.__cause__ = err
                    err = wrapped
                pending = list(self._pending.values())
                self._pending.clear()
                self._wake.notify_all()
        for call in pending:
            call.error = err
            call._complete()

    # -- receiving: the reader role -------------------------------------------

    def _probe(self) -> None:
        """On an idle connection (nothing pending, nobody reading), look for
        a hang-up before sending: a server that closed the connection while
        the client was idle then fails the call with ``ErrShutdown``, as
        Go's always-reading goroutine would have seen the end first.  Only
        a stream that has ended is read here (never blocking); bytes that
        arrived unasked are left for the next reader, in order."""
        if self._reading or self._pending:  # a hint; a busy client needs no probe
            return
        with self._lock:
            if self._reading or self._pending or self._shutdown or self._conn is None:
                return
            self._reading = True
        try:
            while self._conn.hung_up():
                err = self._read_one()
                if err is not None:
                    self._fail(err)
                    break
        except BaseException as exc:  # interrupted mid-message: the stream is lost
            self._fail(exc)
            raise
        finally:
            self._give_up_role()

    def _take_role(self) -> bool:
        """Take the reader role if it is free (only for reading: a thread
        never sends while holding it, so replies are always drained and a
        large request cannot deadlock against a server blocked on its
        replies)."""
        with self._lock:
            if self._reading or self._shutdown or self._conn is None:
                return False
            self._reading = True
            return True

    def _read_until(self, call: Call) -> None:
        """Holding the role: read replies until ``call`` has completed."""
        conn, spin, has_buffered = self._conn, self._spin, self._has_buffered
        try:
            while not call._finished:
                if spin is not None and not has_buffered():
                    spin.wait(conn)
                err = self._read_one()
                if err is not None:
                    self._fail(err)
                    return
        except BaseException as exc:  # interrupted mid-reply: the stream is lost
            self._fail(exc)
            raise

    def _give_up_role(self) -> None:
        """Release the role; pending calls go to the background reader."""
        with self._lock:
            self._reading = False
            if self._pending and not self._shutdown:
                self._wake_reader()

    def _need_reader(self) -> None:
        """Make sure pending calls get read (after sending without the role)."""
        if self._reading:
            # Safe without the lock: our call was added to _pending under it,
            # and a reader gives up the role (under it) only when nothing is
            # pending, so it will read our reply.
            return
        with self._lock:
            if not self._reading and self._pending and not self._shutdown:
                self._wake_reader()

    def _wake_reader(self) -> None:
        # Called with _lock held.
        if self._reader is None:
            self._reader = start_thread(self._read_in_background, name="rpc-client-reader")
        else:
            self._wake.notify()

    def _read_in_background(self) -> None:
        """Take the role whenever calls are pending and it is free; read
        until nothing has been pending for LINGER seconds (so a stream of
        ``go`` calls costs no wake-up per reply).  Ends when the client is
        closed or shut down."""
        while True:
            with self._lock:
                while not self._shutdown and (self._reading or not self._pending):
                    if self._closing and not self._pending:
                        return
                    self._wake.wait()
                if self._shutdown:
                    return
                self._reading = True
            while True:
                try:
                    err = self._read_one()
                except BaseException as exc:
                    err = exc
                if err is not None:
                    self._fail(err)
                    return
                if not self._pending and not self._conn.wait_readable(LINGER):
                    # Nothing came: bytes buffered now answer no call, so
                    # the role can go if still nothing is pending.
                    with self._lock:
                        if not self._pending:
                            self._reading = False
                            break

    def _read_forever(self) -> None:
        """Go's reader goroutine: read until the stream fails."""
        err = None
        try:
            while err is None:
                err = self._read_one()
        except BaseException as exc:
            err = exc
        self._fail(err)

    # -- public API -------------------------------------------------------

    def go(self, service_method: str, args: Any, reply_type: Any = None,
           done: Any = None) -> Call:
        """Start a call and return its :class:`Call` at once.

        ``done`` is the channel that receives the call when it completes;
        ``None`` makes a new one with room for 10 (Go's default).  An
        unbuffered ``done`` raises :class:`gostd.Panic` (``rpc: done channel
        is unbuffered``), as Go panics; anything but a :class:`gostd.Chan`
        raises ``TypeError``.  Errors of the call itself are not raised here
        but reported in ``Call.error`` once it is done.
        """
        chan = _chan().Chan
        if done is None:
            done = chan(10)
        elif not isinstance(done, chan):
            raise TypeError(f"rpc: done must be a gostd.Chan, not {type(done).__name__}")
        elif done.cap == 0:
            from ..._panic import Panic

            raise Panic("rpc: done channel is unbuffered")
        call = Call(service_method, args, reply_type, done)
        self._start(call)
        return call

    def _start(self, call: Call) -> None:
        """Send ``call`` for the background reader to complete."""
        self._probe()
        self._send(call)
        self._need_reader()

    def call(self, service_method: str, args: Any, reply_type: Any = None,
             timeout: float | None = None) -> Any:
        """Call ``service_method`` with ``args`` and return the reply.

        The reply is decoded as ``reply_type`` when given, else as plain
        values.  Raises :class:`ServerError` with the server's text,
        :class:`ErrShutdown` when the client is closed or the connection
        ended, :class:`RPCError` for decode failures, the ``OSError`` of a
        failed write, or :class:`CallTimeout` when ``timeout`` seconds pass
        first (only this call fails; its late reply is discarded).
        """
        call = Call(service_method, args, reply_type, None)
        self._probe()
        self._send(call)
        if timeout is None and not call._finished and self._take_role():
            # The fast path: this thread reads replies until its own is in.
            try:
                self._read_until(call)
            finally:
                self._give_up_role()
        else:
            self._need_reader()
        if not call.wait(timeout):
            with self._lock:
                abandoned = self._pending.get(call._seq) is call
                if abandoned:
                    del self._pending[call._seq]
            if abandoned:
                raise CallTimeout(f"rpc: call {service_method} timed out after {timeout}s")
            call.wait()
        if call.error is not None:
            raise call.error
        return call.reply

    def close(self) -> None:
        """Close the connection.  Pending calls fail with :class:`ErrShutdown`;
        a second ``close`` raises :class:`ErrShutdown`, as Go returns it."""
        with self._lock:
            if self._closing:
                raise ErrShutdown()
            self._closing = True
            if self._pending and not self._reading and not self._shutdown:
                self._wake_reader()  # it reads the end of stream: ErrShutdown
            self._wake.notify_all()
        self._codec.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._closing:
                return
        try:
            self.close()
        except ErrShutdown:
            pass
