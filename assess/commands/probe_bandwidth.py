"""`assess probe bandwidth`: capacity and voice headroom via an iperf3 server."""

from __future__ import annotations

import typer

from assess.commands.probe_common import checked, codec_option, measure_and_report
from assess.console import err_console
from collectors.probes.bandwidth import MAX_DURATION_S, MAX_RATE_MBPS
from collectors.probes.requests import BandwidthProbe, default_of
from collectors.probes.target import split_host_port
from core.models.probes import BandwidthResult

PORT = default_of(BandwidthProbe, "port")


def bandwidth(
    target: str = typer.Argument(..., metavar="HOST[:PORT]", help=f"The iperf3 server (default port {PORT})."),
    duration: float = typer.Option(default_of(BandwidthProbe, "duration_s"), "--duration",
        help=f"Seconds per test (at most {MAX_DURATION_S:.0f})."),
    max_mbps: float = typer.Option(default_of(BandwidthProbe, "max_mbps"), "--max-mbps",
        help=f"Rate cap per test (at most {MAX_RATE_MBPS:.0f})."),
    contracted_up: float | None = typer.Option(None, "--contracted-up", help="Contracted upload, Mbit/s."),
    contracted_down: float | None = typer.Option(None, "--contracted-down", help="Contracted download, Mbit/s."),
    force: bool = typer.Option(False, "--force", help="Allow a cap above the contracted rate plus 10 %."),
    calls: int = typer.Option(default_of(BandwidthProbe, "calls"), "--calls",
        min=0, max=10_000, help="Peak concurrent calls (voice load)."),
    codec: str = typer.Option(default_of(BandwidthProbe, "codec"), "--codec", help="Codec of the voice load."),
    ptime: int = typer.Option(default_of(BandwidthProbe, "ptime_ms"), "--ptime",
        min=10, max=120, help="Packet time of the voice load, ms."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """TCP capacity up and down (-R) and UDP loss at the voice load, with headroom per direction.

    Hard caps: 4 tests of at most 30 s each, each at most --max-mbps (<= 1000), and never more
    than the contracted rate + 10 % unless --force. Needs the iperf3 binary.
    """
    host, port = split_host_port(target, PORT)
    request = checked(BandwidthProbe(
        host=host, port=port, duration_s=duration, max_mbps=max_mbps, contracted_up_mbps=contracted_up,
        contracted_down_mbps=contracted_down, force=force, calls=calls, codec=codec_option(codec), ptime_ms=ptime))
    err_console.print(f"iperf3 against {host}:{port}: 4 tests of {duration:g} s, cap {max_mbps:g} Mbit/s ...")
    measure_and_report(request, BandwidthResult, as_json, _summary)


def _summary(r: BandwidthResult) -> None:
    err_console.print(
        f"TCP up {r.up_mbps:.2f} Mbit/s, down {r.down_mbps:.2f} Mbit/s, rtt {r.rtt_ms} ms\n"
        f"UDP at voice load ({r.voice_load_kbps:g} kbit/s): loss up {r.udp_loss_up_pct} %, "
        f"down {r.udp_loss_down_pct} %\n"
        f"headroom up {r.headroom_up_mbps} Mbit/s, down {r.headroom_down_mbps} Mbit/s"
    )


def register(probe_app: typer.Typer) -> None:
    """Add `assess probe bandwidth`."""
    probe_app.command()(bandwidth)
