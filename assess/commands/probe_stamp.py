"""`assess probe stamp`: delay variation, loss, RTT and DSCP against any RFC 8762 STAMP reflector."""

from __future__ import annotations

import typer

from assess.commands.probe_common import checked, dscp_option, measure_and_report
from assess.console import err_console
from collectors.probes.requests import StampProbe, default_of
from collectors.probes.stamp import MAX_DURATION_S
from collectors.probes.target import split_host_port
from core.dscp import canonical_dscp
from core.models.stamp import StampResult

PORT = default_of(StampProbe, "port")


def stamp(
    target: str = typer.Argument(..., metavar="HOST[:PORT]", help=f"A STAMP session-reflector (default port {PORT})."),
    duration: float = typer.Option(default_of(StampProbe, "duration_s"), "--duration",
        help=f"Seconds to send (at most {MAX_DURATION_S:.0f})."),
    interval: float = typer.Option(default_of(StampProbe, "interval_ms"), "--interval",
        help="Milliseconds between test packets (10-1000)."),
    dscp: str = typer.Option(canonical_dscp(default_of(StampProbe, "dscp")), "--dscp",
        help="DSCP to mark test packets with and ask for on return."),
    class_of_service: bool = typer.Option(default_of(StampProbe, "class_of_service"), "--cos/--no-cos",
        help="Send the RFC 8972 Class-of-Service TLV (--no-cos: do not)."),
    secret: str | None = typer.Option(
        None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
        help="Authenticated mode with this HMAC key (prefer the environment variable).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Measure RTT, per-direction delay variation and loss, and DSCP with STAMP (RFC 8762/8972).

    Works against any STAMP session-reflector (routers, Linux, `assess farend`). Hard caps: at
    most 300 s, at most 100 packets/s, packets under 150 bytes (under 120 kbit/s). Without an
    answer within 2 s the result is "not assessed" (exit 1).
    """
    host, port = split_host_port(target, PORT)
    marking = dscp_option(dscp)
    request = checked(StampProbe(host=host, port=port, duration_s=duration, interval_ms=interval, dscp=marking,
                                 secret=secret or None, class_of_service=class_of_service))
    err_console.print(f"STAMP to {host}:{port} every {interval:g} ms for {duration:g} s ...")
    measure_and_report(request, StampResult, as_json, _summary)


def _summary(r: StampResult) -> None:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f} %"

    rows = [
        ("mode", r.mode),
        ("packets", f"{r.packets_received}/{r.packets_sent} answered"),
        ("loss round trip", pct(r.loss_pct)),
        ("loss up / down", f"{pct(r.loss_up_pct)} / {pct(r.loss_down_pct)}"),
        ("jitter up / down", f"{r.jitter_up_ms:.2f} / {r.jitter_down_ms:.2f} ms (RFC 3550)"),
        ("ipdv up / down", f"{r.ipdv_up_ms:.2f} / {r.ipdv_down_ms:.2f} ms"),
        ("rtt median / p95", f"{r.rtt_ms:.2f} / {r.rtt_p95_ms:.2f} ms"),
        ("dscp sent/far/return", f"{r.dscp_sent} / {r.dscp_at_far_end} / {r.dscp_on_return}"),
        *(("note", n) for n in r.notes),
    ]
    for key, value in rows:
        typer.echo(f"{key:<22} {value}")


def register(app: typer.Typer) -> None:
    """Add `stamp` to the probe sub-app."""
    app.command()(stamp)
