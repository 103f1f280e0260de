"""Go-style network addresses: ``"host:port"``, ``":1234"``, ``"[::1]:80"``.

:func:`listen` and :func:`dial` are the small parts of Go's ``net`` package
that net/rpc needs (``net.Listen``/``net.Dial``); both set ``TCP_NODELAY``
on connections, as Go does.
"""

from __future__ import annotations

import select
import socket
from typing import Any

__all__ = ["dial", "listen", "readable", "split_host_port"]


def split_host_port(address: str) -> tuple[str, int]:
    """``"host:port"`` -> ``(host, port)``; raises :class:`ValueError` with Go's
    ``address X: missing port in address`` when there is no port."""
    if address.startswith("["):
        end = address.find("]")
        if end < 0 or not address[end + 1:].startswith(":"):
            raise ValueError(f"address {address}: missing port in address")
        host, port = address[1:end], address[end + 2:]
    else:
        host, sep, port = address.rpartition(":")
        if not sep:
            raise ValueError(f"address {address}: missing port in address")
    try:
        return host, int(port)
    except ValueError:
        raise ValueError(f"address {address}: invalid port") from None


def _family(network: str) -> socket.AddressFamily:
    if network == "tcp6":
        return socket.AF_INET6
    if network in ("tcp", "tcp4"):
        return socket.AF_INET
    if network == "unix":
        return socket.AF_UNIX
    raise ValueError(f"unknown network {network}")


def listen(network: str, address: str, backlog: int = 1024) -> socket.socket:
    """A listening socket (Go's ``net.Listen``).  ``":1234"`` listens on all
    interfaces; tests should use ``"127.0.0.1:0"``."""
    family = _family(network)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if family == socket.AF_UNIX:
            sock.bind(address)
        else:
            host, port = split_host_port(address)
            if network == "tcp" and ":" in host:
                sock.close()
                sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def dial(network: str, address: str, timeout: float | None = None) -> socket.socket:
    """A connected socket (Go's ``net.Dial``); ``":1234"`` dials the local host."""
    family = _family(network)
    if family == socket.AF_UNIX:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
        sock.settimeout(None)
        return sock
    host, port = split_host_port(address)
    if not host:
        host = "127.0.0.1" if network != "tcp6" else "::1"
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(None)
    nodelay(sock)
    return sock


def nodelay(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass


def readable(sock: Any, timeout: float) -> bool:
    """Whether ``sock`` becomes readable within ``timeout`` seconds (poll(2),
    so descriptors above FD_SETSIZE work).  Raises ``OSError``/``ValueError``
    when ``sock`` is closed."""
    fd = sock.fileno()
    if fd < 0:
        raise ValueError("closed")
    poll = getattr(select, "poll", None)
    if poll is None:
        return bool(select.select([fd], [], [], timeout)[0])
    p = poll()
    p.register(fd, select.POLLIN)
    return bool(p.poll(int(timeout * 1000)))
