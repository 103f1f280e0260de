"""The byte stream under the codecs: a socket or any ``read``/``write``/
``close`` object, with a read buffer and corked writes.

Go wraps the connection in ``bufio`` on both sides.  Here :class:`Conn`
keeps the read buffer (so the server can tell whether another request is
already waiting) and can hold writes back while a burst of requests is
being answered, sending the replies together.
"""

from __future__ import annotations

import select
import socket
import threading
from time import perf_counter
from typing import Any

__all__ = ["Conn", "as_conn"]

_RECV = 65536
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)


class Conn:
    """A connection with a read buffer.

    ``read(n)`` returns exactly ``n`` bytes, or fewer only at end of stream;
    ``write`` sends everything or raises; ``close`` is idempotent.  Reading
    is for one thread at a time; writes are serialised by the caller.
    """

    __slots__ = ("_raw", "_sock", "_buf", "_pos", "_eof", "_failed", "closed", "_wlock", "_corked",
                 "_pending", "_poll", "__weakref__")

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._sock = raw if isinstance(raw, socket.socket) else None
        self._buf = b""
        self._pos = 0
        self._eof = False
        self._failed: OSError | None = None  # a receive error spin_fill met, for the next read
        self.closed = False
        # Corking: while corked, writes collect in _pending and leave together
        # at uncork() or before the next blocking receive, so a burst of
        # replies costs one send.  Invariant: nothing stays pending while the
        # reader waits for the peer.
        self._wlock = threading.Lock()
        self._corked = False
        self._pending = bytearray()
        self._poll: Any = None   # a poll object watching the socket, made on first use

    @property
    def raw(self) -> Any:
        return self._raw

    def fileno(self) -> int:
        return self._raw.fileno()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet consumed."""
        return len(self._buf) - self._pos

    @property
    def pollable(self) -> bool:
        """Whether :meth:`wait_readable` can tell (a socket underneath)."""
        return self._sock is not None and hasattr(select, "poll")

    def wait_readable(self, timeout: float) -> bool:
        """Whether the socket has data, end of stream or an error within
        ``timeout`` seconds.  Buffered bytes are not looked at: only the
        codec knows whether they hold a message (they may be whitespace).
        Only for :attr:`pollable` connections; a closed one is readable."""
        if self._eof or self.closed:
            return True
        p = self._poll
        if p is None:
            try:
                p = select.poll()
                p.register(self._sock, select.POLLIN)
            except (OSError, ValueError):
                return True
            self._poll = p
        try:
            return bool(p.poll(timeout * 1000.0))
        except (OSError, ValueError):
            return True

    def hung_up(self) -> bool:
        """Whether the peer has closed the stream (or it failed) and no byte
        of it is left unread on the socket; never blocks.  Buffered bytes
        are not looked at.  Only for :attr:`pollable` connections."""
        if self._eof or self.closed:
            return True
        if not self.wait_readable(0):
            return False
        try:
            return not self._sock.recv(1, socket.MSG_PEEK)  # type: ignore[union-attr]
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True

    def _recv(self) -> bytes:
        if self._pending:
            self.flush()
        if self._eof:
            failed, self._failed = self._failed, None
            if failed is not None:
                raise failed
            return b""
        try:
            if self._sock is not None:
                data = self._sock.recv(_RECV)
            elif hasattr(self._raw, "recv"):
                data = self._raw.recv(_RECV)
            else:
                read1 = getattr(self._raw, "read1", None)
                data = read1(_RECV) if read1 is not None else self._raw.read(_RECV)
        except OSError:
            if self.closed:
                data = b""
            else:
                raise
        if not data:
            self._eof = True
        return data or b""

    def spin_fill(self, seconds: float) -> bool:
        """Poll the socket without blocking for up to ``seconds``; True if
        bytes were buffered or the stream ended (or failed: the next read
        reports it), False if nothing came or this connection cannot be
        polled so (not a blocking socket, or writes are held back: the
        blocking read sends them first)."""
        sock = self._sock
        if sock is None or not _DONTWAIT or self._pending or sock.gettimeout() is not None:
            return False
        if self._eof or self.closed:
            return True
        recv = sock.recv
        deadline = perf_counter() + seconds
        while True:
            try:
                data = recv(_RECV, _DONTWAIT)
                break
            except (BlockingIOError, InterruptedError):
                if perf_counter() >= deadline:
                    return False
            except OSError as exc:  # the next read reports it, as a blocking recv would
                self._eof = True
                if not self.closed:
                    self._failed = exc
                return True
        if not data:
            self._eof = True
        else:
            self._append(data)
        return True

    def fill(self) -> bool:
        """Receive more bytes into the buffer; False at end of stream."""
        data = self._recv()
        if not data:
            return False
        self._append(data)
        return True

    def _append(self, data: bytes) -> None:
        """Add received bytes after the unconsumed ones."""
        if self._pos:
            self._buf = self._buf[self._pos:] + data
            self._pos = 0
        else:
            self._buf += data

    def peek(self) -> bytes:
        """The unconsumed buffered bytes (no I/O)."""
        return self._buf[self._pos:] if self._pos else self._buf

    def consume(self, n: int) -> None:
        self._pos += n
        if self._pos >= len(self._buf):
            self._buf = b""
            self._pos = 0

    def read(self, n: int) -> bytes:
        buf, pos = self._buf, self._pos
        end = pos + n
        if end <= len(buf):  # the common case: already buffered
            if end == len(buf):
                self._buf = b""
                self._pos = 0
            else:
                self._pos = end
            return buf[pos:end] if (pos or end != len(buf)) else buf
        parts = [buf[pos:]]
        have = len(buf) - pos
        self._buf = b""
        self._pos = 0
        while have < n:
            data = self._recv()
            if not data:
                return b"".join(parts)
            parts.append(data)
            have += len(data)
        data = b"".join(parts)
        if have > n:
            self._buf = data
            self._pos = n
            return data[:n]
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def readline(self, limit: int = 65536) -> bytes:
        """Bytes up to and including ``\\n`` (or fewer at end of stream or at ``limit``)."""
        while True:
            buf = self.peek()
            i = buf.find(b"\n", 0, limit)
            if i >= 0:
                self.consume(i + 1)
                return buf[:i + 1]
            if len(buf) >= limit or not self.fill():
                buf = self.peek()[:limit]
                self.consume(len(buf))
                return buf

    def cork(self) -> None:
        """Hold writes back until :meth:`uncork` or the next blocking receive."""
        self._corked = True

    def uncork(self) -> None:
        """Send what was held back and stop holding writes."""
        with self._wlock:
            self._corked = False
            if self._pending:
                data = bytes(self._pending)
                self._pending.clear()
                self._send(data)

    def flush(self) -> None:
        """Send what was held back (staying corked)."""
        with self._wlock:
            if self._pending:
                data = bytes(self._pending)
                self._pending.clear()
                self._send(data)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._corked:
            with self._wlock:
                if self._corked:
                    self._pending += data
                    return len(data)
        with self._wlock:
            self._send(data)
        return len(data)

    def _send(self, data: bytes | bytearray | memoryview) -> None:
        if self._sock is not None:
            self._sock.sendall(data)
        elif hasattr(self._raw, "sendall"):
            self._raw.sendall(data)
        else:
            self._raw.write(data)
            flush = getattr(self._raw, "flush", None)
            if flush is not None:
                flush()

    def close(self) -> None:
        """Send what is held back (best effort), then close; idempotent."""
        if self.closed:
            return
        if self._pending:
            try:
                self.uncork()
            except OSError:
                pass
        self.closed = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self._raw.close()
        except OSError:
            pass


def as_conn(conn: Any) -> Conn:
    """``conn`` itself if it is a :class:`Conn`, else a new one wrapping it."""
    return conn if isinstance(conn, Conn) else Conn(conn)
