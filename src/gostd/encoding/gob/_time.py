"""``datetime`` <-> Go ``time.Time`` in Go's ``MarshalBinary`` layout.

Version 1 (15 bytes): ``01``, int64 BE seconds since 0001-01-01T00:00:00Z,
int32 BE nanoseconds, int16 BE zone offset in minutes (``-1`` = UTC).
Version 2 (16 bytes) appends a signed byte of extra offset seconds.
Naive datetimes are UTC.  ``datetime`` keeps microseconds, so a time with
finer nanoseconds decodes to :class:`Time`, a datetime subclass keeping them.
"""

from __future__ import annotations

import datetime as _dt
import struct

from ._wire import GobError

_V1 = struct.Struct(">BqiH")


class Time(_dt.datetime):
    """A ``datetime`` keeping Go's nanoseconds, which ``datetime`` cannot.

    Decoding gives one only when a time has nanoseconds beyond its
    microseconds; it compares, hashes and computes as the datetime it
    extends (truncated to the microsecond), and encodes with its full
    :attr:`nanosecond`.  Make one with ``Time.with_nanosecond(t, ns)``.
    """

    __slots__ = ("_ns",)

    @property
    def nanosecond(self) -> int:
        """Nanoseconds within the second (0..999999999)."""
        return self.microsecond * 1000 + getattr(self, "_ns", 0)

    def __reduce_ex__(self, protocol):
        # (datetime's own reduction would rebuild a Time without _ns.)
        plain = _dt.datetime(self.year, self.month, self.day, self.hour, self.minute,
                             self.second, self.microsecond, self.tzinfo, fold=self.fold)
        return (Time.with_nanosecond, (plain, self.nanosecond))

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, nanosecond={self.nanosecond})"

    @classmethod
    def with_nanosecond(cls, t: _dt.datetime, ns: int) -> "Time":
        """``t`` with nanosecond-of-second ``ns`` (its microseconds replaced)."""
        if not 0 <= ns < 1_000_000_000:
            raise ValueError("nanosecond must be in 0..999999999")
        out = cls(t.year, t.month, t.day, t.hour, t.minute, t.second, ns // 1000,
                  t.tzinfo, fold=t.fold)
        out._ns = ns % 1000
        return out
_UTC = _dt.timezone.utc
_DAY = 86400


def _offset_seconds(t: _dt.datetime) -> int | None:
    """Zone offset in seconds, or None for UTC (naive counts as UTC)."""
    if t.tzinfo is None:
        return None
    off = t.utcoffset()
    if off is None or t.tzinfo is _UTC:
        return None
    secs = off.days * _DAY + off.seconds
    return None if secs == 0 and t.tzname() in ("UTC", "Z", None) else secs


def marshal_time(t: _dt.datetime) -> bytes:
    """Go's ``Time.MarshalBinary`` for ``t``."""
    off = _offset_seconds(t)
    local = (t.toordinal() - 1) * _DAY + t.hour * 3600 + t.minute * 60 + t.second
    sec = local - (off or 0)
    nsec = t.nanosecond if t.__class__ is Time else t.microsecond * 1000
    if off is None:
        return _V1.pack(1, sec, nsec, 0xFFFF)
    minutes, extra = divmod(abs(off), 60)
    if off < 0:
        minutes, extra = -minutes, -extra
    if minutes < -32768 or minutes == -1 or minutes > 32767:
        raise GobError("Time.MarshalBinary: unexpected zone offset")
    head = _V1.pack(1 if extra == 0 else 2, sec, nsec, minutes & 0xFFFF)
    return head if extra == 0 else head + bytes([extra & 0xFF])


def unmarshal_time(data: bytes) -> _dt.datetime:
    """Go's ``Time.UnmarshalBinary``: an aware datetime (UTC or fixed offset)."""
    if not data:
        raise GobError("Time.UnmarshalBinary: no data")
    version = data[0]
    if version not in (1, 2):
        raise GobError("Time.UnmarshalBinary: unsupported version")
    if len(data) != (15 if version == 1 else 16):
        raise GobError("Time.UnmarshalBinary: invalid length")
    _, sec, nsec, minutes = _V1.unpack_from(data)
    if minutes >= 0x8000:
        minutes -= 0x10000
    offset = minutes * 60
    if version == 2:
        # Go 1.19 reads the extra seconds byte unsigned (while writing it
        # signed), so negative odd offsets shift on a round trip; so do we.
        offset += data[15]
    utc = offset == -60   # Go: "-1 minute" means UTC, also when reached by the shift
    try:
        # An unnamed zone ("") keeps a zero offset distinct from UTC, as Go's
        # FixedZone("", 0) is distinct from time.UTC.
        tz = _UTC if utc else _dt.timezone(_dt.timedelta(seconds=offset), "")
    except ValueError:
        raise GobError("gob: time.Time zone offset out of Python's range") from None
    local = sec + (0 if utc else offset)
    days, rem = divmod(local, _DAY)
    try:
        d = _dt.date.fromordinal(days + 1)
    except (ValueError, OverflowError):
        raise GobError("gob: time.Time value out of Python datetime range") from None
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    nsec %= 1_000_000_000   # only hostile data is out of range; keep it in range
    t = _dt.datetime(d.year, d.month, d.day, h, m, s, nsec // 1000, tz)
    return Time.with_nanosecond(t, nsec) if nsec % 1000 else t


def time_is_zero(t: _dt.datetime) -> bool:
    """Go's ``time.Time{}`` check: 0001-01-01T00:00:00 UTC exactly (a
    :class:`Time`'s sub-microsecond nanoseconds count too)."""
    return (t.year == 1 and t.month == 1 and t.day == 1 and t.hour == 0
            and t.minute == 0 and t.second == 0 and t.microsecond == 0
            and getattr(t, "_ns", 0) == 0 and _offset_seconds(t) is None)
