"""Byte streams under the codecs: a buffered reader over a socket or any
``read``/``write``/``close`` object, and a write buffer flushed whole.

Go wraps the connection in ``bufio`` on both sides; here :class:`Conn` keeps
the read buffer (so the server can tell whether a complete request may
already be waiting) and codecs collect a header and body in a
:class:`WriteBuffer` and send it with one ``sendall``.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

__all__ = ["Conn", "WriteBuffer", "as_conn"]

_RECV = 65536


class Conn:
    """A connection with a read buffer.

    ``read(n)`` returns exactly ``n`` bytes, or fewer only at end of stream;
    ``write`` sends everything or raises; ``close`` is idempotent.  Reading
    is for one thread at a time; writes are serialised by the caller.
    """

    __slots__ = ("_raw", "_sock", "_buf", "_pos", "_eof", "closed", "_wlock", "_corked",
                 "_pending", "__weakref__")

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._sock = raw if isinstance(raw, socket.socket) else None
        self._buf = b""
        self._pos = 0
        self._eof = False
        self.closed = False
        # Corking: while corked, writes collect in _pending and leave together
        # at uncork() or before the next blocking receive, so a burst of
        # replies costs one send.  Invariant: nothing stays pending while the
        # reader waits for the peer.
        self._wlock = threading.Lock()
        self._corked = False
        self._pending = bytearray()

    @property
    def raw(self) -> Any:
        return self._raw

    def fileno(self) -> int:
        return self._raw.fileno()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet consumed."""
        return len(self._buf) - self._pos

    def _recv(self) -> bytes:
        if self._pending:
            self.flush()
        if self._eof:
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

    def fill(self) -> bool:
        """Receive more bytes into the buffer; False at end of stream."""
        data = self._recv()
        if not data:
            return False
        if self._pos:
            self._buf = self._buf[self._pos:] + data
            self._pos = 0
        else:
            self._buf += data
        return True

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

    def close_write(self) -> None:
        """Half-close: tell the peer no more requests/replies will come."""
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def as_conn(conn: Any) -> Conn:
    """``conn`` itself if it is a :class:`Conn`, else a new one wrapping it."""
    return conn if isinstance(conn, Conn) else Conn(conn)


class WriteBuffer:
    """A growable byte buffer with a file-like ``write``, flushed in one send."""

    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, b: bytes | bytearray | memoryview) -> int:
        self.data += b
        return len(b)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out
