"""examples/gob_args.py runs as a program and writes exactly Go's bytes."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = pathlib.Path(__file__).resolve().parent / "vectors" / "gob_composites.json"


def _go_hex(name):
    vectors = json.loads(VECTORS.read_text())["vectors"]
    return next(v["hex"] for v in vectors if v["name"] == name)


def test_gob_args_example():
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "gob_args.py")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"Args{{7, 8}} as gob: {_go_hex('struct_Args_7_8')}"
    assert "decoded into Args: Args(A=7, B=8)" in lines
    assert "decoded without a type: {'A': 7, 'B': 8}" in lines
    assert ("read back: Args(A=15, B=6), Quotient(Quo=2, Rem=3), Args(A=1, B=0)"
            in lines)
    assert "then EOFError: the clean end of the stream" in lines
    assert any(line.startswith("Args into Quotient: GobError: gob: type mismatch")
               for line in lines)
