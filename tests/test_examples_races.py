"""The data-race examples run as standalone programs and print what the article says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str) -> list[str]:
    proc = subprocess.run([sys.executable, str(EXAMPLES / name)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def tally(line: str) -> dict[int, int]:
    m = re.fullmatch(r"500 runs: (.*)", line)
    assert m, line
    out = {}
    for part in m.group(1).split(", "):
        value, count = part.split(" x")
        out[int(value)] = int(count)
    assert sum(out.values()) == 500
    return out


def test_race_getnumber_returns_0_or_5() -> None:
    first, summary = run_example("race_getnumber.py")
    assert first in ("0", "5")
    assert set(tally(summary)) <= {0, 5}


@pytest.mark.parametrize("name", ["fix_waitgroup.py", "fix_done_channel.py"])
def test_ordering_fixes_always_return_5(name: str) -> None:
    first, summary = run_example(name)
    assert first == "5"
    assert tally(summary) == {5: 500}


def test_mutex_fix_returns_0_or_5_never_anything_else() -> None:
    first, summary = run_example("fix_mutex.py")
    assert first in ("0", "5")
    assert set(tally(summary)) <= {0, 5}


def test_counter_mutex_gets_1000_unguarded_never_more() -> None:
    unguarded, guarded = run_example("counter_1000_goroutines.py")
    m = re.fullmatch(r"unguarded: (\d+)", unguarded)
    assert m and 1 <= int(m.group(1)) <= 1000
    assert guarded == "mutex: 1000"


def test_tour_section_runs() -> None:
    from gostd._tour import races
    lines: list[str] = []
    races.run(lines.append)
    text = "\n".join(lines)
    assert "always 5" in text
    assert "under a Mutex: n = 1000" in text
