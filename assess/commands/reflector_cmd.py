"""`assess reflector`: run the far-end service the probes talk to."""

from __future__ import annotations

import asyncio
import ipaddress
import os

import typer

from assess.console import err_console
from assess.errors import UserError
from assess.reflector.server import Reflector, ReflectorConfig


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
    try:
        bound = service.open()
    except OSError as exc:
        raise UserError(f"cannot listen on UDP {', '.join(bind)} port {port}: {exc.strerror}") from exc
    where = ", ".join(f"{a}:{p}" for a, p in bound)
    auth = "with a secret (HMAC required)" if config.secret else "without a secret (open)"
    err_console.print(f"reflector listening on {where} {auth}; pid {os.getpid()}")
    try:
        asyncio.run(service.serve())
    except KeyboardInterrupt:
        pass
    finally:
        err_console.print(f"reflector stopped: {service.counters.model_dump()}")


def register(app: typer.Typer) -> None:
    """Add `assess reflector` to ``app``."""
    app.command()(reflector)
