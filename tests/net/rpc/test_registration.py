"""Registration refuses what Go refuses (issue 14, item 8): a method whose
argument or reply type is an unexported (lower-case) class, or that cannot
take exactly one argument.  When no method qualifies, why each was refused
is logged with Go 1.19's texts (``suitableMethods`` with ``logErr``), then
the registration error, which Go also logs; the error texts are checked
against a Go program registering the same shapes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Optional

import pytest

import gostd.net.rpc as rpc

import rpc_testlib as lib


@dataclass
class Args:
    A: int = 0


@dataclass
class args:  # noqa: N801 - Go's unexported type
    A: int = 0


@dataclass
class reply:  # noqa: N801
    R: int = 0


@dataclass
class wire:  # noqa: N801 - lower-case in Python, exported under its gob name
    __gob_name__ = "Wire"
    A: int = 0


class BadArg:
    def Do(self, a: args) -> int:
        return 0


class BadReply:
    def Do(self, a: Args) -> reply:
        return reply()


class WrongIns:
    def Do(self) -> int:
        return 0

    def Two(self, a: Args, b: Args) -> int:
        return 0


class Mixed:
    def Good(self, a: Args) -> int:
        return a.A

    def Bad(self, a: args) -> int:
        return 0

    def Ptr(self, a: Optional[args]) -> int:  # a pointer to an unexported type
        return 0


class Fine:
    def Wired(self, a: wire) -> list[args]:  # []args is unnamed: Go accepts it
        return [args(a.A)]


@pytest.fixture(scope="module")
def go_answers() -> dict[str, Any]:
    return lib.run_go(lib.build_go("gohard"), "register")


def _register(rcvr: Any) -> str | None:
    try:
        rpc.Server().register(rcvr)
    except rpc.RegistrationError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("rcvr", [BadArg, BadReply, WrongIns, Mixed])
def test_register_errors_are_gos(rcvr: type, go_answers: dict[str, Any]) -> None:
    assert _register(rcvr()) == go_answers[rcvr.__name__]


def test_refused_method_of_accepted_receiver(go_answers: dict[str, Any]) -> None:
    s = rpc.Server()
    s.register(Mixed())
    r = lib.Running(s)
    try:
        with r.dial() as c:
            assert c.call("Mixed.Good", Args(5), int, timeout=10) == 5
            with pytest.raises(rpc.ServerError) as info:
                c.call("Mixed.Bad", args(5), int, timeout=10)
            assert str(info.value) == go_answers["Mixed.Bad"]
            with pytest.raises(rpc.ServerError, match="^rpc: can't find method Mixed.Ptr$"):
                c.call("Mixed.Ptr", args(5), int, timeout=10)
    finally:
        r.stop()


@pytest.mark.parametrize("rcvr, why", [
    (BadArg(), ['rpc.Register: argument type of method "Do" is not exported: "*main.args"']),
    (BadReply(), ['rpc.Register: reply type of method "Do" is not exported: "*main.reply"']),
    (WrongIns(), ['rpc.Register: method "Do" has 2 input parameters; needs exactly three',
                  'rpc.Register: method "Two" has 4 input parameters; needs exactly three']),
])
def test_each_refusal_is_logged_when_none_qualifies(rcvr: Any, why: list[str],
                                                    caplog: Any) -> None:
    name = type(rcvr).__name__
    with caplog.at_level(logging.ERROR, logger="gostd.net.rpc"):
        with pytest.raises(rpc.RegistrationError):
            rpc.Server().register(rcvr)
    assert [r.getMessage() for r in caplog.records] == why + [
        f"rpc.Register: type {name} has no exported methods of suitable type"]


def test_nothing_is_logged_when_some_method_qualifies(caplog: Any) -> None:
    with caplog.at_level(logging.DEBUG, logger="gostd.net.rpc"):
        rpc.Server().register(Mixed())
        rpc.Server().register(Fine())
    assert caplog.records == []


def test_names_go_sees_decide(caplog: Any) -> None:
    s = rpc.Server()
    s.register(Fine())   # lower-case class with an exported gob name; a slice of one
    assert set(s.services()[0].methods) == {"Wired"}
    with caplog.at_level(logging.ERROR, logger="gostd.net.rpc"):
        assert _register(type("lower", (), {"M": lambda self, a: a})()) == \
            "rpc.Register: type lower is not exported"
    assert [r.getMessage() for r in caplog.records] == ["rpc.Register: type lower is not exported"]


