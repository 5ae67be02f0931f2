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
from core.service_ports import REFLECTOR_PORT, SIP_ALT_PORT, SIP_PORT, STUN_PORT
from reflector.server import Reflector, ReflectorConfig
from reflector.traversal_services import TraversalOptions, install, serve_with_traversal


@dataclass(frozen=True)
class PortOption:
    """One port an operator may choose: its flag, default, bounds and help, shared by both command lines."""

    flag: str
    default: int
    low: int
    high: int
    help: str


PORT_OPTIONS: dict[str, PortOption] = {
    "port": PortOption("--port", REFLECTOR_PORT, 1, 65535, "UDP port for probe streams and control."),
    # STUN answers on the port and the next (RFC 5780 alternate port), so the last port cannot be used
    "stun_port": PortOption("--stun-port", STUN_PORT, 0, 65534,
                            "RFC 5780 STUN answers on this UDP port and the next (0: off)."),
    "sip_port": PortOption("--sip-port", SIP_PORT, 0, 65535, "SIP echo, UDP and TCP (0: off)."),
    "sip_alt_port": PortOption("--sip-alt-port", SIP_ALT_PORT, 0, 65535,
                               "Second SIP echo port, to catch ALGs that rewrite any port (0: off)."),
}
BIND_HELP = "Address to listen on (repeat for several)."
SECRET_HELP = ("Shared secret: packets without a valid HMAC get no answer. "
               "Prefer the ASSESS_SECRET environment variable.")


@dataclass(frozen=True)
class ServeOptions:
    """What an operator chooses when starting a reflector."""

    binds: tuple[str, ...] = ("0.0.0.0",)
    port: int = PORT_OPTIONS["port"].default
    secret: str | None = None
    stun_port: int = PORT_OPTIONS["stun_port"].default
    sip_port: int = PORT_OPTIONS["sip_port"].default
    sip_alt_port: int = PORT_OPTIONS["sip_alt_port"].default


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
