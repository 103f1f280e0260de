"""go(): goroutines run concurrently, do not keep the process alive, never lose exceptions."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from gostd import Chan, go
from gostd_testutil import TIMEOUT

# A wrong implementation fails here instead of hanging (each blocking call in
# a goroutine is also joined with its own timeout).
pytestmark = pytest.mark.timeout(60)


def test_go_runs_fn_with_args_and_kwargs() -> None:
    out = Chan(1)
    t = go(lambda a, b, *, c: out.send((a, b, c)), 1, 2, c=3)
    assert isinstance(t, threading.Thread)
    t.join(TIMEOUT)
    assert not t.is_alive()
    assert out.recv() == (1, 2, 3)


def test_go_thread_is_daemon_and_named() -> None:
    def work() -> None:
        pass
    t = go(work)
    t.join(TIMEOUT)
    assert t.daemon
    assert t.name.startswith("goroutine-") and "(work)" in t.name


def test_go_returns_before_fn_finishes() -> None:
    gate = threading.Event()
    t = go(gate.wait, TIMEOUT)
    assert t.is_alive()
    gate.set()
    t.join(TIMEOUT)
    assert not t.is_alive()


def test_goroutines_run_concurrently() -> None:
    # Two goroutines that each need the other to progress: only concurrency ends this.
    a, b = Chan(), Chan()
    done = Chan(2)
    go(lambda: (a.send(1), b.recv(), done.send("x")))
    go(lambda: (a.recv(), b.send(2), done.send("y")))
    got = {done.recv(), done.recv()}
    assert got == {"x", "y"}


def test_go_rejects_non_callable() -> None:
    with pytest.raises(TypeError, match="not callable"):
        go(42)  # type: ignore[arg-type]


def test_escaping_exception_reaches_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", seen.append)

    def boom() -> None:
        raise ValueError("boom in goroutine")

    t = go(boom)
    t.join(TIMEOUT)
    assert len(seen) == 1
    args = seen[0]
    assert args.exc_type is ValueError
    assert str(args.exc_value) == "boom in goroutine"
    assert args.exc_traceback is not None
    assert args.thread is t


def _run(code: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=timeout)


def test_escaping_exception_printed_with_traceback() -> None:
    proc = _run("""
        from gostd import go
        def explode():
            raise KeyError("lost?")
        go(explode).join(10)
        print("main continues")
    """)
    assert proc.returncode == 0
    assert "main continues" in proc.stdout
    assert "Traceback (most recent call last)" in proc.stderr
    assert "in explode" in proc.stderr
    assert "KeyError: 'lost?'" in proc.stderr


def test_goroutine_does_not_keep_process_alive() -> None:
    proc = _run("""
        import threading
        from gostd import go
        go(threading.Event().wait)          # blocks forever
        print("bye")
    """, timeout=20)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "bye"
