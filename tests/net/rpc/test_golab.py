"""Go programs (tests/net/rpc/golab/main.go) against gostd's net/rpc with
the kinds of values and usage other Go programs bring: embedded structs,
nil and non-nil pointers, maps and slices of structs, []byte, sized
numbers, time.Time in other zones, interface values, non-struct and
untouched replies, messages of several megabytes, 50 goroutines on one
client, Go with a shared done channel, DialHTTPPath and a client closing
mid-call.

The Go client runs one script against the Python server and against a Go
server set up the same way; the two transcripts must be identical.  The
Python client calls Go's servers and gostd's twin with the same values and
must get the same answers from both."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

import gostd
import gostd.net.rpc as rpc
from gostd.encoding import gob
from gostd.net.rpc import jsonrpc

import rpc_testlib as lib
from rpc_testlib import Args

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_services import Lab, Meta, Vec2, Shape, f32  # noqa: E402

LAB_PATH = "/lab_rpc"


@pytest.fixture(scope="session")
def golab() -> Path:
    return lib.build_go("golab")


def _server() -> rpc.Server:
    s = rpc.Server()
    s.register(lib.Arith())
    s.register(Lab())
    return s


class PyLab:
    """gostd serving Lab the way the Go side does for ``kind``."""

    def __init__(self, kind: str) -> None:
        self.server = server = _server()
        self.listener = rpc.listen("tcp", "127.0.0.1:0")
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        if kind == "httppath":
            server.handle_http(LAB_PATH, "/debug/lab", mux=rpc.ServeMux())
        if kind in ("http", "httppath"):
            target: Any = lambda: server.serve_http(self.listener)
        elif kind == "json":
            target = lambda: server.accept(self.listener, jsonrpc.ServerCodec)
        else:
            target = lambda: server.accept(self.listener)
        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.close(timeout=5)
        self.listener.close()
        self.thread.join(5)
        assert not self.thread.is_alive()


KINDS = ["tcp", "http", "httppath", "json"]


def _run_go_client(golab: Path, kind: str, address: str) -> dict[str, Any]:
    out = subprocess.run([str(golab), "client", kind, address], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("kind", KINDS)
def test_go_client_python_server_same_as_go_server(golab: Path, kind: str) -> None:
    py = PyLab(kind)
    try:
        got = _run_go_client(golab, kind, py.address)
    finally:
        py.stop()
    python, go = got["remote"], got["go"]
    assert set(python) == set(go)
    diffs = {k: (python[k], go[k]) for k in go if python[k] != go[k]}
    assert diffs == {}
    # Spot checks, so a Go server that went wrong the same way is noticed.
    assert go["multiply"] == {"reply": 56}
    assert go["fail"] == {"err": "rpc.ServerError: lab: it broke"}
    assert go["fail_reply_untouched"] == 0
    assert go["no_method"] == {"err": "rpc.ServerError: rpc: can't find method Lab.Nope"}
    assert go["no_service"] == {"err": "rpc.ServerError: rpc: can't find service Nope.Echo"}
    assert go["goroutines50_bad"] == [] and go["big_parallel_bad"] == []
    assert go["checksum_big"] == {"reply": ((3 << 20) + 17) << 32 | sum(
        (i * 7) & 0xFF for i in range((3 << 20) + 17))}
    assert go["fill_big"] == {"reply": True} and go["count_big"] == {"reply": True}
    assert go["closing_pending"] in ("net.ErrClosed",
                                     {"err": "*errors.errorString: connection is shut down"})
    assert go["closing_after_close"] == {"err": "*errors.errorString: connection is shut down"}
    assert go["closing_close_again"] == "connection is shut down"
    assert go["closing_new_client"] == {"reply": 30}


# -- Python client: Go's servers and gostd's twin must answer alike ----------


class GoLab(lib.GoServer):
    """``golab serve``: Go's servers (gob TCP, HTTP on both paths, JSON-RPC)."""

    def __init__(self, exe: Path) -> None:
        super().__init__(exe)
        tcp, http, json_ = self.addresses
        self.address = {"tcp": tcp, "http": http, "httppath": http, "json": json_}  # type: ignore[assignment]


@pytest.fixture
def go_lab(golab: Path) -> Iterator[GoLab]:
    s = GoLab(golab)
    try:
        yield s
    finally:
        s.stop()


def _dial(kind: str, address: str) -> rpc.Client:
    if kind == "http":
        return rpc.dial_http("tcp", address)
    if kind == "httppath":
        return rpc.dial_http_path("tcp", address, LAB_PATH)
    if kind == "json":
        return jsonrpc.dial("tcp", address)
    return rpc.dial("tcp", address)


