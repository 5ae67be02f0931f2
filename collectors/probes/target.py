"""Parse a probe target ``HOST[:PORT]``."""

from __future__ import annotations

from assess.errors import UserError


def parse_target(text: str, default_port: int) -> tuple[str, int]:
    """``("host", port)`` from ``host`` or ``host:port``; UserError on a bad port."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = text, ""
    if not host:
        raise UserError(f"target {text!r}: no host given (expected HOST or HOST:PORT)")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise UserError(f"target {text!r}: port must be a number 1-65535")
    return host, int(port_text)
