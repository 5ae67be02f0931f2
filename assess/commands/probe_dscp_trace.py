"""`assess probe dscp-trace`: which hop loses the DSCP marking."""

from __future__ import annotations

import socket

import typer

from assess.commands.probe_common import checked, measure_and_report
from assess.console import err_console
from collectors.probes.dscp_trace import MAX_HOPS
from collectors.probes.requests import DscpTraceProbe, default_of
from core.dscp import canonical_dscp, dscp_value
from core.errors import UserError
from core.models.probes import DscpTraceResult


def dscp_trace(
    host: str = typer.Argument(..., help="Target address (e.g. the reflector)."),
    dscp: str = typer.Option(canonical_dscp(default_of(DscpTraceProbe, "dscp")), "--dscp",
        help="DSCP to send (name or 0-63)."),
    max_hops: int = typer.Option(default_of(DscpTraceProbe, "max_hops"), "--max-hops",
        min=1, max=MAX_HOPS, help="Highest TTL probed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Send one marked UDP probe per TTL and read the TOS each hop quotes back (needs root).

    Hard caps: one small packet per hop (at most 30), answers awaited 2 s.
    """
    try:
        value = dscp_value(dscp)
        address = socket.gethostbyname(host)
    except (ValueError, OSError) as exc:
        raise UserError(f"{host} / --dscp {dscp}: {exc}") from exc
    request = checked(DscpTraceProbe(address=address, dscp=value, max_hops=max_hops))
    measure_and_report(request, DscpTraceResult, as_json, _summary)


def _summary(result: DscpTraceResult) -> None:
    for hop in result.hops:
        err_console.print(f"{hop.ttl:>2}  {hop.address or '*':<16} DSCP {hop.dscp_received}")
    err_console.print(result.summary)


def register(probe_app: typer.Typer) -> None:
    """Add `assess probe dscp-trace`."""
    probe_app.command("dscp-trace")(dscp_trace)
