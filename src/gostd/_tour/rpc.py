"""Tour section: net/rpc — the article's Arith over HTTP and TCP, the
asynchronous calls with a 1 ms ticker, and the ``math`` service name.

Everything runs against servers this section starts on 127.0.0.1 (free
ports) and stops again; every claim shown is checked.
"""

from __future__ import annotations

from typing import Callable

from .._chan import select
from .._goroutine import go
from ..net import rpc
from ..net.rpc._arith import Args, Arith, Quotient
from .. import time


def _check(claim: bool, what: str) -> None:
    if not claim:
        raise AssertionError(what)


def run(say: Callable[[str], None]) -> None:
    server = rpc.Server()
    arith = Arith()
    server.register(arith)
    server.register_name("math", arith)

    # HTTP: rpc.Register + rpc.HandleHTTP + http.Serve; client rpc.DialHTTP.
    http_listener = rpc.listen("tcp", "127.0.0.1:0")
    go(server.serve_http, http_listener)
    host, port = http_listener.getsockname()[:2]
    tcp_listener = rpc.listen("tcp", "127.0.0.1:0")
    go(server.accept, tcp_listener)
    tcp_host, tcp_port = tcp_listener.getsockname()[:2]
    try:
        with rpc.dial_http("tcp", f"{host}:{port}") as client:
            reply = client.call("Arith.Multiply", Args(7, 8), int)
            say(f"HTTP  Arith.Multiply 7*8 = {reply}")
            _check(reply == 56, "7*8 over HTTP")
            quo = client.call("Arith.Divide", Args(15, 6), Quotient)
            say(f"HTTP  Arith.Divide 15/6 = {quo.Quo} remainder {quo.Rem}")
            _check(quo == Quotient(2, 3), "15/6 over HTTP")
            try:
                client.call("Arith.Divide", Args(1, 0), Quotient)
            except rpc.ServerError as err:
                say(f"HTTP  Arith.Divide 1/0 -> error {str(err)!r}")
                _check(str(err) == "divide by 0", "divide by 0 error text")
            else:
                raise AssertionError("1/0 did not fail")

            # Asynchronous: two Go() calls and a 1 ms ticker in one select.
            args = Args(15, 6)
            mul = client.go("Arith.Multiply", args, int)
            div = client.go("Arith.Divide", args, Quotient)
            ticker = time.new_ticker(time.Millisecond)
            got: dict[str, object] = {}
            ticks = 0
            try:
                while len(got) < 2:
                    i, value = select(mul.done.recv, div.done.recv, ticker.c.recv)
                    if i == 2:
                        ticks += 1
                    else:
                        got[value.service_method] = value.reply
            finally:
                ticker.stop()
            say(f"async Go() x2 with a 1 ms ticker: {got['Arith.Multiply']}, "
                f"{got['Arith.Divide']} ({ticks} ticks while waiting)")
            _check(got == {"Arith.Multiply": 90, "Arith.Divide": Quotient(2, 3)}, "async results")

        # Plain TCP: net.Listen + rpc.Accept; client rpc.Dial.
        with rpc.dial("tcp", f"{tcp_host}:{tcp_port}") as client:
            reply = client.call("Arith.Multiply", Args(6, 7), int)
            say(f"TCP   Arith.Multiply 6*7 = {reply}")
            _check(reply == 42, "6*7 over TCP")
            reply = client.call("math.Multiply", Args(7, 8), int)
            say(f"TCP   math.Multiply 7*8 = {reply}  (rpc.register_name(\"math\", arith))")
            _check(reply == 56, "math.Multiply")
            try:
                client.call("math.Nope", Args(), int)
            except rpc.ServerError as err:
                say(f"TCP   math.Nope -> error {str(err)!r}")
                _check(str(err) == "rpc: can't find method math.Nope", "unknown method text")
    finally:
        server.close(timeout=5)
        http_listener.close()
        tcp_listener.close()
