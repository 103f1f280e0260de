"""Gob's scalar encodings and message framing, shared by both directions.

Unsigned integers: values below 0x80 are one byte; larger values are a byte
holding the negated byte count followed by the minimal big-endian bytes.
Signed integers are folded into unsigned ones (bit 0 says "complement").
Floats travel as their IEEE-754 bits with the bytes reversed, so that small
exponents with zero low mantissa bytes encode short.
"""

from __future__ import annotations

import struct

__all__ = ["GobError", "TOO_BIG", "put_uint", "put_int", "uint_bytes",
           "float_bits", "bits_float", "float32_max"]

# Go's tooBig on 64-bit platforms: 1 GiB << 3.  Message lengths at or above it
# are rejected by the decoder ("invalid message length") and the encoder
# ("gob: encoder: message too big").
TOO_BIG = (1 << 30) << 3

float32_max = 3.40282346638528859811704183484516925440e38

_pack_le_double = struct.Struct("<d").pack
_unpack_le_double = struct.Struct("<d").unpack
_pack_f = struct.Struct("<f").pack
_unpack_f = struct.Struct("<f").unpack


class GobError(Exception):
    """Every gob encode/decode failure; ``str(err)`` is Go's error text.

    Truncation inside a message is ``GobError("unexpected EOF")``; a clean end
    of stream is reported with :class:`EOFError` instead (Go's ``io.EOF``).
    """


def put_uint(b: bytearray, x: int) -> None:
    """Append gob's unsigned encoding of ``0 <= x < 2**64`` to ``b``."""
    if x < 0x80:
        b.append(x)
        return
    n = (x.bit_length() + 7) >> 3
    if n > 8:
        raise GobError(f"gob: value {x} out of range for uint64")
    b.append(256 - n)
    b += x.to_bytes(n, "big")


def put_int(b: bytearray, v: int) -> None:
    """Append gob's signed encoding of an int64 ``v`` to ``b``."""
    u = (v << 1) if v >= 0 else ((~v << 1) | 1)
    if u < 0x80:
        b.append(u)
        return
    n = (u.bit_length() + 7) >> 3
    if n > 8:
        raise GobError(f"gob: value {v} out of range for int64")
    b.append(256 - n)
    b += u.to_bytes(n, "big")


def uint_bytes(x: int) -> bytes:
    """The encoding of ``x`` as a new bytes object (used for length prefixes)."""
    b = bytearray()
    put_uint(b, x)
    return bytes(b)


def float_bits(f: float) -> int:
    """The unsigned integer gob sends for float ``f`` (byte-reversed IEEE bits)."""
    return int.from_bytes(_pack_le_double(f), "big")


def bits_float(u: int) -> float:
    """Inverse of :func:`float_bits`; ``u`` must be below 2**64."""
    return _unpack_le_double(u.to_bytes(8, "big"))[0]


def round_float32(f: float) -> float:
    """``f`` rounded to the nearest float32 value (Go's ``float32(f)``)."""
    try:
        return _unpack_f(_pack_f(f))[0]
    except OverflowError:
        return float("inf") if f > 0 else float("-inf")
