"""net/rpc: round-trip latency and pipelined throughput, Python and Go side by side.

Pairs (client -> server), each server in its own process on 127.0.0.1:

* Go -> Go (gob): the reference (tests/net/rpc/goapp, built with ``go build``);
* Python -> Go, Go -> Python, Python -> Python, over gob; Python -> Python
  over JSON-RPC;
* Python -> Python with the stdlib's ``xmlrpc`` (threaded server) and with
  ``rpyc`` when it is installed.

"seq" is one call at a time (calls/s = 1 / round-trip latency); "pipelined"
keeps 100 calls in flight on one connection (``client.go`` with a shared
done channel; Go's ``client.Go``; rpyc's async; xmlrpc, which cannot
pipeline, uses 8 threads with a connection each).  Every call is
``Arith.Multiply(Args{i, 2})`` and every reply is checked.
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
from typing import Callable

from _harness import Table, best_rate

from gostd import Chan
from gostd.net import rpc
from gostd.net.rpc import jsonrpc
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

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
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


def _python_server(codec: str = "gob") -> _Proc:
    return _Proc([sys.executable, "-m", "gostd", "rpc", "serve", "--codec", codec,
                  "127.0.0.1:0"])


_XMLRPC_SERVER = textwrap.dedent("""
    import sys
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


# -- Python clients ------------------------------------------------------------


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


def _measure_python(client: rpc.Client, ops: int) -> tuple[float, float]:
    for i in range(50):  # warm up: type definitions, code paths
        client.call("Arith.Multiply", Args(i, 2), int)
    return best_rate(_seq(client), ops, repeat=3), best_rate(_pipelined(client), ops * 2,
                                                             repeat=3)


def _go_bench(exe: Path, address: str, ops: int, *flags: str) -> tuple[float, float]:
    out = subprocess.run([str(exe), "bench", *flags, "-addr", address, "-n", str(ops * 2),
                          "-window", str(WINDOW)], capture_output=True, text=True,
                         timeout=600, check=True)
    r = json.loads(out.stdout)
    return r["seq"], r["pipelined"]


def _xmlrpc(ops: int) -> tuple[float, float]:
    import xmlrpc.client

    server = _Proc([sys.executable, "-c", _XMLRPC_SERVER])
    try:
        url = f"http://{server.address}/"
        proxy = xmlrpc.client.ServerProxy(url)

        def seq(n: int) -> None:
            for i in range(n):
                if proxy.multiply(i, 2) != 2 * i:
                    raise AssertionError("bad reply")

        def threaded(n: int) -> None:
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

        return best_rate(seq, ops // 4, repeat=3), best_rate(threaded, ops // 2, repeat=3)
    finally:
        server.stop()


def _rpyc(ops: int) -> tuple[float, float] | None:
    try:
        import rpyc
    except ImportError:
        return None
    server = _Proc([sys.executable, "-c", _RPYC_SERVER])
    try:
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

        rates = best_rate(seq, ops // 4, repeat=3), best_rate(pipelined, ops // 2, repeat=3)
        conn.close()
        return rates
    finally:
        server.stop()


def run(quick: bool) -> None:
    ops = 500 if quick else 2000
    rows: list[tuple[str, float, float, str]] = []
    exe = _goapp()
    go_go = py_go = None
    if exe is not None:
        goserver = _Proc([str(exe), "serve"])
        try:
            go_go = _go_bench(exe, goserver.address, ops)
            rows.append(("Go -> Go (gob)", *go_go, "reference"))
            with rpc.dial("tcp", goserver.address) as c:
                py_go = _measure_python(c, ops)
            rows.append(("Python -> Go (gob)", *py_go, ""))
        finally:
            goserver.stop()
        pyserver = _python_server()
        try:
            rows.append(("Go -> Python (gob)", *_go_bench(exe, pyserver.address, ops), ""))
        finally:
            pyserver.stop()
    pyserver = _python_server()
    try:
        with rpc.dial("tcp", pyserver.address) as c:
            py_py = _measure_python(c, ops)
        rows.append(("Python -> Python (gob)", *py_py, ""))
    finally:
        pyserver.stop()
    pyserver = _python_server("json")
    try:
        with jsonrpc.dial("tcp", pyserver.address) as c:
            rows.append(("Python -> Python (JSON-RPC)", *_measure_python(c, ops), ""))
    finally:
        pyserver.stop()
    xml = _xmlrpc(ops)
    rows.append(("Python -> Python (xmlrpc, stdlib)", *xml, "pipelined: 8 threads"))
    try:
        ry = _rpyc(ops)
    except Exception as exc:  # an optional comparison must not sink the table
        print(f"rpyc: {exc}", file=sys.stderr)
        ry = None
    if ry is not None:
        rows.append(("Python -> Python (rpyc)", *ry, "pipelined: rpyc.async_"))
    else:
        rows.append(("Python -> Python (rpyc)", 0.0, 0.0, "rpyc not available"))

    baseline = "Go -> Go (gob), pipelined" if go_go else "Python -> Python (gob), pipelined"
    table = Table("net/rpc calls per second (seq = 1 / round trip; pipelined = 100 in flight)",
                  baseline, unit="calls/s")
    for name, seq, pipe, note in rows:
        table.add(f"{name}, seq", seq, note)
        table.add(f"{name}, pipelined", pipe, note)
    table.print()
    if go_go and py_go:
        print(f"goal: Python -> Go pipelined / Go -> Go pipelined = "
              f"{py_go[1] / go_go[1]:.2f} (goal >= 0.40)")
    print(f"goal: Python <-> Python gob / xmlrpc = seq {py_py[0] / xml[0]:.1f}x, "
          f"pipelined {py_py[1] / xml[1]:.1f}x (goal >= 5x)")
    sys.stdout.flush()
