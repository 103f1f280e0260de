"""The C struct loops (gostd._core GobEncPlan/GobDecPlan, src/_core/gob.c)
against the generated Python code they stand for: same bytes, same values,
same error texts, on well-formed, odd and hostile input; no reference or
memory leaks.  The whole gob suite also runs with GOSTD_GOB_PURE=1 (CI runs
it both ways), which turns the C loops off."""

from __future__ import annotations

import dataclasses
import gc
import io
import math
import os
import subprocess
import sys
import threading
import tracemalloc
from dataclasses import dataclass, field
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gostd.encoding import gob
from gostd.encoding.gob import _accel
from gostd.encoding.gob import _types as T
from gostd.encoding.gob._decgen import struct_decoder
from gostd.encoding.gob._decops import _op_string_elem
from gostd.encoding.gob._encoder import value_op

C = _accel.EncPlan is not None
needs_c = pytest.mark.skipif(not C, reason="C gob loops disabled (GOSTD_GOB_PURE=1)")


@dataclass
class Sub:
    X: int = 0


@dataclass
class Wide:
    I: int = 0
    U: gob.uint64 = 0
    F: float = 0.0
    S: str = ""
    B: bool = False
    Bs: bytes = b""
    Ss: list[str] = field(default_factory=list)
    N: Sub = field(default_factory=Sub)
    I8: gob.int8 = 0
    P: Optional[int] = None
    Is: list[int] = field(default_factory=list)
    U8: gob.uint8 = 0


@dataclass(frozen=True)
class Frozen:
    A: int = 0
    S: str = ""
    T: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Slotted:
    A: int = 0
    F: float = 0.0
    S: str = ""


@dataclass
class Item:
    ID: gob.uint64 = 0
    Name: str = ""
    Price: float = 0.0
    Tags: list[str] = field(default_factory=list)


class MyInt(int):
    pass


class MyStr(str):
    pass


def _items(n: int) -> list[Item]:
    return [Item(i, f"item-{i}", i * 1.5, ["a", "bb"]) for i in range(n)]


# --- encoding ---------------------------------------------------------------

_odd = st.one_of(
    st.integers(), st.integers(-(1 << 64), 1 << 64), st.booleans(), st.none(),
    st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, math.inf, 1.5]),
    st.text(max_size=8), st.text(alphabet=st.characters(), max_size=4),
    st.just("\udcff\udc80"), st.binary(max_size=6), st.builds(bytearray, st.binary(max_size=3)),
    st.lists(st.text(max_size=3), max_size=3), st.tuples(st.text(max_size=2)),
    st.lists(st.one_of(st.text(max_size=2), st.integers(), st.none()), max_size=3),
    st.builds(MyInt, st.integers(-5, 5)), st.builds(MyStr, st.text(max_size=3)),
    st.builds(Sub, st.integers()),
)


def _run_enc(op, v):
    b = bytearray(b"\x05")
    try:
        op(None, b, v)
    except Exception as exc:        # noqa: BLE001 - compared below
        return type(exc).__name__, str(exc)
    return "ok", bytes(b)


def _wide_values():
    names = [f.name for f in dataclasses.fields(Wide)]
    return st.fixed_dictionaries({n: _odd for n in names}).map(
        lambda kw: _set_all(Wide(), kw))


def _set_all(obj, kw):
    for k, v in kw.items():
        object.__setattr__(obj, k, v)
    return obj


@needs_c
def test_plans_are_used():
    assert type(value_op(T.go_type(Item))).__name__ == "GobEncPlan"
    assert type(value_op(T.go_type(list[Item]))).__name__ == "GobEncPlan"
    data = gob.dumps(_items(3))
    dec = gob.Decoder(io.BytesIO(data))
    assert dec.decode(into=list[Item]) == _items(3)
    assert any(type(e[0]).__name__ == "GobDecPlan" for e in dec._engines.values())


