"""Plain decoding (no ``into``) builds dicts and lists for whatever the
sender describes; its peak memory must stay within 64 times the bytes of
the item plus a constant, whatever the shape (issue 14, item 5).

The per-byte part is measured with the constant set to zero, so that small
inputs (quick under tracemalloc) show it; the constant once, on its own.
Each stream holds a small value of the hostile type first, so that the
measured item pays only for decoding, not for compiling the type
(``test_compile_cost``)."""

from __future__ import annotations

import dataclasses
import io
import tracemalloc
from typing import Any

import pytest

from gostd.encoding import gob
from gostd.encoding.gob import _decoder

PER_BYTE = 64
SLACK = 1.15        # a growing list copies its slots; CPython's sizes vary
OVERHEAD = 64 << 10  # the decoder's own working state


@dataclasses.dataclass
class Empty:
    pass


@dataclasses.dataclass
class Fresh:
    """Every field not sent decodes to a new empty list or dict."""
    A: list[int] = dataclasses.field(default_factory=list)
    B: dict[str, int] = dataclasses.field(default_factory=dict)
    C: list[str] = dataclasses.field(default_factory=list)
    D: list[Empty] = dataclasses.field(default_factory=list)


Wide = dataclasses.make_dataclass("Wide", [(f"F{i}", int, 0) for i in range(100)])
WideFresh = dataclasses.make_dataclass(
    "WideFresh", [(f"F{i}", list[int], dataclasses.field(default_factory=list))
                  for i in range(100)])

N = 2_000

# name -> (Go type, small value, hostile value)
SHAPES: dict[str, tuple[Any, Any, Any]] = {
    "map of empty structs": (dict[int, Empty], {1: Empty()},
                             {i: Empty() for i in range(N)}),
    "slice of empty structs": (list[Empty], [Empty()], [Empty()] * N),
    "slice of empty slices": (list[list[int]], [[]], [[]] * N),
    "slice of empty maps": (list[dict[int, int]], [{}], [{}] * N),
    "slice of slices of empty structs": (list[list[Empty]], [[]], [[Empty()]] * N),
    "slice of arrays of empty structs": (list[tuple[Empty]], [(Empty(),)], [(Empty(),)] * N),
    "slice of structs of empty slices": (list[Fresh], [Fresh()], [Fresh()] * N),
    "slice of wide structs": (list[Wide], [Wide()], [Wide()] * (N // 20)),
    "slice of wide structs of slices": (list[WideFresh], [WideFresh()], [WideFresh()] * (N // 20)),
    "map of empty slices": (dict[int, list[int]], {1: []}, {i: [] for i in range(N)}),
    "slice of interfaces of empty slices": (list[Any], [gob.typed([], list[int])], [gob.typed([], list[int])] * N),
}


def _item_bytes(stream: bytes) -> int:
    """Bytes of the last item's messages (the value, after any definitions)."""
    from gostd.encoding.gob._wiretype import read_uint
    pos, last = 0, 0
    while pos < len(stream):
        last = pos
        n, pos = read_uint(stream, pos)
        pos += n
    return len(stream) - last


def _peak(gotype, small, hostile, scale: int, monkeypatch=None) -> tuple[int, int]:
    """(bytes of the hostile item, peak memory decoding it in plain form),
    the hostile value repeated ``scale`` times; with ``monkeypatch``, the
    budget's constant is zero for the hostile item."""
    if isinstance(hostile, dict):
        hostile = {k + i * len(hostile): v for i in range(scale) for k, v in hostile.items()}
    else:
        hostile = hostile * scale
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(small, type=gotype)
    mark = out.tell()
    enc.encode(hostile, type=gotype)
    stream = out.getvalue()
    size = _item_bytes(stream[mark:])
    dec = gob.Decoder(io.BytesIO(stream))
    dec.decode()                      # compiles the plain decoders
    if monkeypatch is not None:
        monkeypatch.setattr(_decoder, "BUDGET_BASE", 0)
    tracemalloc.start()
    try:
        try:
            value = dec.decode()
        except gob.GobError as exc:
            assert str(exc) == "gob: decoded value too large for the bytes received"
            value = None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del value
    return size, peak


@pytest.mark.parametrize("shape", list(SHAPES))
def test_plain_decoding_memory_per_byte(monkeypatch, shape):
    size, peak = _peak(*SHAPES[shape], 1, monkeypatch)
    assert peak <= PER_BYTE * SLACK * size + OVERHEAD, (shape, size, peak, peak / size)


def test_plain_decoding_memory_constant():
    """With the real constant: 10,000 bytes of wide structs that would make
    47 MB of dicts stay within 64 per byte plus 4 MiB."""
    size, peak = _peak(list[Wide], [Wide()], [Wide()], 10_000)
    assert peak <= PER_BYTE * SLACK * size + _decoder.BUDGET_BASE + OVERHEAD, (size, peak)


def test_legitimate_plain_values_fit_the_budget():
    """Ordinary payloads are far below the bound and decode in plain form."""
    @dataclasses.dataclass
    class Item:
        ID: int = 0
        Name: str = ""
        Tags: list[str] = dataclasses.field(default_factory=list)
        Attrs: dict[str, int] = dataclasses.field(default_factory=dict)

    items = [Item(i, f"item{i}", ["a", "b"], {"x": i}) for i in range(5000)]
    plain = gob.loads(gob.dumps(items, type=list[Item]))
    assert len(plain) == 5000 and plain[7] == {"ID": 7, "Name": "item7", "Tags": ["a", "b"],
                                              "Attrs": {"x": 7}}
    assert gob.loads(gob.dumps([{}] * 5000, type=list[dict[str, int]])) == [{}] * 5000
    assert len(gob.loads(gob.dumps(list(range(100_000))))) == 100_000
