"""Reading a stream of JSON values, as Go's ``json.Decoder`` does.

Values need no separator (``{...}{...}`` is two values); whitespace between
them is skipped.  A value is located by a bracket/string scanner and then
parsed whole, so a half-received value simply waits for more bytes.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .._conn import Conn

__all__ = ["GoFloat", "JSONStreamError", "NEG_ZERO", "ValueReader", "loads_keep_floats"]

MAX_VALUE = 64 << 20  # bytes; a larger value ends the stream instead of growing memory

_STRUCTURAL = re.compile(rb'["\\\[\]{}]')
_STRING_END = re.compile(rb'["\\]')
_SCALAR_END = re.compile(rb'[^0-9A-Za-z.+\-]')
_WS = b" \t\r\n"


class JSONStreamError(ValueError):
    """The stream does not hold valid JSON (or a value exceeds the size limit)."""


class GoFloat(float):
    """A JSON number with a fraction or exponent, remembering its text so an
    echoed id is re-emitted as sent (``1.50`` stays ``1.50``)."""

    text: str

    def __new__(cls, text: str) -> "GoFloat":
        self = super().__new__(cls, text)
        self.text = text
        return self


class NegZero(int):
    """JSON's ``-0``: the integer 0, which Go's ``ParseUint`` refuses and
    ``ParseFloat`` reads as -0.0 (so ``float()`` of it is -0.0)."""

    text = "-0"

    def __float__(self) -> float:
        return -0.0


NEG_ZERO = NegZero(0)

INT_DIGITS = 400
"""Integer literals longer than this fit no Go number (float64 ends at 309
digits): they are read as a :class:`GoFloat` (infinite, keeping the text
for Go's error), never converted to an int, whose cost grows with the
square of the length."""


def _parse_int(text: str) -> Any:
    if len(text) > INT_DIGITS:
        return GoFloat(text)
    if text == "-0":
        return NEG_ZERO
    return int(text)


def _no_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; Go's does not.
    raise ValueError(f"invalid character {name[0]!r} looking for beginning of value")


_DECODER = json.JSONDecoder(parse_float=GoFloat, parse_constant=_no_constant)
_EXACT = json.JSONDecoder(parse_float=GoFloat, parse_int=_parse_int,
                          parse_constant=_no_constant)
_WS_RE = re.compile(r"[ \t\n\r]*")


def raw_member(text: str, key: str) -> str | None:
    """The raw text of member ``key`` (matched like Go: exactly or
    case-insensitively, the last one winning) of the JSON object ``text``."""
    ws = _WS_RE.match
    i = ws(text, 1).end()
    found = None
    while i < len(text) and text[i] != "}":
        name, i = json.decoder.scanstring(text, i + 1)
        i = ws(text, i).end() + 1  # past ':'
        i = ws(text, i).end()
        _, end = _DECODER.raw_decode(text, i)
        if name == key or name.casefold() == key:
            found = text[i:end]
        i = ws(text, end).end()
        if i < len(text) and text[i] == ",":
            i = ws(text, i + 1).end()
    return found


_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
         "\u2029": "\\u2029"}


def compact(raw: str) -> str:
    """Go's ``json.Compact`` with HTML escaping, as the encoder applies it to
    a ``json.RawMessage``: whitespace outside strings dropped, escapes kept."""
    out = []
    in_str = False
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if in_str:
            if c == "\\":
                out.append(raw[i:i + 2])
                i += 2
                continue
            if c == '"':
                in_str = False
            out.append(_HTML.get(c, c))
        elif c == '"':
            in_str = True
            out.append(c)
        elif c not in " \t\r\n":
            out.append(c)
        i += 1
    return "".join(out)


def _int_conversion_bounded() -> bool:
    """Whether Python refuses to convert huge integer literals (3.11+, with
    the limit on), so the fast decoder cannot be made to spend quadratic time."""
    limit = getattr(sys, "get_int_max_str_digits", None)
    return limit is not None and 0 < limit() <= 5000


def loads_keep_floats(text: str) -> Any:
    """Parse JSON text as Go reads numbers: fractions and exponents keep
    their text (:class:`GoFloat`), ``-0`` is :data:`NEG_ZERO`, integers
    beyond every Go type stay text; ``NaN``/``Infinity`` are refused.
    Raises ``ValueError`` (or ``RecursionError``) for invalid JSON."""
    if text.startswith("\ufeff"):  # json.loads' own complaint about a BOM
        return json.loads(text, parse_float=GoFloat)
    if "-0" in text or not _int_conversion_bounded():
        return _EXACT.decode(text)
    try:
        return _DECODER.decode(text)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        return _EXACT.decode(text)


def _scan(buf: bytes, i: int) -> int | None:
    """End index of the JSON value starting at ``buf[i]``; None if incomplete."""
    c = buf[i]
    n = len(buf)
    if c == 0x22:  # string
        j = i + 1
        while True:
            m = _STRING_END.search(buf, j)
            if m is None:
                return None
            if buf[m.start()] == 0x5C:
                j = m.start() + 2
                if j > n:
                    return None
                continue
            return m.end()
    if c in (0x7B, 0x5B):  # object or array
        depth = 0
        j = i
        while True:
            m = _STRUCTURAL.search(buf, j)
            if m is None:
                return None
            ch = buf[m.start()]
            if ch == 0x22:
                k = m.start() + 1
                while True:
                    s = _STRING_END.search(buf, k)
                    if s is None:
                        return None
                    if buf[s.start()] == 0x5C:
                        k = s.start() + 2
                        if k > n:
                            return None
                        continue
                    j = s.end()
                    break
                continue
            if ch == 0x5C:  # backslash outside a string: invalid, let the parser say so
                return m.end()
            depth += 1 if ch in (0x7B, 0x5B) else -1
            j = m.end()
            if depth == 0:
                return j
    m = _SCALAR_END.search(buf, i)
    if m is None:
        return None
    return max(m.start(), i + 1)


class ValueReader:
    """Reads successive JSON values from a :class:`Conn`."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    @property
    def buffered(self) -> bool:
        """True when some non-whitespace byte is already buffered."""
        return bool(self._conn.peek().strip(_WS))

    def read_text(self) -> str:
        """The next value's text.  Raises :class:`EOFError` at a clean end of
        stream, :class:`JSONStreamError` on a truncated or oversized value."""
        conn = self._conn
        while True:
            buf = conn.peek()
            i = 0
            n = len(buf)
            while i < n and buf[i] in _WS:
                i += 1
            if i:
                conn.consume(i)
                buf = conn.peek()
                n = len(buf)
            if n:
                end = _scan(buf, 0)
                if end is not None:
                    conn.consume(end)
                    return buf[:end].decode("utf-8", "replace")
                if n > MAX_VALUE:
                    raise JSONStreamError("json: value exceeds the size limit")
            if not conn.fill():
                if not conn.peek():
                    raise EOFError("EOF")
                buf = conn.peek()
                if buf[:1] not in (b"{", b"[", b'"'):
                    conn.consume(len(buf))  # a final bare scalar ends at EOF
                    return buf.decode("utf-8", "replace")
                raise JSONStreamError("unexpected EOF")

    def read_value(self) -> Any:
        """The next value, parsed (numbers with a fraction keep their text)."""
        text = self.read_text()
        try:
            return loads_keep_floats(text)
        except (ValueError, RecursionError) as exc:
            raise JSONStreamError(f"invalid JSON: {exc}") from None
