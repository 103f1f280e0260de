"""Errors of net/rpc, with Go's texts.

Go distinguishes errors the server reported (``rpc.ServerError``, a string
type) from transport errors (plain ``error`` values such as
``io.ErrUnexpectedEOF``) and the sentinel ``rpc.ErrShutdown``.  Here each is
an exception class whose ``str()`` is Go's text, so ``except`` can tell them
apart and tests can match the message.
"""

from __future__ import annotations

__all__ = ["CallTimeout", "ErrShutdown", "RPCError", "RegistrationError", "ServerError"]


class RPCError(Exception):
    """Base class of every error raised by :mod:`gostd.net.rpc`.

    Raised as such for transport failures, with Go's text: ``unexpected
    EOF``, ``reading body <decode error>``, ``reading error body: ...``.
    """


class ServerError(RPCError):
    """An error string sent by the server: ``str(err)`` is exactly that text
    (``"divide by 0"``, ``"rpc: can't find method Arith.Nope"``)."""


class ErrShutdown(RPCError):
    """The client is closed, or its connection ended before the reply came.

    ``str(ErrShutdown())`` is Go's ``connection is shut down``.
    """

    def __init__(self, message: str = "connection is shut down") -> None:
        super().__init__(message)


class CallTimeout(RPCError, TimeoutError):
    """A call's own ``timeout`` passed before its reply arrived.

    Only that call fails; the connection stays usable and the late reply, if
    it comes, is read and discarded.  (Go has no per-call timeout.)
    """


class RegistrationError(RPCError, ValueError):
    """``register``/``register_name`` refused the receiver, with Go's text
    (``rpc.Register: type X has no exported methods of suitable type``,
    ``rpc: service already defined: X``)."""
