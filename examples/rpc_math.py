"""The article's custom service name: ``rpc.RegisterName("math", arith)``;
clients call ``"math.Multiply"``.

Run:  python examples/rpc_math.py
"""

from __future__ import annotations

from dataclasses import dataclass

from gostd import go
from gostd.net import rpc


@dataclass
class Args:
    A: int = 0
    B: int = 0


class Arith:
    def Multiply(self, args: Args) -> int:
        return args.A * args.B


def main() -> None:
    rpc.register_name("math", Arith())
    listener = rpc.listen("tcp", "127.0.0.1:0")
    go(rpc.accept, listener)
    host, port = listener.getsockname()[:2]

    with rpc.dial("tcp", f"{host}:{port}") as client:
        print(f"math.Multiply: 7*8={client.call('math.Multiply', Args(7, 8), int)}")
        try:
            client.call("Arith.Multiply", Args(7, 8), int)
        except rpc.ServerError as err:
            print("Arith.Multiply:", err)
    rpc.default_server.close()
    listener.close()


if __name__ == "__main__":
    main()
