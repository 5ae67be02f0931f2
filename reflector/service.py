"""Start the reflector with its traversal services and run it until interrupted.

Shared by the reflector's own entry point (`python -m reflector`) and `assess reflector`, so both
validate, announce and stop the same way.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import UserError
from reflector.server import Reflector, ReflectorConfig
from reflector.traversal_services import TraversalOptions, install, serve_with_traversal

DEFAULT_PORT = 5004


@dataclass(frozen=True)
class ServeOptions:
    """What an operator chooses when starting a reflector."""

    binds: tuple[str, ...] = ("0.0.0.0",)
    port: int = DEFAULT_PORT
    secret: str | None = None
    stun_port: int = 3478
    sip_port: int = 5060
    sip_alt_port: int = 5062


def serve(options: ServeOptions, say: Callable[[str], None]) -> None:
    """Listen on every bind address, answer probes until Ctrl-C; ``say`` prints the start and stop lines."""
    for addr in options.binds:
        try:
            ipaddress.IPv4Address(addr)
        except ValueError as exc:
            raise UserError(f"--bind {addr!r} is not an IPv4 address") from exc
    config = ReflectorConfig(binds=list(options.binds), port=options.port, secret=options.secret or None)
    service = Reflector(config)
    ports = install(service)
    sip_ports = tuple(p for p in (options.sip_port, options.sip_alt_port) if p)
    traversal = TraversalOptions(stun_port=options.stun_port, sip_ports=sip_ports)
    try:
        bound = service.open()
    except OSError as exc:
        raise UserError(f"cannot listen on UDP {', '.join(options.binds)} port {options.port}: {exc.strerror}") from exc
    where = ", ".join(f"{a}:{p}" for a, p in bound)
    auth = "with a secret (HMAC required)" if config.secret else "without a secret (open)"
    say(f"reflector listening on {where} {auth}; pid {os.getpid()}")
    try:
        asyncio.run(serve_with_traversal(service, ports, traversal))
    except KeyboardInterrupt:
        pass
    finally:
        say(f"reflector stopped: {service.counters.model_dump()}")
