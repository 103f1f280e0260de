"""gob from many threads at once (issue 14, items 3 and 15): compiling a
type for the first time while other threads do the same, and encoding a
value another thread is changing."""

from __future__ import annotations

import dataclasses
import io
import itertools
import sys
import threading

import pytest

from gostd.encoding import gob

_names = itertools.count()


@pytest.fixture
def fast_switching():
    """Switch threads as often as the interpreter can (GIL builds), so that
    races show within a few hundred tries."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _run_threads(n: int, fn) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run():
        try:
            barrier.wait(timeout=30)
            fn()
        except BaseException as exc:  # noqa: B036 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "thread hung"
    return errors


def test_first_compilation_from_eight_threads(fast_switching):
    """``loads(data, into=Cls)`` from 8 threads when the stream's preamble
    decoder is cached and (Cls, remote type) is compiled for the first
    time: every thread gets the value (it used to see half-built decoders:
    'gob: type mismatch: no fields matched compiling decoder')."""
    for _ in range(40):
        k = next(_names)
        item = dataclasses.make_dataclass(f"RaceItem{k}", [
            ("A", int), ("B", str), ("C", list[int]), ("D", dict[str, int])])
        outer = dataclasses.make_dataclass(f"RaceOuter{k}", [("X", int), ("Y", list[item])])
        value = outer(3, [item(1, "x", [1, 2], {"a": 1}), item(2, "y", [], {})])
        data = gob.dumps(value)
        assert gob.loads(data)["X"] == 3     # caches the preamble's decoder
        results = []
        errors = _run_threads(8, lambda: results.append(gob.loads(data, into=outer)))
        assert not errors, errors[:3]
        assert results == [value] * 8


def test_first_compilation_of_plain_and_skip_from_eight_threads(fast_switching):
    for _ in range(40):
        k = next(_names)
        inner = dataclasses.make_dataclass(f"RacePlain{k}", [("A", int), ("B", list[str])])
        value = [inner(i, ["s"] * i) for i in range(3)]
        data = gob.dumps(value, type=list[inner])
        gob.loads(data, into=list[inner])
        out = []

        def both():
            out.append(gob.loads(data))
            gob.Decoder(io.BytesIO(data)).skip()
        errors = _run_threads(8, both)
        assert not errors, errors[:3]
        assert out == [[{"A": i, "B": ["s"] * i} for i in range(3)]] * 8


def test_first_encoder_compilation_from_eight_threads(fast_switching):
    for _ in range(40):
        k = next(_names)
        inner = dataclasses.make_dataclass(f"RaceEnc{k}", [("A", int), ("B", str)])
        outer = dataclasses.make_dataclass(f"RaceEncOuter{k}", [("I", inner), ("L", list[inner])])
        value = outer(inner(1, "a"), [inner(2, "b")])
        out = []
        errors = _run_threads(8, lambda: out.append(gob.dumps(value)))
        assert not errors, errors[:3]
        assert len(set(out)) == 1 and gob.loads(out[0], into=outer) == value


@dataclasses.dataclass
class Bag:
    Items: list[int] = dataclasses.field(default_factory=list)
    Names: list[str] = dataclasses.field(default_factory=list)
    Counts: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Pt:
    X: int = 0


def test_containers_changed_while_encoding_never_corrupt_the_stream(fast_switching):
    """Another thread grows and shrinks the lists and dict being encoded:
    every stream written decodes, to a state the containers really had
    (the count is never written for one state and the items for another)."""
    bag = Bag(list(range(300)), ["n"] * 300, {str(i): i for i in range(300)})
    points = [Pt(i) for i in range(300)]
    stop = threading.Event()

    def mutate():
        i = 0
        while not stop.is_set():
            i += 1
            if i % 2:
                bag.Items.append(i)
                bag.Names.append("m")
                bag.Counts[f"k{i}"] = i
                points.append(Pt(i))
            else:
                bag.Items.pop()
                bag.Names.pop()
                bag.Counts.pop(f"k{i - 1}", None)
                points.pop()

    t = threading.Thread(target=mutate)
    t.start()
    try:
        for _ in range(200):
            try:
                data = gob.dumps(bag)
            except gob.GobError:
                continue        # failing cleanly is allowed; corrupting is not
            back = gob.loads(data, into=Bag)
            assert back.Items[:300] == list(range(300)) and len(back.Names) in (300, 301)
            assert len(back.Items) == len(back.Names) or abs(len(back.Items) - len(back.Names)) <= 1
            assert all(v == int(k.lstrip("k")) for k, v in back.Counts.items())
            data = gob.dumps(points, type=list[Pt])
            back = gob.loads(data, into=list[Pt])
            assert [p.X for p in back[:300]] == list(range(300)) and len(back) in (300, 301)
            assert gob.loads(data) == [{"X": p.X} for p in back]
    finally:
        stop.set()
        t.join(timeout=30)