@needs_c
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(v=_wide_values())
def test_encode_matches_python_on_odd_values(v):
    op = value_op(T.go_type(Wide))
    assert _run_enc(op, v) == _run_enc(op.fallback, v)


@needs_c
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(vs=st.lists(st.one_of(_wide_values(), st.none()), max_size=4))
def test_encode_slices_match_python(vs):
    for typ in (list[Wide], list[Optional[Wide]]):
        op = value_op(T.go_type(typ))
        assert _run_enc(op, vs) == _run_enc(op.fallback, vs)
        assert _run_enc(op, tuple(vs)) == _run_enc(op.fallback, tuple(vs))


@needs_c
def test_encode_edge_values_match_python():
    op = value_op(T.go_type(Wide))
    cases = [Wide(I=(1 << 63) - 1), Wide(I=-(1 << 63)), Wide(I=1 << 63), Wide(U=(1 << 64) - 1),
             Wide(U=1 << 64), Wide(U=-1), Wide(F=float("nan")), Wide(F=-0.0), Wide(F=5e-324),
             Wide(S="x" * 300), Wide(S="é" * 100), Wide(Ss=["x" * 200, "é"]), Wide(B=1),
             Wide(Bs=bytearray(b"ab")), Wide(Ss=None), Wide(I8=300), Wide(U8=-1)]
    for v in cases:
        assert _run_enc(op, v) == _run_enc(op.fallback, v), v
    wide = dataclasses.make_dataclass("Many", [(f"F{i}", int, 0) for i in range(200)])
    op = value_op(T.go_type(wide))
    v = wide(**{f"F{i}": i * 1000 for i in range(200)})
    assert _run_enc(op, v) == _run_enc(op.fallback, v)
    assert gob.loads(gob.dumps(v), into=wide) == v


def test_roundtrip_through_streams():
    for cls, vals in [(Frozen, [Frozen(1, "é", ["a"]), Frozen()]),
                      (Slotted, [Slotted(1, 2.5, "x"), Slotted()]),
                      (Item, _items(50))]:
        out = io.BytesIO()
        enc = gob.Encoder(out)
        enc.encode(vals)
        for v in vals:
            enc.encode(v)
        dec = gob.Decoder(io.BytesIO(out.getvalue()))
        assert dec.decode(into=list[cls]) == vals
        assert [dec.decode(into=cls) for _ in vals] == vals


# --- decoding ---------------------------------------------------------------

def _engine(cls, values):
    """A Decoder that has compiled ``cls``'s plan; the message holding values."""
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(values, type=list[cls])
    first = out.getvalue()
    out.seek(0)
    out.truncate()
    enc.encode(values, type=list[cls])
    msg = out.getvalue()
    dec = gob.Decoder(io.BytesIO(first))
    dec.decode(into=list[cls])
    (key, eng), = [(k, e) for k, e in dec._engines.items() if k[0].cls is cls]
    one = eng[0]
    many = struct_decoder(*eng[2], slice_of=True, size=32, elem_go="main." + cls.__name__,
                          string_op=_op_string_elem)
    return dec, one, many, msg


def _run_dec(op, d, buf, pos):
    try:
        v, p = op(d, buf, pos)
    except Exception as exc:        # noqa: BLE001 - compared below
        return type(exc).__name__, str(exc)
    return "ok", repr(v), p


WIDE_VALUES = [Wide(I=-5, U=1 << 40, F=2.5, S="héllo", B=True, Bs=b"\0\1", Ss=["a", "", "b" * 200],
                    N=Sub(7), I8=-3, P=9, Is=[1, -1 << 40], U8=200),
               Wide(F=float("nan"), S="x" * 130, Ss=["\udcff"]), Wide()]
_WIDE = _engine(Wide, WIDE_VALUES)
_ITEM = _engine(Item, _items(20))
_FROZEN = _engine(Frozen, [Frozen(3, "s", ["t", "u"]), Frozen()])
_SLOTTED = _engine(Slotted, [Slotted(3, -1.0, "s"), Slotted()])
ENGINES = [_WIDE, _ITEM, _FROZEN, _SLOTTED]


