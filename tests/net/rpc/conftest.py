"""Fixtures for the net/rpc tests: the article's Arith service, servers on
127.0.0.1 ephemeral ports, and the Go helper program (built once per session)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

from gostd.encoding import gob
import gostd.net.rpc as rpc
from gostd.net.rpc import jsonrpc

# Test modules import these helpers as ``rpc_testlib`` (conftest modules are
# not importable by name under --import-mode=importlib).
sys.modules.setdefault("rpc_testlib", sys.modules[__name__])

HERE = Path(__file__).resolve().parent
VECTORS = Path("/work/shared/go-wire/vectors")


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Quotient:
    Quo: int = 0
    Rem: int = 0


class Arith:
    """The article's service."""

    def Multiply(self, args: Args) -> int:
        return args.A * args.B

    def Divide(self, args: Args) -> Quotient:
        if args.B == 0:
            raise ValueError("divide by 0")
        return Quotient(args.A // args.B, args.A % args.B)


@dataclass
class Inner:
    Name: str = ""
    Tags: list[str] = field(default_factory=list)


@dataclass
class Record:
    ID: int = 0
    Label: str = ""
    Score: float = 0.0
    Big: gob.uint64 = 0  # type: ignore[assignment]
    Flag: bool = False
    Data: bytes = b""
    Inner: Inner = field(default_factory=Inner)
    Ptr: Optional[Inner] = None
    Items: list[Inner] = field(default_factory=list)
    Counts: dict[str, int] = field(default_factory=dict)


class Types:
    """The Go helper's ``Types`` service, in Python."""

    def Echo(self, r: Record) -> Record:
        r.ID += 1
        r.Inner.Name = r.Inner.Name.upper()
        if r.Ptr is not None:
            r.Ptr = Inner(r.Ptr.Name.upper(), r.Ptr.Tags)
        return r

    def Sum(self, xs: list[int]) -> int:
        return sum(xs)

    def Keys(self, m: dict[str, int]) -> list[str]:
        return sorted(m)

    def Upper(self, s: str) -> str:
        return s.upper()

    def Reverse(self, b: bytes) -> bytes:
        return bytes(reversed(b))

    def Fail(self, s: str) -> str:
        raise RuntimeError("failed: " + s)

    def Sleep(self, ms: int) -> int:
        time.sleep(ms / 1000)
        return ms


def new_arith_server() -> rpc.Server:
    s = rpc.Server()
    arith = Arith()
    s.register(arith)
    s.register_name("math", arith)
    s.register(Types())
    return s


class Running:
    """A server accepting on 127.0.0.1 in a thread; ``stop()`` ends both."""

    def __init__(self, server: rpc.Server, mode: str = "gob") -> None:
        self.server = server
        self.listener = rpc.listen("tcp", "127.0.0.1:0")
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        if mode == "http":
            target: Callable[[], None] = lambda: server.serve_http(self.listener)
        elif mode == "json":
            target = lambda: server.accept(self.listener, jsonrpc.ServerCodec)
        else:
            target = lambda: server.accept(self.listener)
        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def dial(self, mode: str = "gob") -> rpc.Client:
        if mode == "http":
            return rpc.dial_http("tcp", self.address)
        if mode == "json":
            return jsonrpc.dial("tcp", self.address)
        return rpc.dial("tcp", self.address)

    def stop(self) -> None:
        self.server.close(timeout=5)
        self.listener.close()
        self.thread.join(5)
        assert not self.thread.is_alive(), "accept loop did not return"


@pytest.fixture(params=["gob", "json", "http"])
def mode(request: Any) -> str:
    return request.param


@pytest.fixture
def running(mode: str) -> Iterator[Running]:
    r = Running(new_arith_server(), mode)
    try:
        yield r
    finally:
        r.stop()


def load_vectors(name: str) -> Any:
    path = VECTORS / name
    if not path.exists():
        pytest.skip(f"wire vectors not present: {path}")
    return json.loads(path.read_text())


# -- the Go helper program --------------------------------------------------


def _go_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["GO111MODULE"] = "off"
    env.setdefault("GOFLAGS", "")
    if "GOCACHE" not in env:
        home_cache = Path.home() / ".cache" / "go-build"
        try:
            home_cache.mkdir(parents=True, exist_ok=True)
            env["GOCACHE"] = str(home_cache)
        except OSError:
            env["GOCACHE"] = str(cache / "gocache")
    env.setdefault("GOPATH", str(cache / "gopath"))
    return env


def build_go(name: str) -> Path:
    """Build tests/net/rpc/NAME/main.go into a temporary directory (once per
    version of the source: the executable is named after its hash, so
    checkouts of different versions never run each other's build) and
    return the executable's path; skips the test only when no ``go``
    toolchain is installed."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("go toolchain not installed")
    build = Path(tempfile.gettempdir()) / f"gostd-goapp-{os.getuid()}"
    build.mkdir(exist_ok=True)
    src = HERE / name / "main.go"
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
    exe = build / f"{name}-{digest}"
    if not exe.exists():
        tmp = build / f"{name}.{os.getpid()}"
        subprocess.run([go, "build", "-o", str(tmp), str(src)], check=True,
                       env=_go_env(build), cwd=src.parent, timeout=300)
        os.replace(tmp, exe)
    return exe


@pytest.fixture(scope="session")
def goapp() -> Path:
    """Path of the built Go helper (tests/net/rpc/goapp/main.go)."""
    return build_go("goapp")


@pytest.fixture(scope="session")
def goaccept() -> Path:
    """Path of the built Go user programs (tests/net/rpc/goaccept/main.go)."""
    return build_go("goaccept")


class GoServer:
    """A Go test program's ``serve`` mode: it prints ``LISTENING addr...``
    and serves until its stdin closes."""

    def __init__(self, exe: Path, *flags: str) -> None:
        self.proc = subprocess.Popen([str(exe), "serve", *flags], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("LISTENING "), line
        self.addresses = line.split()[1:]
        self.address = self.addresses[0]

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture
def go_server_factory(goapp: Path) -> Iterator[Callable[..., GoServer]]:
    started: list[GoServer] = []

    def start(*flags: str) -> GoServer:
        s = GoServer(goapp, *flags)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def run_go(exe: Path, *args: str, timeout: float = 60) -> Any:
    out = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def wait_for(pred: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()
