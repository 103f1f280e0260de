"""The article's asynchronous calls: two ``client.go`` calls and a 1 ms
ticker in one ``select``, printing "tick" while the replies are on their way.

Go:
    multiplyCall := client.Go("Arith.Multiply", args, &multiplyReply, nil)
    divideCall := client.Go("Arith.Divide", args, &quotient, nil)
    ticker := time.NewTicker(time.Millisecond)
    for {
        select {
        case <-multiplyCall.Done: ...
        case <-divideCall.Done: ...
        case <-ticker.C: fmt.Println("tick")
        }
    }

Run:  python examples/rpc_async.py
"""

from __future__ import annotations

import time as pytime
from dataclasses import dataclass

from gostd import go, select
from gostd import time
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
        pytime.sleep(0.005)  # a little work, so the ticker gets to tick
        return args.A * args.B

    def Divide(self, args: Args) -> Quotient:
        pytime.sleep(0.010)
        if args.B == 0:
            raise ZeroDivisionError("divide by 0")
        return Quotient(args.A // args.B, args.A % args.B)


def main() -> None:
    rpc.register(Arith())
    rpc.handle_http()
    listener = rpc.listen("tcp", "127.0.0.1:0")
    go(rpc.serve_http, listener)
    host, port = listener.getsockname()[:2]

    client = rpc.dial_http("tcp", f"{host}:{port}")
    args = Args(15, 6)
    multiply_call = client.go("Arith.Multiply", args, int)
    divide_call = client.go("Arith.Divide", args, Quotient)
    ticker = time.new_ticker(time.Millisecond)
    pending = 2
    while pending:
        i, call = select(multiply_call.done.recv, divide_call.done.recv, ticker.c.recv)
        if i == 0:
            print(f"Arith: {args.A}*{args.B}={call.reply}")
            pending -= 1
        elif i == 1:
            print(f"Arith: {args.A}/{args.B}={call.reply.Quo} remainder {call.reply.Rem}")
            pending -= 1
        else:
            print("tick")
    ticker.stop()
    client.close()
    rpc.default_server.close()
    listener.close()


if __name__ == "__main__":
    main()