def _check_dec(eng, buf, pos):
    d, one, many, _ = eng
    for op in (one, many):
        if C:
            assert type(op).__name__ == "GobDecPlan"
            for b in (bytes(buf), bytearray(buf)):
                assert _run_dec(op, d, b, pos) == _run_dec(op.fallback, d, b, pos)
        else:
            _run_dec(op, d, bytes(buf), pos)


@pytest.mark.parametrize("eng", ENGINES, ids=["wide", "item", "frozen", "slotted"])
def test_decode_truncations_match_python(eng):
    msg = eng[3]
    for cut in range(len(msg) + 1):
        for start in (0, 1, 2, 3):
            _check_dec(eng, msg[:cut], start)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(i=st.integers(0, len(ENGINES) - 1), data=st.binary(max_size=120),
       pos=st.integers(0, 4))
def test_decode_random_bytes_match_python(i, data, pos):
    _check_dec(ENGINES[i], data, pos)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(i=st.integers(0, len(ENGINES) - 1),
       edits=st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1,
                      max_size=6),
       cut=st.integers(0, 1 << 16), pos=st.integers(0, 4))
def test_decode_mutations_match_python(i, edits, cut, pos):
    msg = bytearray(ENGINES[i][3])
    for at, byte in edits:
        msg[at % len(msg)] = byte
    _check_dec(ENGINES[i], msg[:len(msg) - cut % 8], pos)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=200), cls=st.sampled_from([Item, Wide, Frozen, Slotted]))
def test_decoder_streams_never_crash(data, cls):
    # Whole streams: only GobError/EOFError come out, through the C path.
    stream = _ITEM[3] if cls is Item else b""
    dec = gob.Decoder(io.BytesIO(gob.dumps(cls()) + data + stream))
    for into in (cls, list[cls]):
        try:
            dec.decode(into=into)
        except (gob.GobError, EOFError):
            pass


