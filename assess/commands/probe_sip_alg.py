"""`assess probe sip-alg`: detect a SIP ALG rewriting SIP between here and the reflector."""

from __future__ import annotations

import typer

from assess.commands.probe_common import measure
from assess.commands.probe_output import emit
from collectors.probes.requests import SipAlgProbe, default_of
from collectors.probes.target import split_host_port
from core.errors import UserError
from core.models.traversal import SipAlgResult

PORT = default_of(SipAlgProbe, "port")


def sip_alg(
    target: str = typer.Argument(...,
        help=f"assess reflector running the SIP echo: HOST[:PORT] (default port {PORT})."),
    transport: str = typer.Option(default_of(SipAlgProbe, "transport"), "--transport", help="udp or tcp."),
    alt_port: int = typer.Option(default_of(SipAlgProbe, "alt_port"), "--alt-port", min=1, max=65535,
        help="The reflector's non-standard SIP echo port."),
    timeout: float = typer.Option(default_of(SipAlgProbe, "timeout_s"), "--timeout",
        min=0.2, max=10, help="Seconds to wait for each echo."),
    secret: str | None = typer.Option(None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
                                      help="Reflector secret (prefer the environment variable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Send a REGISTER, an INVITE with SDP, a large INVITE (~1400 bytes) and an INVITE to a
    non-standard port to the reflector's SIP echo, and report every header or SDP field that
    was rewritten, added or dropped on the way.

    Bounds: 4 messages, each sent at most twice, under 1.5 kB each (~12 kB in all); each waits
    at most --timeout, so the probe ends within about 4 x --timeout. No answer at all gives
    "not assessed" (exit 1).
    """
    if transport not in ("udp", "tcp"):
        raise UserError(f"--transport must be udp or tcp, not {transport!r}")
    host, port = split_host_port(target, PORT)
    request = SipAlgProbe(host=host, port=port, transport="tcp" if transport == "tcp" else "udp", alt_port=alt_port,
                          timeout_s=timeout, secret=secret or None)
    result = measure(request, SipAlgResult, as_json)
    emit(result, as_json, [
        ("SIP ALG detected", result.sip_alg_detected),
        ("rewritten", ", ".join(result.rewritten) or "-"),
        ("added", ", ".join(result.added) or "-"),
        ("dropped", ", ".join(result.dropped) or "-"),
        ("large message ok", result.large_message_ok),
        ("non-standard port altered", result.nonstandard_port_altered),
        *(("note", n) for n in result.notes),
    ])


def register(app: typer.Typer) -> None:
    """Add `sip-alg` to the probe sub-app."""
    app.command("sip-alg")(sip_alg)
