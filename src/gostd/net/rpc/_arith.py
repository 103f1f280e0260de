"""The article's ``Arith`` service, served by ``gostd rpc serve``, the tour
and the examples (Go's ``Args``, ``Quotient`` and ``Arith`` in Python)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Args", "Arith", "Quotient"]


@dataclass
class Args:
    A: int = 0
    B: int = 0


@dataclass
class Quotient:
    Quo: int = 0
    Rem: int = 0


class Arith:
    """``Multiply`` returns A*B; ``Divide`` returns the Quotient, or fails
    with ``divide by 0`` — Go's integer division (truncating toward zero)."""

    def Multiply(self, args: Args) -> int:
        return args.A * args.B

    def Divide(self, args: Args) -> Quotient:
        if args.B == 0:
            raise ZeroDivisionError("divide by 0")
        q = abs(args.A) // abs(args.B)
        if (args.A < 0) != (args.B < 0):
            q = -q
        return Quotient(q, args.A - q * args.B)