def test_huge_claimed_counts_allocate_little():
    d, one, many, msg = _ITEM
    # A count of 2**20 structs followed by a few bytes.
    buf = bytes([0xFD, 0x10, 0x00, 0x00]) + b"\x01\x01\x00" * 4
    tracemalloc.start()
    try:
        r = _run_dec(many, d, buf, 0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r[0] == "GobError" and "length exceeds input size" in r[1]
    assert peak < 64 * 1024
    big = bytes([0xF8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    assert _run_dec(many, d, big, 0)[:2] == (
        "GobError", "gob: main.Item slice too big: 9223372036854775807 elements of 32 bytes")


# --- leaks and threads ---------------------------------------------------------

def _churn(n: int) -> None:
    items = _items(30)
    frozen = [Frozen(1, "é", ["a"])] * 5
    for _ in range(n):
        data = gob.dumps(items)
        assert gob.loads(data, into=list[Item]) == items
        gob.loads(gob.dumps(frozen), into=list[Frozen])
        for cut in (3, len(data) // 2, len(data) - 1):
            try:
                gob.loads(data[:cut], into=list[Item])
            except gob.GobError:
                pass
        for bad in ([Item(ID=-1)], Wide(Ss=["a", 1])):
            try:
                gob.dumps(bad)
            except gob.GobError:
                pass


def test_no_reference_leaks():
    name = "leak-probe-" + str(os.getpid())
    tag = "tag-" + str(os.getpid())
    item = Item(1 << 40, name, 2.5, [tag])
    probe = [item] * 3
    _churn(3)
    gc.collect()
    before = (sys.getrefcount(name), sys.getrefcount(tag), sys.getrefcount(Item))
    total = getattr(sys, "gettotalrefcount", None)
    t0 = total() if total else 0
    for _ in range(200):
        data = gob.dumps(probe)
        gob.loads(data, into=list[Item])
    _churn(50)
    gc.collect()
    assert (sys.getrefcount(name), sys.getrefcount(tag), sys.getrefcount(Item)) == before
    if total:
        assert total() - t0 < 1000


def _gob_memory() -> int:
    # Only what gob and this file allocated (threads other tests leave
    # running allocate too); C allocations count against the calling line.
    snap = tracemalloc.take_snapshot().filter_traces([
        tracemalloc.Filter(True, "*encoding*gob*"),
        tracemalloc.Filter(True, "*test_accel*")])
    return sum(stat.size for stat in snap.statistics("filename"))


def test_no_memory_growth():
    # A leak grows every window; caches (and, free-threaded, delayed frees)
    # settle after the first.
    _churn(20)
    gc.collect()
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(3):
            _churn(150)
            gc.collect()
            sizes.append(_gob_memory())
    finally:
        tracemalloc.stop()
    grown = min(sizes[1] - sizes[0], sizes[2] - sizes[1])
    assert grown < 16 * 1024, sizes


def test_threads_share_plans_while_lists_change():
    # Free-threaded builds: plans are shared and lists change while they are
    # encoded.  Nothing crashes; a slice that changed length between its
    # count and its elements makes a message that fails to decode with
    # GobError (as in Go, racing on a value is the caller's bug).
    tags = ["a", "b"]
    items = [Item(i, "n", 1.0, tags) for i in range(50)]
    stop = threading.Event()
    errors = []

    def mutate():
        while not stop.is_set():
            tags.append("c" * 10)
            del tags[2:]
            items.append(Item())
            items.pop()

    def work():
        try:
            for _ in range(200):
                data = gob.dumps(items)
                try:
                    back = gob.loads(data, into=list[Item])
                except gob.GobError:
                    continue
                assert back[0].ID == 0
        except Exception as exc:    # noqa: BLE001
            errors.append(exc)

    m = threading.Thread(target=mutate)
    m.start()
    ws = [threading.Thread(target=work) for _ in range(3)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    stop.set()
    m.join()
    assert not errors


def test_pure_switch():
    code = ("from gostd.encoding.gob import _accel, _encoder, _types as T; "
            "from dataclasses import dataclass\n"
            "@dataclass\nclass A:\n    X: int = 0\n"
            "print(_accel.EncPlan is None, type(_encoder.value_op(T.go_type(A))).__name__)")
    env = dict(os.environ, GOSTD_GOB_PURE="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "function"]


# --- error paths: memory safety and leaks ---------------------------------------

@needs_c
def test_op_returning_negative_pos_is_an_error_not_a_wild_read():
    # A plan trusts nothing its ops return: a negative position used to be
    # read as buf[pos] in C (out of bounds, a crash) -- gob.c take_pair.
    from gostd._core import GobDecPlan
    from gostd.encoding.gob._wiretype import read_uint

    class Obj:
        pass

    def bad_op(d, buf, pos):
        return 0, -(1 << 40)

    fields = ((_accel.DEC_OTHER, 0, bad_op), (0, 0, None))
    pl = GobDecPlan(fields, ("A",), ((False, 0),), False, Obj, None, gob.GobError, read_uint,
                    None, False, 0, "")
    for buf in (b"\x01\x01\x00", bytearray(b"\x01\x01\x00")):
        with pytest.raises(ValueError, match="negative position"):
            pl(None, buf, 0)

    def bad_read_uint(buf, pos):
        return 1, -3
    pl = GobDecPlan(((0, 0, None),), ("A",), ((False, 0),), False, Obj, None, gob.GobError,
                    bad_read_uint, None, False, 0, "")
    with pytest.raises(ValueError, match="negative position"):
        pl(None, b"\xfa\x00", 0)        # a delta too long for the inline read


def _error_cases():
    """(name, thunk) pairs, each raising through one error path of gob.c."""
    d, one, many, msg = _ITEM
    wd, wone, wmany, wmsg = _WIDE
    tag = "err-tag-" + str(os.getpid())
    cases = []
    for cut in (0, 1, 2, len(msg) // 3, len(msg) - 1):
        for buf in (msg[:cut], bytearray(msg[:cut])):
            cases.append(("truncated", lambda buf=buf: many(d, buf, 0)))
    for cut in (1, 2, 5, len(wmsg) // 2, len(wmsg) - 2):
        cases.append(("truncated wide", lambda cut=cut: wmany(wd, wmsg[:cut], 0)))
    # A field delta past the last field, a negative delta, truncated long ints.
    cases.append(("bad delta", lambda: one(d, b"\x01\x02\x50\x00", 0)))
    cases.append(("negative delta", lambda: one(d, b"\xf8\xff\xff\xff\xff\xff\xff\xff\xff", 0)))
    cases.append(("long int", lambda: one(d, b"\x01\xf0\x01\x00", 0)))
    cases.append(("truncated uint", lambda: one(d, b"\x01\xfd\x01", 0)))
    # []string: too big, truncated, elements past the end.
    cases.append(("strslice too big", lambda: one(d, b"\x04\xf8\x7f\xff\xff\xff\xff\xff\xff\xff", 0)))
    cases.append(("strslice short", lambda: one(d, b"\x04\x05\x01a\x01b", 0)))
    cases.append(("strslice long elem", lambda: one(d, b"\x04\x02\x01a\xfe\x01\x00", 0)))
    cases.append(("slice too big", lambda: many(d, bytes([0xF8, 0x7F] + [0xFF] * 7), 0)))
    # Values of the wrong types, encoded.
    wrong = [Item(ID=-1), Item(ID=1 << 64), Item(Price="x"), Item(Tags=5), Item(Tags=[tag, "\ud800"]),
             Wide(Bs=3), Wide(U=1 << 70), Wide(I=1 << 70), Wide(S="\ud800")]
    for w in wrong:
        cases.append(("wrong type", lambda w=w: gob.dumps(w)))
        cases.append(("wrong type in slice", lambda w=w: gob.dumps([type(w)(), w])))
    cases.append(("nil element", lambda: gob.dumps([Item(), None], type=list[Optional[Item]])))
    missing = Slotted()
    del missing.S
    cases.append(("missing attribute", lambda: gob.dumps(missing)))
    cases.append(("missing attribute in slice", lambda: gob.dumps([Slotted(), missing])))
    return tag, cases


def _run_cases(cases, n):
    for _ in range(n):
        for _name, thunk in cases:
            try:
                thunk()
            except Exception:       # noqa: BLE001 - each case raises something
                pass
            else:
                raise AssertionError(f"{_name}: no error")


def test_error_paths_raise_and_do_not_leak_references():
    tag, cases = _error_cases()
    objs = (tag, Item, Wide, Slotted, gob.GobError)
    _run_cases(cases, 20)
    gc.collect()
    before = [sys.getrefcount(o) for o in objs]
    live = len(gc.get_objects())
    _run_cases(cases, 10_000 // len(cases) + 1)
    gc.collect()
    assert [sys.getrefcount(o) for o in objs] == before
    # Leaked lists, instances, exceptions...: tracked objects that stay alive.
    assert len(gc.get_objects()) - live < 200


def test_error_paths_do_not_grow_memory():
    _tag, cases = _error_cases()
    _run_cases(cases, 20)
    gc.collect()
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(3):
            _run_cases(cases, 150)
            gc.collect()
            snap = tracemalloc.take_snapshot().filter_traces([
                tracemalloc.Filter(True, "*encoding*gob*"),
                tracemalloc.Filter(True, "*test_accel*")])
            sizes.append(sum(s.size for s in snap.statistics("filename")))
    finally:
        tracemalloc.stop()
    grown = min(sizes[1] - sizes[0], sizes[2] - sizes[1])
    assert grown < 16 * 1024, sizes
