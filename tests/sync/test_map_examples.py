"""The sync.Map and atomic examples run as programs and print what they claim."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_example(name):
    return subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)],
                          capture_output=True, text=True, timeout=60)


def test_syncmap_vs_dict():
    out = run_example("syncmap_vs_dict.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "dict: RuntimeError: dictionary changed size during iteration" in out.stdout
    assert "sync.Map: 5 scans while writing" in out.stdout
    assert "no error" in out.stdout


def test_atomic_counter():
    out = run_example("atomic_counter.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1000 goroutines add(1): 1000" in out.stdout
    assert "addValue CAS loop, 50 goroutines x 200 x 3: 30000" in out.stdout