WHEN = gob.Time.with_nanosecond(
    datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc), 890123456)


def _shapes() -> list[Shape]:
    return [
        Shape(Meta(WHEN, {"k": "v", "empty": ""}), "tri", 255, -1 << 62, f32(0.1),
              Vec2(-1.5, 2.25), Vec2(0.5, 0.25), [Vec2(0, 0), Vec2(1, 0), Vec2(0.5, 3)],
              {"a": Vec2(1, 2), "zero": Vec2()}, bytes([0, 1, 2, 254, 255])),
        Shape(Name="bare"),
        Shape(Name="ptr-zero", Center=Vec2(), Named={}, Blob=b""),
        Shape(),
    ]


def _outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except Exception as exc:
        return ("err", type(exc).__name__, str(exc))


def _python_script(kind: str, address: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with _dial(kind, address) as c:
        out["multiply"] = _outcome(lambda: c.call("Arith.Multiply", Args(7, 8), int))
        for i, s in enumerate(_shapes()):
            out[f"echo{i}"] = _outcome(lambda: c.call("Lab.Echo", s, Shape))
            out[f"describe{i}"] = _outcome(lambda: c.call("Lab.Describe", s, str))
            out[f"area{i}"] = _outcome(lambda: c.call("Lab.Area", s, gob.float32))
        for k in (0, 1, 5, -3):
            out[f"squares{k}"] = _outcome(lambda: c.call("Lab.Squares", k, list[int]))
        out["count"] = _outcome(lambda: c.call("Lab.Count", ["a", "b", "a"], dict[str, int]))
        out["count_empty"] = _outcome(lambda: c.call("Lab.Count", gob.typed([], list[str]),
                                                     dict[str, int]))
        out["fail"] = _outcome(lambda: c.call("Lab.Fail", "lab: it broke", int))
        out["totals"] = _outcome(lambda: c.call(
            "Lab.Totals", {s.Name: s for s in _shapes()}, dict[str, int]))
        out["names"] = _outcome(lambda: c.call("Lab.Names", _shapes(), list[str]))
        out["shapes"] = _outcome(lambda: c.call("Lab.Shapes", 3, list[Shape]))
        out["negate"] = _outcome(lambda: c.call("Lab.Negate", gob.int64(-(1 << 63) + 1),
                                                gob.int64))
        out["half"] = _outcome(lambda: c.call("Lab.Half", gob.float32(0.3), gob.float32))
        out["flip"] = _outcome(lambda: c.call("Lab.Flip", False, bool))
        any_in = {"i": 1, "s": "x", "f": 2.5, "b": True, "by": b"\x01\x02",
                  "i64": gob.int64(-5), "u8": gob.uint8(7), "f32": gob.float32(0.5),
                  "pt": Vec2(1, 2), "ss": ["a", "b"], "nil": None}
        out["any"] = _outcome(lambda: {k: (type(v).__name__, v) for k, v in
                                       c.call("Lab.Any", any_in, dict[str, Any]).items()})
        out["blank"] = _outcome(lambda: c.call("Lab.Blank", 1))
        for name, tp in [("NoSlice", list[str]), ("NoMap", dict[str, int]),
                         ("NoArray", tuple[int, int]), ("NoFloat", gob.float32)]:
            out[name] = _outcome(lambda: c.call("Lab." + name, 1, tp))
        big = bytes((i * 7) & 0xFF for i in range((3 << 20) + 17))
        out["checksum_big"] = _outcome(lambda: c.call("Lab.Checksum", big, gob.uint64))
        filled = c.call("Lab.Fill", (2 << 20) + 3, bytes)
        out["fill_big"] = filled == (bytes(range(251)) * 9000)[:(2 << 20) + 3]
        for name in ("Lab.Nope", "Nope.Echo", "LabEcho", "", "Lab.echo"):
            out["bad " + name] = _outcome(lambda: c.call(name, 1, int))
        out["after_errors"] = _outcome(lambda: c.call("Arith.Multiply", Args(3, 4), int))

        # 50 threads on one client, mixed methods.
        bad: list[Any] = []

        def worker(g: int) -> None:
            for i in range(10):
                try:
                    if i % 2:
                        r = c.call("Lab.Echo", Shape(Name=f"g{g}", Count=i), Shape, timeout=60)
                        ok = r.Name == f"G{g}" and r.Count == i + 1
                    else:
                        ok = c.call("Arith.Multiply", Args(g, i), int, timeout=60) == g * i
                    if not ok:
                        bad.append((g, i))
                except Exception as exc:  # pragma: no cover - reported below
                    bad.append(exc)

        threads = [threading.Thread(target=worker, args=(g,)) for g in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        out["threads50_bad"] = bad + [t for t in threads if t.is_alive()]

        # go() with one done channel for several calls.
        done = gostd.Chan(4)
        c.go("Lab.Sleep", 30, int, done)
        c.go("Lab.Squares", 4, list[int], done)
        c.go("Lab.Echo", Shape(Name="go"), Shape, done)
        c.go("Lab.Fail", "async failure", int, done)
        got = {}
        for _ in range(4):
            call = done.recv()
            got[call.service_method] = (call.reply, None if call.error is None else
                                        (type(call.error).__name__, str(call.error)))
        out["go_done"] = got
        # Plain decoding, no reply type.
        out["plain"] = _outcome(lambda: c.call("Lab.Shapes", 1))

    # Closing while a call runs.
    c = _dial(kind, address)
    pending = c.go("Lab.Sleep", 300, int)
    threading.Event().wait(0.03)
    c.close()
    assert pending.wait(5)
    out["closing_pending"] = (type(pending.error).__name__, str(pending.error))
    out["closing_after"] = _outcome(lambda: c.call("Arith.Multiply", Args(1, 2), int))
    out["closing_again"] = _outcome(c.close)
    with _dial(kind, address) as c2:
        out["closing_new"] = _outcome(lambda: c2.call("Arith.Multiply", Args(5, 6), int))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_python_client_go_server_same_as_python_server(go_lab: GoLab, kind: str) -> None:
    go = _python_script(kind, go_lab.address[kind])
    py_server = PyLab(kind)
    try:
        python = _python_script(kind, py_server.address)
    finally:
        py_server.stop()
    assert set(python) == set(go)
    diffs = {k: (python[k], go[k]) for k in go if python[k] != go[k]}
    assert diffs == {}
    # Spot checks against Go's answers.
    assert go["multiply"] == ("ok", 56)
    echo = go["echo0"][1]
    assert echo.Name == "TRI" and echo.Count == -(1 << 62) + 1
    assert echo.Center == Vec2(1.5, 0.25) and echo.Meta.Labels == {"k": "v", "empty": ""}
    assert echo.Meta.Created == WHEN + datetime.timedelta(minutes=90)
    assert echo.Meta.Created.nanosecond == 890123456
    assert echo.Blob == bytes([0, 1, 2, 254, 255]) and echo.Ratio == f32(0.1)
    assert go["echo1"][1].Center is None
    assert go["describe0"] == ("ok", "tri kind=255 count=-4611686018427387904 ratio=0.1 "
                                     "center=0.5,0.25 vertices=3 named=2 blob=5 label=v")
    assert go["area0"] == ("ok", 1.5)
    assert go["squares5"] == ("ok", [0, 1, 4, 9, 16])
    assert go["squares-3"] == ("err", "ServerError", "lab: negative count -3")
    assert go["count"] == ("ok", {"a": 2, "b": 1})
    assert go["fail"] == ("err", "ServerError", "lab: it broke")
    assert go["totals"] == ("ok", {"tri": 3, "bare": 0, "ptr-zero": 0, "": 0})
    assert go["negate"] == ("ok", (1 << 63) - 1)
    assert go["half"] == ("ok", f32(f32(0.3) / 2))
    assert go["checksum_big"][1] >> 32 == (3 << 20) + 17
    assert go["fill_big"] is True
    assert go["bad Lab.Nope"] == ("err", "ServerError", "rpc: can't find method Lab.Nope")
    assert go["bad Nope.Echo"] == ("err", "ServerError", "rpc: can't find service Nope.Echo")
    assert go["bad LabEcho"] == ("err", "ServerError",
                                 "rpc: service/method request ill-formed: LabEcho")
    assert go["threads50_bad"] == []
    assert (go["NoSlice"], go["NoMap"], go["NoArray"]) == (("ok", []), ("ok", {}), ("ok", (0, 0)))
    assert go["go_done"]["Lab.Fail"] == (None, ("ServerError", "async failure"))
    assert go["closing_pending"] == ("ErrShutdown", "connection is shut down")
    assert go["closing_after"] == ("err", "ErrShutdown", "connection is shut down")
    assert go["closing_new"] == ("ok", 30)
