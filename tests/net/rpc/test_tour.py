"""The tour's RPC section runs and every claim it prints holds."""

from __future__ import annotations

from gostd._tour import rpc as tour_rpc


def test_tour_section() -> None:
    lines: list[str] = []
    tour_rpc.run(lines.append)
    text = "\n".join(lines)
    assert "Arith.Multiply 7*8 = 56" in text
    assert "15/6 = 2 remainder 3" in text
    assert "'divide by 0'" in text
    assert "math.Multiply 7*8 = 56" in text
