"""Regression tests (no Go needed) for values whose Go type Python's own
types cannot say: named non-struct types declared by a class
(``__gob_type__``), containers carrying their Go type (``gob.typed``,
also what interface values decode to when inference would not reproduce
their type), and times with nanoseconds (``gob.Time``)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
from dataclasses import dataclass, field
from typing import Any, Optional

import pytest

from gostd.encoding import gob

UTC = dt.timezone.utc


class Tags(list):
    """Go: type Tags []string"""
    __gob_type__ = list[str]


class Scores(dict):
    """Go: type Scores map[string]int"""
    __gob_type__ = dict[str, int]


class Millis(int):
    """Go: package clock; type Millis int32"""
    __gob_type__ = gob.int32
    __gob_package__ = "clock"


class Grid(tuple):
    """Go: type Grid [2]uint8"""
    __gob_type__ = tuple[gob.uint8, gob.uint8]


@dataclass
class Rec:
    T: Tags = field(default_factory=Tags)
    S: Optional[Scores] = None
    M: Millis = Millis(0)
    G: Grid = Grid((0, 0))
    V: Any = None


for _cls in (Tags, Scores, Millis, Grid):
    gob.register(_cls)


@dataclass
class Holder:
    V: Any = None


def test_named_classes_have_go_names_and_decode_to_the_class():
    assert gob.go_type(Tags).go == "main.Tags"
    assert gob.go_type(Millis).go == "clock.Millis"
    # Go: gob.NewEncoder(w).Encode(Tags{"a"}) names the slice type "Tags".
    assert gob.dumps(Tags(["a"])).hex() == "12ff81020101045461677301ff8200010c000006ff8200010161"
    for v in (Tags(["a", "b"]), Scores(x=1), Millis(-5), Grid((1, 2))):
        back = gob.loads(gob.dumps(v), into=type(v))
        assert type(back) is type(v) and back == v
    rec = Rec(Tags(["x"]), Scores(y=2), Millis(7), Grid((3, 4)), Millis(9))
    back = gob.loads(gob.dumps(rec), into=Rec)
    assert back == rec
    assert [type(x) for x in (back.T, back.S, back.M, back.G, back.V)] == [
        Tags, Scores, Millis, Grid, Millis]
    empty = gob.loads(gob.dumps(Rec()), into=Rec)
    assert (type(empty.T), type(empty.M), type(empty.G)) == (Tags, Millis, Grid)
    assert empty == Rec()


def test_named_classes_in_interfaces_keep_their_names():
    data = gob.dumps(Holder(Millis(3)))
    assert b"\x0cclock.Millis" in data
    back = gob.loads(data, into=Holder)
    assert type(back.V) is Millis and back.V == 3
    assert gob.dumps(back) == data
    with pytest.raises(gob.GobError, match=r"^gob: value 2147483648 out of range for clock.Millis$"):
        gob.dumps(Holder(Millis(1 << 31)))


def test_typed_containers_travel_as_their_go_type():
    ints = gob.typed([1, 2], list[Any])
    assert ints == [1, 2] and gob.infer_type(ints).go == "[]interface {}"
    gob.register(list[Any])
    gob.register(dict[str, Any])
    data = gob.dumps(Holder(ints))
    assert b"\x0e[]interface {}" in data
    back = gob.loads(data, into=Holder).V
    assert isinstance(back, gob.GoList) and back == [1, 2]
    assert gob.dumps(Holder(back)) == data
    # plain inference would say []int: interface values that need it come back typed
    assert type(gob.loads(gob.dumps(Holder([1, 2])), into=Holder).V) is list
    nested = Holder(gob.typed({"k": gob.typed([gob.typed({}, dict[str, Any])], list[Any])},
                              dict[str, Any]))
    data = gob.dumps(nested)
    assert gob.dumps(gob.loads(data, into=Holder)) == data
    assert gob.dumps(Holder(gob.loads(data)["V"])) == data   # plain form too
    with pytest.raises(gob.GobError, match="typed"):
        gob.typed([1], int)


def test_arrays_in_interfaces_stay_arrays():
    gob.register(tuple[int, int, int])
    data = gob.dumps(Holder(gob.typed((1, 2, 3), tuple[int, int, int])))
    assert b"\x06[3]int" in data
    back = gob.loads(data, into=Holder).V
    assert back == (1, 2, 3) and isinstance(back, gob.GoTuple)
    assert gob.dumps(Holder(back)) == data


def test_time_keeps_nanoseconds():
    # Go: time.Date(2023, 3, 4, 5, 6, 7, 123456789, time.UTC) as MarshalBinary
    data = bytes.fromhex("10ff810501010454696d6501ff82000000"
                         "13ff82000f010000000edb94c8bf075bcd15ffff")
    t = gob.loads(data)
    assert isinstance(t, gob.Time) and t.nanosecond == 123456789
    assert t == dt.datetime(2023, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    assert gob.dumps(t) == data
    assert "nanosecond=123456789" in repr(t)
    # whole microseconds stay plain datetimes
    plain = gob.dumps(dt.datetime(2023, 3, 4, 5, 6, 7, 123456, tzinfo=UTC))
    assert type(gob.loads(plain)) is dt.datetime
    made = gob.Time.with_nanosecond(dt.datetime(2023, 3, 4, 5, 6, 7, tzinfo=UTC), 123456789)
    assert gob.dumps(made) == data
    with pytest.raises(ValueError):
        gob.Time.with_nanosecond(made, 10**9)
    for copied in (pickle.loads(pickle.dumps(made)), copy.deepcopy(made)):
        assert type(copied) is gob.Time and copied.nanosecond == 123456789


def test_decoder_stream_of_named_and_typed_values():
    out = io.BytesIO()
    enc = gob.Encoder(out)
    values = [Tags(["a"]), Holder(Scores(z=26)), Holder(gob.typed([], list[Any])), Tags()]
    for v in values:
        enc.encode(v)
    dec = gob.Decoder(io.BytesIO(out.getvalue()))
    assert [dec.decode(into=type(v)) for v in values] == values
