"""The article's net/rpc example over HTTP: server and client in one program.

Go:  rpc.Register(arith); rpc.HandleHTTP(); http.ListenAndServe(":1234", nil)
     client, _ := rpc.DialHTTP("tcp", "127.0.0.1:1234")
     client.Call("Arith.Multiply", args, &reply)

Run:  python examples/rpc_http.py [ADDRESS]     (default 127.0.0.1:0, a free port)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from gostd import go
from gostd.net import rpc


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Quotient:
    Quo: int = 0
    Rem: int = 0


class Arith:
    def Multiply(self, args: Args) -> int:
        return args.A * args.B

    def Divide(self, args: Args) -> Quotient:
        if args.B == 0:
            raise ZeroDivisionError("divide by 0")
        return Quotient(args.A // args.B, args.A % args.B)


def main(address: str = "127.0.0.1:0") -> None:
    # Server
    rpc.register(Arith())
    rpc.handle_http()
    listener = rpc.listen("tcp", address)
    go(rpc.serve_http, listener)
    host, port = listener.getsockname()[:2]

    # Client
    client = rpc.dial_http("tcp", f"{host}:{port}")
    args = Args(7, 8)
    reply = client.call("Arith.Multiply", args, int)
    print(f"Arith: {args.A}*{args.B}={reply}")
    args = Args(15, 6)
    quo = client.call("Arith.Divide", args, Quotient)
    print(f"Arith: {args.A}/{args.B}={quo.Quo} remainder {quo.Rem}")
    try:
        client.call("Arith.Divide", Args(1, 0), Quotient)
    except rpc.ServerError as err:
        print("arith error:", err)
    client.close()
    rpc.default_server.close()
    listener.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
