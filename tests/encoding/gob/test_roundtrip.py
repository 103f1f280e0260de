"""Round-trip properties over generated Go types and values: what is encoded
decodes to the same value (modulo Go's rules: zero fields omitted, float32
rounding), and re-encoding the decoded value gives the same bytes."""

from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import sys
from pathlib import Path
from typing import Any, Optional

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import _gob_strategies as S  # noqa: E402

from gostd.encoding import gob  # noqa: E402

_counter = itertools.count()

BASIC = [bool, int, gob.int8, gob.int16, gob.int32, gob.int64, gob.uint, gob.uint8,
         gob.uint16, gob.uint32, gob.uint64, gob.uintptr, float, gob.float32, complex,
         gob.complex64, str, bytes, datetime.datetime, Any]
KEYS = [bool, int, gob.uint16, str]


def _make_struct(field_types):
    name = f"Gen{next(_counter)}"
    fields = [(f"F{i}", t, dataclasses.field(default=None)) for i, t in enumerate(field_types)]
    if field_types:
        fields.append(("hidden", int, dataclasses.field(default=0)))
    return dataclasses.make_dataclass(name, fields)


def _extend(children):
    return st.one_of(
        children.map(lambda t: list[t]),
        st.tuples(children, st.integers(0, 3)).map(lambda p: gob.array(p[0], p[1])),
        st.tuples(st.sampled_from(KEYS), children).map(lambda p: dict[p[0], p[1]]),
        children.map(lambda t: Optional[t]),
        st.lists(children, max_size=4).map(_make_struct),
    )


TYPES = st.recursive(st.sampled_from(BASIC), _extend, max_leaves=6)


def _has_nan(v) -> bool:
    return "nan" in repr(v)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_types_roundtrip(data):
    ann = data.draw(TYPES)
    gt = gob.go_type(ann)
    value = data.draw(S.values(gt))
    assume(not (value is None and gt.kind in ("ptr", "struct")))
    encoded = gob.dumps(value, type=ann)
    back = gob.loads(encoded, into=ann)
    stable = not S.odd_negative_offset(value)
    if stable:
        assert gob.dumps(back, type=ann) == encoded
    if not _has_nan(value):
        assert back == S.normalize(gt, value)
    # plain decoding and skipping accept the same bytes
    gob.loads(encoded)
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(value, type=ann)
    enc.encode(value, type=ann)
    dec = gob.Decoder(io.BytesIO(out.getvalue()))
    dec.skip()
    again = dec.decode(into=ann)
    if stable:
        assert gob.dumps(again, type=ann) == encoded


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_streams_of_mixed_types(data):
    anns = data.draw(st.lists(TYPES, min_size=1, max_size=5))
    items = []
    for ann in anns:
        v = data.draw(S.values(gob.go_type(ann)))
        if v is None and gob.go_type(ann).kind in ("ptr", "struct"):
            continue
        items.append((ann, v))
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for ann, v in items:
        enc.encode(v, type=ann)
    dec = gob.Decoder(io.BytesIO(out.getvalue()))
    for ann, v in items:
        back = dec.decode(into=ann)
        if not _has_nan(v):
            assert back == S.normalize(gob.go_type(ann), v)
