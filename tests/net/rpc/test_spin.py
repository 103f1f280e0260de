"""Bounded busy-polling (``gostd.net.rpc._spin``): ``Conn.spin_fill`` polls
without blocking and never loses or reorders bytes; ``Spin`` backs off from
a connection that does not answer within the window and never lets more
than ``MAX_SPINNERS`` threads spin at once; calls stay correct whether the
spin hits, misses or is turned off."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Iterator

import pytest

import gostd.net.rpc as rpc
from gostd.net.rpc import _spin
from gostd.net.rpc._conn import Conn

import rpc_testlib as lib
from rpc_testlib import Args

pytestmark = pytest.mark.skipif(not hasattr(socket, "MSG_DONTWAIT"),
                                reason="spinning needs MSG_DONTWAIT")


@pytest.fixture
def pair() -> Iterator[tuple[Conn, socket.socket]]:
    a, b = socket.socketpair()
    conn = Conn(a)
    try:
        yield conn, b
    finally:
        conn.close()
        b.close()


# -- Conn.spin_fill ---------------------------------------------------------


def test_spin_fill_buffers_bytes_that_arrive_within_the_window(pair: Any) -> None:
    conn, peer = pair
    sender = threading.Timer(0.002, peer.sendall, (b"hello",))
    sender.start()
    try:
        assert conn.spin_fill(5.0) is True
    finally:
        sender.join()
    assert conn.buffered == 5
    assert conn.read(5) == b"hello"


def test_spin_fill_keeps_unread_bytes_in_order(pair: Any) -> None:
    conn, peer = pair
    peer.sendall(b"abcdef")
    assert conn.read(2) == b"ab"      # the rest stays buffered
    peer.sendall(b"ghi")
    assert conn.spin_fill(1.0) is True
    assert conn.read(7) == b"cdefghi"


def test_spin_fill_gives_up_after_the_window(pair: Any) -> None:
    conn, peer = pair
    assert conn.spin_fill(0.002) is False
    assert conn.buffered == 0
    peer.sendall(b"late")  # the ordinary blocking read still gets it
    assert conn.read(4) == b"late"


def test_spin_fill_reports_the_end_of_the_stream(pair: Any) -> None:
    conn, peer = pair
    peer.close()
    assert conn.spin_fill(1.0) is True
    assert conn.read(1) == b""


def test_spin_fill_leaves_held_back_writes_to_the_blocking_read(pair: Any) -> None:
    conn, peer = pair
    conn.cork()
    conn.write(b"request")
    peer.sendall(b"reply")
    assert conn.spin_fill(1.0) is False  # no spinning while a write waits
    assert conn.read(5) == b"reply"      # the read sends it, then receives
    peer.settimeout(5)
    assert peer.recv(100) == b"request"


def test_spin_fill_keeps_a_receive_error_for_the_next_read() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    conn = Conn(client)
    try:
        # Closing with unread data and a zero linger resets the connection.
        server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(b"unread")
        time.sleep(0.05)
        server.close()
        deadline = time.monotonic() + 5
        while not conn.spin_fill(0.01):
            assert time.monotonic() < deadline
        # spin_fill met the reset; the read reports it, not a clean end of stream.
        with pytest.raises(ConnectionResetError):
            conn.read(1)
    finally:
        conn.close()


def test_spin_fill_declines_sockets_with_a_timeout(pair: Any) -> None:
    conn, peer = pair
    conn.raw.settimeout(5.0)  # Python polls before recv here: no spinning
    peer.sendall(b"x")
    assert conn.spin_fill(1.0) is False
    assert conn.read(1) == b"x"


def test_spin_fill_declines_objects_that_are_not_sockets() -> None:
    import io

    class Stream(io.BytesIO):
        pass

    conn = Conn(Stream(b"data"))
    assert conn.spin_fill(1.0) is False
    assert conn.read(4) == b"data"


# -- Spin: the policy ---------------------------------------------------------


class _Scripted:
    """A connection whose spin_fill answers from a script, counting calls."""

    def __init__(self, results: list[bool]) -> None:
        self.results = list(results)
        self.calls = 0

    def spin_fill(self, seconds: float) -> bool:
        assert seconds == _spin.WINDOW
        self.calls += 1
        return self.results.pop(0)


def test_spin_backs_off_after_misses_and_a_hit_resets_it(monkeypatch: Any) -> None:
    monkeypatch.setattr(_spin, "WINDOW", 50e-6)
    spin = _spin.Spin()
    conn = _Scripted([False] * 20 + [True, False])
    pattern = [spin.wait(conn) for _ in range(10)]
    # miss, miss (skip 1), skipped, miss (skip 2), 2 skipped, miss (skip 4), 4 skipped...
    assert pattern == [False] * 10
    assert conn.calls == 4
    assert spin.skip == 1 and spin.misses == 4
    # Long runs of misses sit out at most _MAX_SKIP waits between tries.
    for _ in range(2000):
        if spin.misses == 12:
            break
        spin.wait(conn)
    assert spin.misses == 12 and spin.skip <= 64
    spin.skip = 0
    conn.results = [True, False]
    assert spin.wait(conn) is True
    assert spin.misses == 0 and spin.skip == 0
    assert spin.wait(conn) is False  # one miss after a hit: no skipping yet
    assert spin.skip == 0


def test_spin_is_off_when_the_window_is_zero(monkeypatch: Any) -> None:
    monkeypatch.setattr(_spin, "WINDOW", 0.0)
    conn = _Scripted([])
    assert _spin.Spin().wait(conn) is False
    assert conn.calls == 0


def test_at_most_max_spinners_spin_at_once(monkeypatch: Any) -> None:
    monkeypatch.setattr(_spin, "WINDOW", 50e-6)
    release = threading.Event()
    entered = threading.Semaphore(0)

    class Holding:
        def spin_fill(self, seconds: float) -> bool:
            entered.release()
            assert release.wait(10)
            return True

    def hold() -> None:
        # Retry while another test's lingering thread holds a slot briefly.
        deadline = time.monotonic() + 10
        while not _spin.Spin().wait(Holding()) and time.monotonic() < deadline:
            time.sleep(0.001)

    holders = [threading.Thread(target=hold) for _ in range(_spin.MAX_SPINNERS)]
    for t in holders:
        t.start()
    try:
        for _ in holders:
            assert entered.acquire(timeout=10)
        extra = _Scripted([True])
        assert _spin.Spin().wait(extra) is False  # no free slot: block at once
        assert extra.calls == 0
    finally:
        release.set()
        for t in holders:
            t.join(10)
    assert not any(t.is_alive() for t in holders)
    again = _Scripted([True])  # the slots are free again
    assert _spin.Spin().wait(again) is True and again.calls == 1


@pytest.mark.parametrize("value, window", [("0", 0.0), ("25", 25e-6), ("junk", 60e-6),
                                           ("-3", 0.0), ("", 60e-6), ("nan", 60e-6),
                                           ("inf", 60e-6), ("1e9", 0.01)])
def test_window_comes_from_the_environment(value: str, window: float) -> None:
    env = dict(os.environ, GOSTD_RPC_SPIN_US=value)
    out = subprocess.run([sys.executable, "-c",
                          "from gostd.net.rpc import _spin; print(repr(_spin.WINDOW))"],
                         env=env, capture_output=True, text=True, timeout=60, check=True)
    assert float(out.stdout) == pytest.approx(window)


# -- calls with spinning --------------------------------------------------------


class Slow:
    def Nap(self, args: Args) -> int:
        time.sleep(args.A / 1000)
        return args.B


@pytest.fixture
def slow_server(request: Any) -> Iterator[lib.Running]:
    server = rpc.Server()
    server.register(Slow())
    server.register(lib.Arith())
    r = lib.Running(server, getattr(request, "param", "gob"))
    try:
        yield r
    finally:
        r.stop()


def test_a_client_stops_spinning_for_slow_replies(slow_server: lib.Running) -> None:
    with slow_server.dial("gob") as c:
        spin = c._spin
        assert spin is not None
        # Two misses in a row start the back-off.  (A wait that finds the
        # process's spin slot taken, here by the server's own linger, counts
        # as neither hit nor miss, hence a few calls more than two.)
        for i in range(30):
            assert c.call("Slow.Nap", Args(5, i), int) == i
            if spin.skip:
                break
        assert spin.misses >= 2 and spin.skip > 0
        # Fast replies still arrive, spun for or not.
        for i in range(300):
            assert c.call("Arith.Multiply", Args(i, 3), int) == 3 * i


@pytest.mark.parametrize("slow_server", ["gob", "json", "http"], indirect=True)
def test_calls_are_right_with_spinning_off(slow_server: lib.Running, request: Any,
                                           monkeypatch: Any) -> None:
    monkeypatch.setattr(_spin, "WINDOW", 0.0)
    with slow_server.dial(request.node.callspec.params["slow_server"]) as c:
        for i in range(100):
            assert c.call("Arith.Multiply", Args(i, 5), int) == 5 * i


def test_concurrent_sequential_clients_lose_no_reply(slow_server: lib.Running) -> None:
    # More callers than spin slots: some spin, some block, all finish.
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            with slow_server.dial("gob") as c:
                for i in range(200):
                    if c.call("Arith.Multiply", Args(i, k), int) != i * k:
                        raise AssertionError("wrong reply")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a caller hung"
    assert errors == []
