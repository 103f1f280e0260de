"""The gob codecs: Go's ``gobServerCodec`` and ``gobClientCodec``.

One gob Encoder and one Decoder per direction per connection, so type
definitions travel once per stream.  Each request is ``Encode(Request)``
then ``Encode(args)``; each response ``Encode(Response)`` then
``Encode(reply)`` (``struct{}{}`` after an error) — and each pair leaves in
one write, as Go's ``bufio`` flush does.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ...encoding import gob
from ._codec import INVALID_REQUEST, InvalidRequest, Request, Response
from ._conn import Conn, as_conn

__all__ = ["GobClientCodec", "GobServerCodec"]

log = logging.getLogger("gostd.net.rpc")


@dataclasses.dataclass
class _WireRequest:
    """Go's ``rpc.Request`` as gob sees it."""

    __gob_name__ = "Request"
    ServiceMethod: str = ""
    Seq: gob.uint64 = 0  # type: ignore[assignment]


@dataclasses.dataclass
class _WireResponse:
    """Go's ``rpc.Response`` as gob sees it."""

    __gob_name__ = "Response"
    ServiceMethod: str = ""
    Seq: gob.uint64 = 0  # type: ignore[assignment]
    Error: str = ""


@dataclasses.dataclass
class _Empty:
    """Go's ``struct{}{}``: an unnamed struct without fields."""

    __gob_name__ = ""


_EMPTY = _Empty()


class _Target:
    """The encoder's writer: appends to whichever buffer is current."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def write(self, b: bytes | bytearray) -> int:
        self.buf += b
        return len(b)


def _last_message(buf: bytearray, start: int) -> int:
    """Offset of the last length-prefixed gob message in ``buf[start:]``."""
    pos = last = start
    n = len(buf)
    while pos < n:
        last = pos
        c = buf[pos]
        if c < 0x80:
            size, pos = c, pos + 1
        else:
            k = 0x100 - c
            size = int.from_bytes(buf[pos + 1:pos + 1 + k], "big")
            pos += 1 + k
        pos += size
    return last


def _is_eof(exc: BaseException) -> bool:
    return isinstance(exc, EOFError) or str(exc) in ("EOF", "unexpected EOF")


class _EOF(EOFError):
    pass


def _body(value: Any) -> Any:
    return _EMPTY if value is INVALID_REQUEST or isinstance(value, InvalidRequest) else value


class GobServerCodec:
    """Serves the gob protocol on ``conn`` (Go's ``gobServerCodec``)."""

    def __init__(self, conn: Any) -> None:
        self._conn: Conn = as_conn(conn)
        self._dec = gob.Decoder(self._conn)
        self._out = _Target()
        self._enc = gob.Encoder(self._out)
        self._closed = False

    @property
    def conn(self) -> Conn:
        return self._conn

    def has_buffered(self) -> bool:
        return self._conn.buffered > 0

    def read_request_header(self) -> Request:
        try:
            h = self._dec.decode(_WireRequest)
        except Exception as exc:
            if _is_eof(exc):
                raise _EOF(str(exc)) from exc
            raise
        return Request(h.ServiceMethod, h.Seq)

    def read_request_body(self, arg_type: Any = None, *, discard: bool = False) -> Any:
        if discard:
            self._dec.skip()
            return None
        return self._dec.decode(arg_type)

    def write_response(self, response: Response, body: Any, body_type: Any = None) -> None:
        """Write a reply.  A reply gob cannot encode ends the connection as
        in Go: what the encoder wrote (the header, and the definitions of
        the body's types, which Go's encoder sends before failing) is
        flushed, the error logged (``rpc: gob error encoding body: ...``)
        and the connection closed; the error is raised to the caller."""
        out = self._out.buf
        try:
            what = "response"
            try:
                self._enc.encode(_WireResponse(response.service_method, response.seq,
                                               response.error))
                what = "body"
                self._enc.encode(_body(body), body_type if response.error == "" else None)
            except Exception as exc:
                log.error("rpc: gob error encoding %s: %s", what, exc)
                try:
                    if out:
                        self._conn.write(out)
                finally:
                    self.close()
                raise
            self._conn.write(out)
        finally:
            out.clear()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._conn.close()


class GobClientCodec:
    """Speaks the gob protocol to a server on ``conn`` (Go's ``gobClientCodec``)."""

    def __init__(self, conn: Any) -> None:
        self._conn: Conn = as_conn(conn)
        self._dec = gob.Decoder(self._conn)
        self._target = _Target()
        self._enc = gob.Encoder(self._target)
        self._wire = _WireRequest()

    @property
    def conn(self) -> Conn:
        return self._conn

    def has_buffered(self) -> bool:
        """Whether part of a reply is already buffered."""
        return self._conn.buffered > 0

    def write_request(self, request: Request, body: Any) -> None:
        target = self._target
        out = target.buf
        try:
            wire = self._wire
            wire.ServiceMethod = request.service_method
            wire.Seq = request.seq
            self._enc.encode(wire)
            mark = len(out)
            try:
                self._enc.encode(body)
            except Exception:
                # Type definitions the encoder now counts as sent must still
                # reach the server (they are harmless without a value); the
                # header whose body failed must not.
                head = out[:mark]  # header definitions, then the header value
                defs = bytes(head[:_last_message(head, 0)]) + bytes(out[mark:])
                if defs:
                    self._conn.write(defs)
                raise
            self._conn.write(out)
        finally:
            out.clear()

    def read_response_header(self) -> Response:
        try:
            h = self._dec.decode(_WireResponse)
        except Exception as exc:
            if _is_eof(exc):
                raise _EOF(str(exc)) from exc
            raise
        return Response(h.ServiceMethod, h.Seq, h.Error)

    def read_response_body(self, reply_type: Any = None, *, discard: bool = False) -> Any:
        # As Go's Decode: the stream ending right after the header is "EOF"
        # (the client says "reading body EOF"), inside the body "unexpected EOF".
        if discard:
            self._dec.skip()
            return None
        return self._dec.decode(reply_type)

    def close(self) -> None:
        self._conn.close()
