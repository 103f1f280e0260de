"""Go interop: Python-encoded streams decoded and re-encoded by a real Go
program (tests/encoding/gob/goapp), and Go-generated streams decoded by
Python, on a wide generated set.  Skipped only when ``go`` is not on PATH."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import _gob_decls as D  # noqa: E402
import _gob_strategies as S  # noqa: E402

from gostd.encoding import gob  # noqa: E402

GOAPP_SRC = Path(__file__).parent / "goapp" / "main.go"


@pytest.fixture(scope="module")
def goapp(tmp_path_factory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("go is not on PATH")
    d = tmp_path_factory.mktemp("goapp")
    shutil.copy(GOAPP_SRC, d / "main.go")
    env = dict(os.environ, HOME=str(d), GOCACHE=str(d / "cache"),
               GOPATH=str(d / "gopath"), GO111MODULE="off", CGO_ENABLED="0")
    subprocess.run([go, "build", "-o", str(d / "goapp"), "main.go"], cwd=d,
                   env=env, check=True, timeout=300, capture_output=True)
    return d / "goapp"


def _run(goapp: Path, args: list[str], data: bytes = b"") -> bytes:
    p = subprocess.run([str(goapp), *args], input=data, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


def _encode_pairs(pairs) -> bytes:
    out = io.BytesIO()
    enc = gob.Encoder(out)
    for name, v in pairs:
        enc.encode(name)
        enc.encode(v, type=D.GO_TYPES[name])
    return out.getvalue()


def _decode_pairs(data: bytes):
    dec = gob.Decoder(io.BytesIO(data))
    pairs = []
    while True:
        try:
            name = dec.decode(into=str)
        except EOFError:
            return pairs
        pairs.append((name, dec.decode(into=D.GO_TYPES[name])))


def test_go_program_knows_the_same_types(goapp):
    assert set(_run(goapp, ["types"]).decode().split("\n")) - {""} == set(D.GO_TYPES)


@pytest.mark.parametrize("seed", range(12))
def test_go_to_python_and_back_byte_identical(goapp, seed):
    """Python decodes Go's random values and re-encodes them to exactly the
    bytes Go's own decode + re-encode gives (the same as the original except
    where Go itself is lossy: negative time offsets with odd seconds)."""
    data = _run(goapp, ["gen", str(seed), "8"])
    go_again = _run(goapp, ["echo"], data)
    pairs = _decode_pairs(data)
    assert len(pairs) == 8 * len(D.GO_TYPES)
    again = _encode_pairs(pairs)
    assert again == go_again
    # and Go reads Python's stream the way Python does
    assert _run(goapp, ["echo"], again) == _encode_pairs(_decode_pairs(again))


def _pairs_strategy():
    one = st.one_of([S.values(gob.go_type(t)).map(lambda v, n=n: (n, v))
                     for n, t in sorted(D.GO_TYPES.items())])
    return st.lists(one, min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(pairs=_pairs_strategy())
def test_python_to_go_and_back(goapp, pairs):
    """Go decodes Python's stream and re-encodes it to exactly the bytes that
    Python's own decode + re-encode gives (byte-identical to the input unless
    a time has a negative odd-second offset, which Go 1.19 shifts)."""
    data = _encode_pairs(pairs)
    echoed = _run(goapp, ["echo"], data)
    back = _decode_pairs(data)
    assert [n for n, _ in back] == [n for n, _ in pairs]
    assert echoed == _encode_pairs(back)
    if not any(S.odd_negative_offset(v) for _, v in pairs):
        assert echoed == data
