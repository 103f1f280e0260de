"""The article's net/rpc example over plain TCP.

Go:  l, _ := net.Listen("tcp", ":1234"); rpc.Accept(l)
     client, _ := rpc.Dial("tcp", "127.0.0.1:1234")

Run:  python examples/rpc_tcp.py [ADDRESS]      (default 127.0.0.1:0)
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
    rpc.register(Arith())
    listener = rpc.listen("tcp", address)
    go(rpc.accept, listener)
    host, port = listener.getsockname()[:2]

    with rpc.dial("tcp", f"{host}:{port}") as client:
        args = Args(7, 8)
        print(f"Arith: {args.A}*{args.B}={client.call('Arith.Multiply', args, int)}")
        quo = client.call("Arith.Divide", Args(15, 6), Quotient)
        print(f"Arith: 15/6={quo.Quo} remainder {quo.Rem}")
    rpc.default_server.close()
    listener.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
