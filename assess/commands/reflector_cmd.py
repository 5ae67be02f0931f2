"""`assess reflector`: run the far-end service the probes talk to."""

from __future__ import annotations

import typer

from assess.console import err_console
from reflector.service import BIND_HELP, PORT_OPTIONS, SECRET_HELP, ServeOptions, serve


def _port(dest: str) -> int:
    option = PORT_OPTIONS[dest]
    return typer.Option(option.default, option.flag, min=option.low, max=option.high, help=option.help)


def reflector(
    bind: list[str] = typer.Option(["0.0.0.0"], "--bind", help=BIND_HELP),
    port: int = _port("port"),
    secret: str | None = typer.Option(None, "--secret", envvar="ASSESS_SECRET", show_envvar=True, help=SECRET_HELP),
    stun_port: int = _port("stun_port"),
    sip_port: int = _port("sip_port"),
    sip_alt_port: int = _port("sip_alt_port"),
) -> None:
    """Far-end service: echoes probe packets with timestamps and the DSCP received.

    Safe to expose: answers are never larger than requests, each source is rate limited,
    malformed packets are ignored, and with a secret unauthenticated or replayed packets are ignored.
    """
    options = ServeOptions(binds=tuple(bind), port=port, secret=secret, stun_port=stun_port,
                           sip_port=sip_port, sip_alt_port=sip_alt_port)
    serve(options, err_console.print)


def register(app: typer.Typer) -> None:
    """Add `assess reflector` to ``app``."""
    app.command()(reflector)
