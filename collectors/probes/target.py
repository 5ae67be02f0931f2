"""``HOST[:PORT]`` arguments of the traversal probes, resolved to an address."""

from __future__ import annotations

import socket

from core.errors import UserError


def split_host_port(text: str, default_port: int) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (IPv6 as ``[addr]:port``).

    >>> split_host_port("192.0.2.1:3479", 3478)
    ('192.0.2.1', 3479)
    >>> split_host_port("[2001:db8::1]", 3478)
    ('2001:db8::1', 3478)
    """
    host, port = text, default_port
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], text)
    elif text.count(":") == 1:
        host, _, raw = text.partition(":")
        port = _port(raw, text)
    if not host:
        raise UserError(f"{text!r}: no host given (expected HOST[:PORT])")
    return host, port


def _port(raw: str, text: str) -> int:
    if not raw.isdecimal() or not 0 < int(raw) < 65536:
        raise UserError(f"{text!r}: port must be a number from 1 to 65535")
    return int(raw)


def resolve(host: str, port: int, kind: socket.SocketKind = socket.SOCK_DGRAM) -> tuple[str, int]:
    """First address of ``host``; raises OSError when the name does not resolve."""
    info = socket.getaddrinfo(host, port, type=kind)
    return str(info[0][4][0]), port
