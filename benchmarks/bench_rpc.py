"""net/rpc: round-trip latency and pipelined throughput, Python and Go side by side.

Pairs (client -> server), each server in its own process on 127.0.0.1:

* Go -> Go (gob): the reference (tests/net/rpc/goapp, built with ``go build``);
* Python -> Go, Go -> Python, Python -> Python, over gob (Python <-> Python
  also with spinning off on both sides, to show what gostd's bounded
  busy-polling buys and costs); Python -> Python over JSON-RPC;
* Python -> Python with the stdlib's ``xmlrpc``: ``SimpleXMLRPCServer`` as
  the stdlib ships it (default request handler: HTTP/1.0, one request per
  connection, one request at a time) called through ``ServerProxy`` — the
  baseline of the sequential goal — and, for information, the same server
  tuned (``ThreadingMixIn`` and HTTP/1.1 keep-alive); and ``rpyc`` when it
  is installed.

One table; each measurement has its ratio against the baseline its goal
names:

* sequential: one call at a time (calls/s = 1 / round-trip latency), ratios
  vs stdlib xmlrpc, with the CPU time client and server spend together per
  call (Linux: this process plus the server's ``/proc`` schedstat; Go
  clients report their own ``getrusage``); goal: Python <-> Python (gob)
  >= 5x;
* pipelined: 100 calls in flight on one connection (``client.go`` with a
  shared done channel; Go's ``client.Go``; rpyc's async; xmlrpc, which
  cannot pipeline, uses 8 threads with a connection each on the tuned
  server), ratios vs Go <-> Go; goal: Python client -> Go server >= 0.40x.

Every call is ``Arith.Multiply(Args{i, 2})`` and every reply is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Callable

from _harness import best_rate, build_description

from gostd import Chan
from gostd.net import rpc
from gostd.net.rpc import jsonrpc
from gostd.net.rpc import _spin
from gostd.net.rpc._arith import Args

ROOT = Path(__file__).resolve().parents[1]
GOAPP_SRC = ROOT / "tests" / "net" / "rpc" / "goapp" / "main.go"
WINDOW = 100


def _goapp() -> Path | None:
    go = shutil.which("go")
    if go is None:
        return None
    build = Path(tempfile.gettempdir()) / f"gostd-goapp-{os.getuid()}"
    build.mkdir(exist_ok=True)
    exe = build / "goapp"
    if not exe.exists() or exe.stat().st_mtime < GOAPP_SRC.stat().st_mtime:
        env = dict(os.environ, GO111MODULE="off")
        env.setdefault("GOPATH", str(build / "gopath"))
        tmp = build / f"goapp.{os.getpid()}"
        subprocess.run([go, "build", "-o", str(tmp), str(GOAPP_SRC)], check=True, env=env,
                       timeout=600)
        os.replace(tmp, exe)
    return exe


class _Proc:
    """A server process that prints its address on its first line."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=None if env is None else {**os.environ, **env})
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"server {argv} did not start")
        self.address = line.split()[-1]

    def stop(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()  # type: ignore[union-attr]


_XMLRPC_SERVER = textwrap.dedent("""
    from xmlrpc.server import SimpleXMLRPCServer
    s = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False)
    s.register_function(lambda a, b: a * b, "multiply")
    print("LISTENING 127.0.0.1:%d" % s.server_address[1], flush=True)
    s.serve_forever()
""")

_XMLRPC_TUNED_SERVER = textwrap.dedent("""
    from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
    from socketserver import ThreadingMixIn
    class S(ThreadingMixIn, SimpleXMLRPCServer):
        daemon_threads = True
    class H(SimpleXMLRPCRequestHandler):
        protocol_version = "HTTP/1.1"
    s = S(("127.0.0.1", 0), requestHandler=H, logRequests=False)
    s.register_function(lambda a, b: a * b, "multiply")
    print("LISTENING 127.0.0.1:%d" % s.server_address[1], flush=True)
    s.serve_forever()
""")

_RPYC_SERVER = textwrap.dedent("""
    import rpyc
    from rpyc.utils.server import ThreadedServer
    class Arith(rpyc.Service):
        def exposed_multiply(self, a, b):
            return a * b
    s = ThreadedServer(Arith, hostname="127.0.0.1", port=0,
                       protocol_config={"allow_public_attrs": True})
    print("LISTENING 127.0.0.1:%d" % s.listener.getsockname()[1], flush=True)
    s.start()
""")


# -- cases: each gives one (seq, pipelined) sample per round ----------------------


def _seq(client: rpc.Client) -> Callable[[int], None]:
    def run(n: int) -> None:
        call = client.call
        for i in range(n):
            if call("Arith.Multiply", Args(i, 2), int) != 2 * i:
                raise AssertionError("bad reply")
    return run


def _pipelined(client: rpc.Client) -> Callable[[int], None]:
    def run(n: int) -> None:
        done = Chan(WINDOW)
        go, recv = client.go, done.recv
        inflight = 0
        for i in range(n):
            if inflight == WINDOW:
                c = recv()
                inflight -= 1
                if c.error is not None or c.reply != 2 * c.args.A:
                    raise AssertionError(c.error or "bad reply")
            go("Arith.Multiply", Args(i, 2), int, done)
            inflight += 1
        for _ in range(inflight):
            c = recv()
            if c.error is not None or c.reply != 2 * c.args.A:
                raise AssertionError(c.error or "bad reply")
    return run


Sample = Callable[[int], "tuple[float, float, float | None]"]
"""One round of a case: (sequential calls/s, pipelined calls/s, CPU µs per
sequential call on both sides together, or None where it cannot be read)."""


def _proc_cpu_ns(pid: int) -> int | None:
    """CPU time used so far by the live threads of process ``pid``, in ns
    (Linux ``schedstat``); None where that cannot be read."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    total = 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:     # the thread ended meanwhile
            continue
        except (ValueError, IndexError):
            return None
    return total


class _Cpu:
    """Measures this process and one server process over a stretch of calls."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid

    def __enter__(self) -> "_Cpu":
        self.c0, self.s0 = time.process_time_ns(), _proc_cpu_ns(self.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.c1, self.s1 = time.process_time_ns(), _proc_cpu_ns(self.pid)

    def per_call(self, calls: int, own: bool = True) -> float | None:
        """µs per call: the server's CPU, plus this process's if ``own``."""
        if self.s0 is None or self.s1 is None or not calls:
            return None
        ns = self.s1 - self.s0 + ((self.c1 - self.c0) if own else 0)
        return ns / calls / 1e3


def _seq_sample(seq: Callable[[int], None], ops: int,
                server_pid: int) -> tuple[float, float | None]:
    """``best_rate`` of ``seq(n)`` (n sequential calls), with the CPU µs per
    call this process and the server spent meanwhile."""
    calls = 0

    def counted(n: int) -> None:
        nonlocal calls
        calls += n
        seq(n)

    with _Cpu(server_pid) as cpu:
        rate = best_rate(counted, ops, repeat=2)
    return rate, cpu.per_call(calls)


def _python_case(client: rpc.Client, server_pid: int, spin: bool = True) -> Sample:
    """A Python client; ``spin=False`` turns this process's spinning off
    while the case runs (start the server with ``GOSTD_RPC_SPIN_US=0``)."""
    for i in range(50):  # warm up: type definitions, code paths
        client.call("Arith.Multiply", Args(i, 2), int)
    seq, pipe = _seq(client), _pipelined(client)

    def sample(ops: int) -> tuple[float, float, float | None]:
        saved = _spin.WINDOW
        if not spin:
            _spin.WINDOW = 0.0
        try:
            rate, cpu = _seq_sample(seq, ops, server_pid)
            return rate, best_rate(pipe, ops * 2, repeat=2), cpu
        finally:
            _spin.WINDOW = saved
    return sample


def _go_case(exe: Path, address: str, server_pid: int) -> Sample:
    def bench(only: str, ops: int) -> dict[str, float]:
        out = subprocess.run([str(exe), "bench", "-addr", address, "-n", str(ops * 2),
                              "-window", str(WINDOW), "-only", only], capture_output=True,
                             text=True, timeout=600, check=True)
        return json.loads(out.stdout)

    def sample(ops: int) -> tuple[float, float, float | None]:
        with _Cpu(server_pid) as cpu:
            r = bench("seq", ops)
        # The server also served goapp's 50 warm-up calls (3 runs of 2*ops).
        server = cpu.per_call(3 * ops * 2 + 50, own=False)
        cpu_us = None if server is None or not r.get("seq_cpu_us") else server + r["seq_cpu_us"]
        return r["seq"], bench("pipelined", ops)["pipelined"], cpu_us
    return sample


def _xmlrpc_case(server: _Proc, threaded: bool) -> Sample:
    """Sequential calls through one ``ServerProxy``; with ``threaded``, also
    8 threads with a proxy each (xmlrpc cannot pipeline)."""
    import xmlrpc.client

    url = f"http://{server.address}/"
    proxy = xmlrpc.client.ServerProxy(url)

    def seq(n: int) -> None:
        for i in range(n):
            if proxy.multiply(i, 2) != 2 * i:
                raise AssertionError("bad reply")

    def eight_threads(n: int) -> None:
        per = n // 8

        def worker() -> None:
            p = xmlrpc.client.ServerProxy(url)
            for i in range(per):
                if p.multiply(i, 2) != 2 * i:
                    raise AssertionError("bad reply")

        ts = [threading.Thread(target=worker) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    seq(20)

    def sample(ops: int) -> tuple[float, float, float | None]:
        rate, cpu = _seq_sample(seq, ops // 4, server.proc.pid)
        pipe = best_rate(eight_threads, ops // 2, repeat=2) if threaded else 0.0
        return rate, pipe, cpu
    return sample


def _rpyc_case(server: _Proc) -> Sample:
    import rpyc

    host, port = server.address.rsplit(":", 1)
    for attempt in range(100):  # ThreadedServer listens only once start() runs
        try:
            conn = rpyc.connect(host, int(port))
            break
        except ConnectionRefusedError:
            if attempt == 99:
                raise
            time.sleep(0.02)
    multiply = conn.root.multiply
    amultiply = rpyc.async_(multiply)

    def seq(n: int) -> None:
        for i in range(n):
            if multiply(i, 2) != 2 * i:
                raise AssertionError("bad reply")

    def pipelined(n: int) -> None:
        pending = []
        for i in range(n):
            pending.append((i, amultiply(i, 2)))
            if len(pending) == WINDOW:
                j, r = pending.pop(0)
                if r.value != 2 * j:
                    raise AssertionError("bad reply")
        for j, r in pending:
            if r.value != 2 * j:
                raise AssertionError("bad reply")

    def sample(ops: int) -> tuple[float, float, float | None]:
        rate, cpu = _seq_sample(seq, ops // 4, server.proc.pid)
        return rate, best_rate(pipelined, ops // 2, repeat=2), cpu
    return sample


# -- the run ------------------------------------------------------------------------

PY_PY = "Python -> Python (gob)"
XML_DEFAULT = "Python -> Python (xmlrpc, stdlib default)"
XML_TUNED = "Python -> Python (xmlrpc, tuned)"
GO_GO = "Go -> Go (gob)"
PY_GO = "Python -> Go (gob)"
PY_JSON = "Python -> Python (JSON-RPC)"
PY_PY_NOSPIN = "Python -> Python (gob, spinning off)"

SEQ_NOTES = {PY_PY: "GOAL seq >= 5x xmlrpc",
             PY_PY_NOSPIN: "GOSTD_RPC_SPIN_US=0 on both sides",
             XML_DEFAULT: "baseline of the seq goal",
             XML_TUNED: "threads + HTTP/1.1 keep-alive"}
PIPE_NOTES = {GO_GO: "baseline of the pipelined goal", PY_GO: "GOAL pipelined >= 0.40x Go -> Go",
              XML_TUNED: "pipelined: 8 threads (xmlrpc cannot pipeline)",
              "Python -> Python (rpyc)": "pipelined: rpyc.async_"}


def _print_table(best: dict[str, list[Any]], pipe_base: str) -> None:
    """One table, both measurements side by side: sequential calls/s with
    its ratio to stdlib xmlrpc and the CPU per call, pipelined calls/s with
    its ratio to Go <-> Go (each the baseline its goal names)."""
    seq_base, pipe_rate = best[XML_DEFAULT][0], best[pipe_base][1]
    rows = []
    for name, (seq, pipe, cpu) in best.items():
        notes = [n for n in (SEQ_NOTES.get(name), PIPE_NOTES.get(name)) if n]
        rows.append((name, f"{seq:,.0f}", f"{seq / seq_base:.2f}x",
                     "-" if cpu is None else f"{cpu:.0f}",
                     f"{pipe:,.0f}" if pipe else "-",
                     f"{pipe / pipe_rate:.2f}x" if pipe else "-", "; ".join(notes)))
    heads = ("case", "seq calls/s", "vs xmlrpc", "CPU µs/call", "pipelined calls/s",
             f"vs {pipe_base.split(' (')[0]}", "note")
    widths = [max(len(r[i]) for r in rows + [heads]) for i in range(6)]
    print(f"\n## net/rpc: Arith.Multiply, sequential (one call at a time) and pipelined "
          f"(100 in flight on one connection)  [{build_description()}]")
    fmt = (f"{{:<{widths[0]}}}  " + "  ".join(f"{{:>{w}}}" for w in widths[1:6]) + "  {}")
    print(fmt.format(*heads))
    for r in rows:
        print(fmt.format(*r))
    sys.stdout.flush()


def run(quick: bool) -> None:
    ops = 500 if quick else 2000
    rounds = 3 if quick else 5
    exe = _goapp()
    procs: list[_Proc] = []
    clients: list[rpc.Client] = []

    def start(argv: list[str], env: dict[str, str] | None = None) -> _Proc:
        p = _Proc(argv, env)
        procs.append(p)
        return p

    def dial(client: rpc.Client) -> rpc.Client:
        clients.append(client)
        return client

    serve = [sys.executable, "-m", "gostd", "rpc", "serve"]
    # Every server runs for the whole measurement, and the cases take turns
    # round after round (best sample kept), so a burst of load from other
    # processes hits all of them alike rather than one row.
    cases: dict[str, Sample] = {}
    try:
        if exe is not None:
            goserver = start([str(exe), "serve"])
            cases[GO_GO] = _go_case(exe, goserver.address, goserver.proc.pid)
            cases[PY_GO] = _python_case(dial(rpc.dial("tcp", goserver.address)),
                                        goserver.proc.pid)
        pyserver = start(serve + ["127.0.0.1:0"])
        if exe is not None:
            cases["Go -> Python (gob)"] = _go_case(exe, pyserver.address, pyserver.proc.pid)
        cases[PY_PY] = _python_case(dial(rpc.dial("tcp", pyserver.address)), pyserver.proc.pid)
        quiet = start(serve + ["127.0.0.1:0"], env={"GOSTD_RPC_SPIN_US": "0"})
        cases[PY_PY_NOSPIN] = _python_case(dial(rpc.dial("tcp", quiet.address)),
                                           quiet.proc.pid, spin=False)
        jsonserver = start(serve + ["--codec", "json", "127.0.0.1:0"])
        cases[PY_JSON] = _python_case(dial(jsonrpc.dial("tcp", jsonserver.address)),
                                      jsonserver.proc.pid)
        cases[XML_DEFAULT] = _xmlrpc_case(start([sys.executable, "-c", _XMLRPC_SERVER]),
                                          threaded=False)
        cases[XML_TUNED] = _xmlrpc_case(start([sys.executable, "-c", _XMLRPC_TUNED_SERVER]),
                                        threaded=True)
        try:
            import rpyc  # noqa: F401
            cases["Python -> Python (rpyc)"] = _rpyc_case(
                start([sys.executable, "-c", _RPYC_SERVER]))
        except Exception as exc:  # an optional comparison must not sink the table
            print(f"rpyc not measured: {exc}", file=sys.stderr)
        # name -> [best seq, best pipelined, CPU µs/call in the best seq round]
        best: dict[str, list[Any]] = {name: [0.0, 0.0, None] for name in cases}
        for _ in range(rounds):
            for name, sample in cases.items():
                seq, pipe, cpu = sample(ops)
                if seq > best[name][0]:
                    best[name][0], best[name][2] = seq, cpu
                best[name][1] = max(best[name][1], pipe)
    finally:
        for c in clients:
            try:
                c.close()
            except Exception:
                pass
        for p in procs:
            p.stop()

    print(f"(best of {rounds} interleaved rounds per case)")
    _print_table(best, GO_GO if GO_GO in best else PY_PY)

    def verdict(ratio: float, goal: float) -> str:
        return "met" if ratio >= goal else "MISSED"

    print()
    if GO_GO in best:
        r = best[PY_GO][1] / best[GO_GO][1]
        print(f"goal 1 (pipelined): Python client -> Go server / Go <-> Go = "
              f"{r:.2f}x (goal >= 0.40x): {verdict(r, 0.40)}")
    else:
        print("goal 1 (pipelined): not measured (no Go toolchain)")
    r = best[PY_PY][0] / best[XML_DEFAULT][0]
    print(f"goal 2 (sequential): Python <-> Python gob / xmlrpc stdlib default = "
          f"{r:.1f}x (goal >= 5x): {verdict(r, 5.0)}")
    print(f"  for information: JSON-RPC / xmlrpc default = "
          f"{best[PY_JSON][0] / best[XML_DEFAULT][0]:.1f}x; gob / tuned xmlrpc = "
          f"{best[PY_PY][0] / best[XML_TUNED][0]:.1f}x sequential, "
          f"{best[PY_PY][1] / best[XML_TUNED][1]:.1f}x pipelined vs 8 threads")
    on, off = best[PY_PY], best[PY_PY_NOSPIN]
    extra_cpu = "" if on[2] is None or off[2] is None else \
        f", for {on[2] - off[2]:+.0f} µs of CPU per call (both sides)"
    print(f"  spinning (see gostd/net/rpc/_spin.py): Python <-> Python gob without it = "
          f"{off[0] / best[XML_DEFAULT][0]:.1f}x xmlrpc; with it {on[0] / off[0]:.2f}x as many "
          f"calls/s{extra_cpu}")
    if GO_GO in best:
        print(f"  Go <-> Go / xmlrpc default = {best[GO_GO][0] / best[XML_DEFAULT][0]:.1f}x; "
              f"Python <-> Python gob = {best[PY_PY][0] / best[GO_GO][0]:.2f}x Go <-> Go "
              f"sequential")
    sys.stdout.flush()
