"""The article's programs in examples/rpc_*.py run and print what the article shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _run(name: str) -> list[str]:
    out = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_http_example() -> None:
    assert _run("rpc_http.py") == ["Arith: 7*8=56", "Arith: 15/6=2 remainder 3",
                                   "arith error: divide by 0"]


def test_tcp_example() -> None:
    assert _run("rpc_tcp.py") == ["Arith: 7*8=56", "Arith: 15/6=2 remainder 3"]


def test_math_name_example() -> None:
    assert _run("rpc_math.py") == ["math.Multiply: 7*8=56",
                                   "Arith.Multiply: rpc: can't find service Arith.Multiply"]


def test_async_example_ticks_while_waiting() -> None:
    lines = _run("rpc_async.py")
    results = [x for x in lines if x != "tick"]
    assert sorted(results) == ["Arith: 15*6=90", "Arith: 15/6=2 remainder 3"]
    assert lines.count("tick") >= 1  # at least one tick while the 10 ms Divide runs
    assert lines[-1] != "tick"  # the loop ends with the last reply
