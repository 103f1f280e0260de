"""encoding/gob vs json, pickle and msgpack on the same data.

Two payloads: the gob article's ``Args{A, B int}`` and a 1000-element slice
of small structs.  Each row is one encode followed by one decode of the
payload (messages/s).  gob rows use one Encoder/Decoder pair per stream, as
net/rpc does (type definitions sent once), plus one-shot ``dumps``/``loads``
(definitions in every message).  json/msgpack work on the equivalent dicts,
pickle on the dataclass objects.  Goal: gob stream within 2x of json.
"""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
from dataclasses import dataclass

from _harness import Table, best_rate

from gostd.encoding import gob

try:
    import msgpack
except ImportError:  # pragma: no cover - optional
    msgpack = None


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Item:
    ID: gob.uint64 = 0
    Name: str = ""
    Price: float = 0.0
    Tags: list[str] = dataclasses.field(default_factory=list)


class _Sink:
    """A write() target that keeps only the last message."""
    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = b""

    def write(self, b) -> None:
        self.last = b


class _Replay:
    """A read() source replaying one message forever (after the preamble)."""
    __slots__ = ("pre", "msg", "pos", "buf")

    def __init__(self, preamble: bytes, msg: bytes) -> None:
        self.buf = preamble
        self.msg = msg
        self.pos = 0

    def read(self, n: int) -> bytes:
        if self.pos >= len(self.buf):
            self.buf, self.pos = self.msg, 0
        p = self.pos
        self.pos = p + n
        return self.buf[p:p + n]


def _gob_stream(value, into, typ=None):
    # The stream preamble (definitions + first value) and one steady-state message.
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(value, type=typ)
    first = out.getvalue()
    sink = _Sink()
    enc._w = sink.write
    enc.encode(value, type=typ)
    msg = sink.last

    def run(n: int) -> None:
        e = gob.Encoder(_Sink())
        d = gob.Decoder(_Replay(first, bytes(msg)))
        encode, decode = e.encode, d.decode
        for _ in range(n):
            encode(value, typ)
            decode(into)
    return run


def _gob_oneshot(value, into, typ=None):
    dumps, loads = gob.dumps, gob.loads

    def run(n: int) -> None:
        for _ in range(n):
            loads(dumps(value, typ), into)
    return run


def _json(obj):
    dumps, loads = json.dumps, json.loads

    def run(n: int) -> None:
        for _ in range(n):
            loads(dumps(obj))
    return run


def _pickle(obj):
    dumps, loads = pickle.dumps, pickle.loads

    def run(n: int) -> None:
        for _ in range(n):
            loads(dumps(obj))
    return run


def _msgpack(obj):
    packb, unpackb = msgpack.packb, msgpack.unpackb

    def run(n: int) -> None:
        for _ in range(n):
            unpackb(packb(obj))
    return run


def _table(title: str, value, into, typ, as_dict, ops: int, quick: bool) -> Table:
    t = Table(title, baseline="json dumps+loads", unit="msgs/s")
    rep = 3 if quick else 5
    t.add("json dumps+loads", best_rate(_json(as_dict), ops, repeat=rep))
    t.add("pickle dumps+loads", best_rate(_pickle(value), ops, repeat=rep))
    if msgpack is not None:
        t.add("msgpack packb+unpackb", best_rate(_msgpack(as_dict), ops, repeat=rep))
    else:
        t.add("msgpack packb+unpackb", 0.0, "skipped: pip install msgpack")
    t.add("gob stream encode+decode", best_rate(_gob_stream(value, into, typ), ops, repeat=rep),
          "goal >= 0.50x")
    t.add("gob stream, decode to dict", best_rate(_gob_stream(value, None, typ), ops, repeat=rep))
    t.add("gob dumps+loads (one-shot)", best_rate(_gob_oneshot(value, into, typ), ops, repeat=rep))
    return t


def run(quick: bool) -> None:
    args = Args(7, 8)
    _table("gob: Args{A, B int}", args, Args, None, dataclasses.asdict(args),
           2000, quick).print()
    items = [Item(i, f"item-{i}", i * 1.25, ["a", "b"] if i % 3 else []) for i in range(1000)]
    as_dicts = [dataclasses.asdict(x) for x in items]
    _table("gob: []Item, 1000 structs per message", items, list[Item], list[Item],
           as_dicts, 2, quick).print()


if __name__ == "__main__":
    run(quick=False)
