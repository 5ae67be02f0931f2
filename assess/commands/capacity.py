"""`assess capacity`: voice bandwidth per call and in total, channels by Erlang B."""

from __future__ import annotations

import typer

from assess.console import print_json
from core.capacity import CODEC_KBPS, LINK_LAYERS, LinkLayer, capacity
from core.errors import UserError
from core.models.capacity import CapacityResult


def _show(result: CapacityResult) -> None:
    from rich.table import Table  # rich only for the table: `--json` does without it

    from assess.console import err_console

    table = Table(title=f"Voice capacity: {result.codec} {result.ptime_ms:g} ms over {result.link}", show_header=False)
    table.add_row("per call, one direction", f"{result.per_call_kbps:g} kbit/s")
    if result.erlangs is not None:
        table.add_row("busy-hour traffic", f"{result.erlangs:g} E at GoS {result.gos:g}")
        table.add_row("blocking with these channels", f"{(result.blocking or 0.0) * 100:.3f} %")
    table.add_row("channels", str(result.channels))
    table.add_row("total, one direction", f"{result.total_kbps:g} kbit/s")
    err_console.print(table)


MAX_CALLS = 1_000_000  # beyond any single site; Erlang B sizing stops at 1,000,000 channels too
MAX_ERLANGS = 100_000.0


def _check(calls: int | None, erlangs: float | None, gos: float, codec: str, link: str, crtp: bool) -> None:
    if (calls is None) == (erlangs is None):
        raise UserError("give either --calls N or --erlangs E")
    if codec not in CODEC_KBPS:
        raise UserError(f"unknown codec {codec!r}: choose one of {', '.join(sorted(CODEC_KBPS))}")
    if link not in LINK_LAYERS:
        raise UserError(f"unknown link layer {link!r}: choose one of {', '.join(LINK_LAYERS)}")
    if not 0.0 < gos < 1.0:
        raise UserError(f"--gos {gos:g} must be a fraction between 0 and 1 (0.01 is 1 % blocking)")
    if crtp and link == "ipsec":
        raise UserError("cRTP cannot compress headers inside an IPsec tunnel")


def capacity_command(
    codec: str = typer.Option(..., "--codec", help="g711, g722, g729 or opus (32 kbit/s)."),
    calls: int | None = typer.Option(None, "--calls", min=0, max=MAX_CALLS, help="Concurrent calls to carry."),
    erlangs: float | None = typer.Option(
        None, "--erlangs", min=0.0, max=MAX_ERLANGS, help="Busy-hour traffic in Erlangs."
    ),
    gos: float = typer.Option(0.01, "--gos", help="Grade of service with --erlangs: blocking probability (0.01)."),
    ptime: float = typer.Option(20.0, "--ptime", min=5.0, max=120.0, help="Packetisation time, ms."),
    link: str = typer.Option("ethernet", "--link", help="ethernet, ppp, mpls (2 labels) or ipsec (tunnel, AES)."),
    crtp: bool = typer.Option(False, "--crtp", help="Compressed RTP headers (RFC 2508, 2 bytes)."),
    codec_kbps: float | None = typer.Option(
        None, "--codec-kbps", min=1.0, max=100_000.0, help="Override the codec bit rate."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Per-call and total voice bandwidth, with Erlang B channel sizing when given Erlangs."""
    codec, link = codec.lower(), link.lower()
    _check(calls, erlangs, gos, codec, link, crtp)
    layer: LinkLayer = link  # type: ignore[assignment]  # checked against LINK_LAYERS above
    try:
        result = capacity(codec, ptime, layer, crtp, calls=calls, erlangs=erlangs, gos=gos, codec_kbps=codec_kbps)
    except ValueError as exc:  # e.g. a grade of service no channel count up to the limit reaches
        raise UserError(str(exc)) from None
    if as_json:
        print_json(result)
    else:
        _show(result)


def register(app: typer.Typer) -> None:
    """Add `assess capacity` to ``app``."""
    app.command("capacity")(capacity_command)
