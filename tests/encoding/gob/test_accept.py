"""Acceptance against a second Go program (goaccept/main.go) with a table of
values of many Go types: embedded structs, unexported fields, nested maps,
interfaces holding registered structs, pointers, named slices and maps,
GobEncoder/BinaryMarshaler types, times, recursive and mutually recursive
types, extremes of every number kind.  Each case is checked four ways:
Python decodes Go's bytes into the declared type and in plain form, Python's
encoding equals Go's byte for byte, and Go decodes Python's encoding into
the Go type and finds what it would decode from its own.  Skipped only when
``go`` is not on PATH."""

from __future__ import annotations

import dataclasses
import datetime
import io
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import _accept_decls as A  # noqa: E402

from gostd.encoding import gob  # noqa: E402

SRC = Path(__file__).parent / "goaccept" / "main.go"
EXACT = [n for n, (_, _, exact) in A.CASES.items() if exact]


@pytest.fixture(scope="module")
def goaccept(tmp_path_factory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("go is not on PATH")
    d = tmp_path_factory.mktemp("goaccept")
    shutil.copy(SRC, d / "main.go")
    env = dict(os.environ, HOME=str(d), GOCACHE=str(d / "cache"),
               GOPATH=str(d / "gopath"), GO111MODULE="off", CGO_ENABLED="0")
    subprocess.run([go, "build", "-o", str(d / "goaccept"), "main.go"], cwd=d,
                   env=env, check=True, timeout=300, capture_output=True)
    return d / "goaccept"


def _run(exe: Path, args: list[str], data: bytes = b"") -> bytes:
    p = subprocess.run([str(exe), *args], input=data, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


@pytest.fixture(scope="module")
def go_bytes(goaccept) -> dict[str, bytes]:
    """Each case as a fresh Go process encodes it: name, then value."""
    return {name: _run(goaccept, ["emit", name]) for name in A.CASES}


def canon(v):
    """A comparable rendering: floats by bits (NaN-safe), times with their
    offsets, classes by name."""
    if isinstance(v, float):
        return ("f", type(v).__name__, math.copysign(1, v), v if v == v else "nan")
    if isinstance(v, complex):
        return ("c", canon(v.real), canon(v.imag))
    if isinstance(v, datetime.datetime):
        return ("t", v.isoformat(), getattr(v, "nanosecond", v.microsecond * 1000))
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [canon(x) for x in v])
    if isinstance(v, dict):
        return (type(v).__name__, sorted((repr(canon(k)), canon(x)) for k, x in v.items()))
    if dataclasses.is_dataclass(v):
        return (type(v).__name__, [(f.name, canon(getattr(v, f.name)))
                                   for f in dataclasses.fields(v)])
    if isinstance(v, A.Temp):
        return ("Temp", v.milli)
    if isinstance(v, A.Tick):
        return ("Tick", v.n)
    return (type(v).__name__, v)


def test_go_program_has_the_same_cases(goaccept):
    assert _run(goaccept, ["names"]).decode().split() == list(A.CASES)


@pytest.mark.parametrize("name", list(A.CASES))
def test_go_to_python(go_bytes, name):
    ann, want, _ = A.CASES[name]
    dec = gob.Decoder(io.BytesIO(go_bytes[name]))
    assert dec.decode(into=str) == name
    assert canon(dec.decode(into=ann)) == canon(want)
    with pytest.raises(EOFError):
        dec.decode()
    plain = gob.Decoder(io.BytesIO(go_bytes[name]))
    assert plain.decode() == name
    plain.decode()
    skip = gob.Decoder(io.BytesIO(go_bytes[name]))
    skip.skip()
    skip.skip()
    with pytest.raises(EOFError):
        skip.decode()


@pytest.mark.parametrize("name", EXACT)
def test_python_encodes_go_bytes(go_bytes, name):
    ann, value, _ = A.CASES[name]
    out = io.BytesIO()
    enc = gob.Encoder(out)
    enc.encode(name)
    enc.encode(value, type=ann)
    assert out.getvalue().hex() == go_bytes[name].hex()


def _python_stream(names) -> bytes:
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for name in names:
        ann, value, _ = A.CASES[name]
        enc.encode(name)
        enc.encode(value, type=ann)
    return out.getvalue()


def test_go_decodes_python(goaccept):
    """Every case, on one stream (type ids reused, definitions sent once)."""
    report = _run(goaccept, ["check"], _python_stream(A.CASES)).decode().splitlines()
    bad = [line for line in report if not line.startswith("ok ")]
    assert not bad
    assert len(report) == len(A.CASES)


def test_one_stream_many_values_both_ways(goaccept):
    # (Go's Point is one type; FPoint is a second Python class for it.)
    names = [n for n in EXACT if n != "map_struct_key"]
    data = _run(goaccept, ["emit", *names])
    assert _python_stream(names) == data
    dec = gob.Decoder(io.BytesIO(data))
    for name in names:
        assert dec.decode(into=str) == name
        assert canon(dec.decode(into=A.CASES[name][0])) == canon(A.CASES[name][1])
    with pytest.raises(EOFError):
        dec.decode()


def test_renamed_reordered_missing_and_extra_fields(go_bytes):
    dec = gob.Decoder(io.BytesIO(go_bytes["sender"]))
    dec.decode()
    assert dec.decode(into=A.Receiver) == A.Receiver(Other="o", Extra="default", Keep=1)


def test_int_into_narrow_field_out_of_range(go_bytes):
    @dataclasses.dataclass
    class Args:
        A: gob.int8 = 0
        B: gob.int8 = 0

    dec = gob.Decoder(io.BytesIO(go_bytes["args_neg"]))
    dec.decode()
    with pytest.raises(gob.GobError, match='^value for "B" out of range$'):
        dec.decode(into=Args)


def test_decode_errors_have_go_texts(goaccept):
    """Go decodes each of its streams into a mismatched type; Python decoding
    the same bytes into the corresponding type reports the same text."""
    lines = _run(goaccept, ["mismatch"]).decode().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == list(A.MISMATCH_INTO)
    for line in lines:
        name, hexdata, want = line.split(" ", 2)
        if want == "ok":   # (Go accepts it: so must we)
            gob.loads(bytes.fromhex(hexdata), into=A.MISMATCH_INTO[name])
            continue
        with pytest.raises(gob.GobError) as ei:
            gob.loads(bytes.fromhex(hexdata), into=A.MISMATCH_INTO[name])
        assert (name, str(ei.value)) == (name, want)


class _Trickle:
    """A reader returning one byte per read(), like a slow pipe."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int = -1) -> bytes:
        out = self.data[self.pos:self.pos + (1 if n != 0 else 0)]
        self.pos += len(out)
        return out


def test_every_case_through_one_byte_reads(goaccept):
    names = list(A.CASES)
    dec = gob.Decoder(_Trickle(_run(goaccept, ["emit", *names])))
    for name in names:
        assert dec.decode(into=str) == name
        assert canon(dec.decode(into=A.CASES[name][0])) == canon(A.CASES[name][1])
    with pytest.raises(EOFError):
        dec.decode()
