"""Regressions found by the acceptance pass (issue 5 follow-up): each test
failed before its fix."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Optional

import pytest

import gostd.net.rpc as rpc
from gostd.encoding import gob
from gostd.net.rpc import jsonrpc
from gostd.net.rpc._types import go_type_name

import rpc_testlib as lib


def _serve(svc: object, mode: str) -> lib.Running:
    s = rpc.Server()
    s.register(svc)
    return lib.Running(s, mode)


def test_local_classes_under_future_annotations_resolve() -> None:
    """Services and types defined inside a function, in a module using
    ``from __future__ import annotations`` (annotations are strings): the
    registering caller's locals resolve them."""
    module: dict = {"rpc": rpc, "__name__": "usermod"}
    exec(compile(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "def make():\n"
        "    @dataclass\n"
        "    class Pair:\n"
        "        A: int = 0\n"
        "        B: int = 0\n"
        "    class Calc:\n"
        "        def Add(self, p: Pair) -> int:\n"
        "            return p.A + p.B\n"
        "        def Twice(self, n: int) -> list[int]:\n"
        "            return [n, n]\n"
        "    s = rpc.Server()\n"
        "    s.register(Calc())\n"
        "    return s, Pair\n", "<user module>", "exec"), module)
    for mode in ("gob", "json"):
        server, pair = module["make"]()
        running = lib.Running(server, mode)
        try:
            with running.dial(mode) as c:
                assert c.call("Calc.Add", pair(2, 3), int) == 5
                assert c.call("Calc.Twice", 4, list[int]) == [4, 4]
        finally:
            running.stop()


class Raiser:
    def Key(self, name: str) -> str:
        raise KeyError(f'no item "{name}"')

    def Empty(self, name: str) -> str:
        raise ValueError()

    def Exit(self, name: str) -> str:
        raise SystemExit("exit requested")


@pytest.mark.parametrize("mode", ["gob", "json"])
def test_error_text_is_the_raised_message(mode: str) -> None:
    """``KeyError("x")`` sends ``x`` (not str()'s ``'x'``); an exception
    without text sends its type name; even SystemExit gets an answer."""
    running = _serve(Raiser(), mode)
    try:
        with running.dial(mode) as c:
            with pytest.raises(rpc.ServerError) as info:
                c.call("Raiser.Key", "kiwi", str, timeout=10)
            assert str(info.value) == 'no item "kiwi"'
            with pytest.raises(rpc.ServerError, match="^ValueError$"):
                c.call("Raiser.Empty", "", str, timeout=10)
            with pytest.raises(rpc.ServerError, match="^exit requested$"):
                c.call("Raiser.Exit", "", str, timeout=10)
    finally:
        running.stop()


@dataclass
class Stamp:
    N: gob.uint8 = 0  # type: ignore[assignment]
    T: datetime.datetime = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)
    P: Optional[int] = None


class Times:
    def Nan(self, n: int) -> float:
        return math.nan

    def Later(self, s: Stamp) -> Stamp:
        return Stamp(s.N + 1, s.T + datetime.timedelta(hours=1), s.P)

    def Bad(self, n: int) -> int:
        return {1j: 1}  # type: ignore[return-value]


def test_jsonrpc_unencodable_reply_is_an_error_not_a_hang() -> None:
    """Go's jsonrpc server never answers a reply it cannot encode (its
    client waits forever); ours answers with the encode error."""
    running = _serve(Times(), "json")
    try:
        with running.dial("json") as c:
            with pytest.raises(rpc.ServerError, match="^json: unsupported value: NaN$"):
                c.call("Times.Nan", 0, float, timeout=10)
            with pytest.raises(rpc.ServerError, match="^json: unsupported type"):
                c.call("Times.Bad", 0, int, timeout=10)
            assert c.call("Times.Later",
                          Stamp(1, datetime.datetime(2009, 11, 10, 23)), Stamp,
                          timeout=10) == Stamp(2, datetime.datetime(
                              2009, 11, 11, 0, tzinfo=datetime.timezone.utc))
            with pytest.raises(rpc.ServerError,
                               match="^json: cannot unmarshal number 256 into Go struct "
                                     "field Stamp.N of type uint8$"):
                c.call("Times.Later", {"N": 256}, Stamp, timeout=10)
    finally:
        running.stop()


def test_go_type_names_of_gob_markers() -> None:
    assert go_type_name(gob.uint8) == "uint8"
    assert go_type_name(list[gob.int32]) == "[]int32"
    assert go_type_name(datetime.datetime) == "time.Time"
    assert go_type_name(Optional[gob.float32]) == "*float32"
