"""`assess reflector`: run the far-end service the probes talk to."""

from __future__ import annotations

import typer

from assess.console import err_console
from reflector.service import ServeOptions, serve


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
    options = ServeOptions(binds=tuple(bind), port=port, secret=secret, stun_port=stun_port,
                           sip_port=sip_port, sip_alt_port=sip_alt_port)
    serve(options, err_console.print)


def register(app: typer.Typer) -> None:
    """Add `assess reflector` to ``app``."""
    app.command()(reflector)
