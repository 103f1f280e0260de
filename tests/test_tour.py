"""`gostd tour` and `python -m gostd tour` run every section and exit 0."""

import os
import shutil
import subprocess
import sys

import pytest

from gostd._tour import SECTIONS


def _check(out):
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for title, _ in SECTIONS:
        assert f"=== {title} ===" in out.stdout
    assert f"tour: {len(SECTIONS)} of {len(SECTIONS)} sections ok" in out.stdout
    assert "FAILED" not in out.stdout


def test_python_m_gostd_tour():
    _check(subprocess.run([sys.executable, "-m", "gostd", "tour"],
                          capture_output=True, text=True, timeout=120))


def test_gostd_console_script_tour():
    # pip puts console scripts beside the interpreter (a venv's bin/).
    exe = shutil.which("gostd", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the gostd console script is not installed beside this interpreter")
    _check(subprocess.run([exe, "tour"], capture_output=True, text=True, timeout=120))


def test_tour_covers_the_article():
    modules = [module for _, module in SECTIONS]
    assert modules == ["syncmap", "atomic", "races", "locks", "gob", "rpc"]


def test_unknown_command_is_a_usage_error():
    out = subprocess.run([sys.executable, "-m", "gostd", "nope"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "invalid choice" in out.stderr
