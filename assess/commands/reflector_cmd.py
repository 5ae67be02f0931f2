"""`assess reflector`: run the far-end service the probes talk to."""

from __future__ import annotations

import asyncio
import ipaddress
import os

import typer

from assess.console import err_console
from assess.errors import UserError
from assess.reflector.server import Reflector, ReflectorConfig
from assess.reflector.traversal_services import TraversalOptions, install, serve_with_traversal


def reflector(
    bind: list[str] = typer.Option(["0.0.0.0"], "--bind", help="Address to listen on (repeat for several)."),
    port: int = typer.Option(5004, "--port", min=1, max=65535, help="UDP port for probe streams and control."),
    secret: str | None = typer.Option(
        None,
        "--secret",
        envvar="ASSESS_SECRET",
        show_envvar=True,
        help="Shared secret: packets without a valid HMAC get no answer. Prefer the environment variable.",
    ),
    stun_port: int = typer.Option(3478, "--stun-port", min=0, max=65534,
                                  help="RFC 5780 STUN answers on this UDP port and the next (0: off)."),
    sip_port: int = typer.Option(5060, "--sip-port", min=0, max=65535, help="SIP echo, UDP and TCP (0: off)."),
    sip_alt_port: int = typer.Option(5062, "--sip-alt-port", min=0, max=65535,
                                     help="Second SIP echo port, to catch ALGs that rewrite any port (0: off)."),
) -> None:
    """Far-end service: echoes probe packets with timestamps and the DSCP received.

    Safe to expose: answers are never larger than requests, each source is rate limited,
    malformed packets are ignored, and with a secret unauthenticated or replayed packets are ignored.
    """
    for addr in bind:
        try:
            ipaddress.IPv4Address(addr)
        except ValueError as exc:
            raise UserError(f"--bind {addr!r} is not an IPv4 address") from exc
    config = ReflectorConfig(binds=bind, port=port, secret=secret or None)
    service = Reflector(config)
    ports = install(service)
    traversal = TraversalOptions(stun_port=stun_port, sip_ports=tuple(p for p in (sip_port, sip_alt_port) if p))
    try:
        bound = service.open()
    except OSError as exc:
        raise UserError(f"cannot listen on UDP {', '.join(bind)} port {port}: {exc.strerror}") from exc
    where = ", ".join(f"{a}:{p}" for a, p in bound)
    auth = "with a secret (HMAC required)" if config.secret else "without a secret (open)"
    err_console.print(f"reflector listening on {where} {auth}; pid {os.getpid()}")
    try:
        asyncio.run(serve_with_traversal(service, ports, traversal))
    except KeyboardInterrupt:
        pass
    finally:
        err_console.print(f"reflector stopped: {service.counters.model_dump()}")


def register(app: typer.Typer) -> None:
    """Add `assess reflector` to ``app``."""
    app.command()(reflector)
