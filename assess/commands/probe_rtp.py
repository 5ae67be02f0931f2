"""`assess probe rtp`: synthetic RTP stream against an `assess reflector`."""

from __future__ import annotations

import typer

from assess.commands.probe_common import checked, codec_option, dscp_option, measure_and_report
from assess.console import err_console
from collectors.probes.requests import RtpProbe, default_of
from collectors.probes.rtp import MAX_DURATION_S
from collectors.probes.target import split_host_port
from core.dscp import canonical_dscp
from core.models.probes import RtpResult

PORT = default_of(RtpProbe, "port")


def rtp(
    target: str = typer.Argument(..., metavar="HOST[:PORT]", help=f"The reflector (default port {PORT})."),
    codec: str = typer.Option(default_of(RtpProbe, "codec"), "--codec",
        help="g711, g729, g722 or opus (payload size and clock)."),
    ptime: int = typer.Option(default_of(RtpProbe, "ptime_ms"), "--ptime", help="Packet time in ms (10-120)."),
    duration: float = typer.Option(default_of(RtpProbe, "duration_s"), "--duration",
        help=f"Seconds to send (at most {MAX_DURATION_S:.0f})."),
    dscp: str = typer.Option(canonical_dscp(default_of(RtpProbe, "dscp")), "--dscp",
        help="DSCP to mark the stream and ask for on the echo (name or 0-63)."),
    jitter_buffer: float = typer.Option(default_of(RtpProbe, "jitter_buffer_ms"), "--jitter-buffer",
        help="Jitter-buffer depth in ms for effective loss."),
    secret: str | None = typer.Option(
        None,
        "--secret",
        envvar="ASSESS_SECRET",
        show_envvar=True,
        help="Shared secret of the reflector (prefer the environment variable).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Measure loss, jitter, RTT, reordering, DSCP and MOS in both directions with a paced RTP stream.

    Hard caps: at most 300 s, at most 100 packets/s (ptime >= 10 ms), one codec-sized packet each
    (<= 1 kB), i.e. under 100 kbit/s each way. An unreachable reflector is reported as not
    assessed within ~2 s (exit 1).
    """
    host, port = split_host_port(target, PORT)
    codec = codec_option(codec)
    marking = dscp_option(dscp)
    request = checked(RtpProbe(host=host, port=port, codec=codec, ptime_ms=ptime, duration_s=duration, dscp=marking,
                               jitter_buffer_ms=jitter_buffer, secret=secret or None))
    err_console.print(f"probing {host}:{port} with {codec} every {ptime} ms for {duration:g} s ...")
    measure_and_report(request, RtpResult, as_json, _summary)


def _summary(r: RtpResult) -> None:
    err_console.print(
        f"sent {r.packets_sent}, echoes {r.packets_received}\n"
        f"loss    up {r.loss_up_pct:.2f} %  down {r.loss_down_pct:.2f} %  (after {r.jitter_buffer_ms:g} ms buffer:"
        f" {r.effective_loss_pct:.2f} %)\n"
        f"jitter  up {r.jitter_up_ms:.2f} ms  down {r.jitter_down_ms:.2f} ms  p95 {r.jitter_p95_ms:.2f} ms"
        f"  (probe noise floor {r.noise_floor_ms} ms)\n"
        f"rtt     median {r.rtt_ms:.2f} ms   reorder {r.reorder_pct:.2f} %   duplicates {r.duplicates}\n"
        f"dscp    sent {r.dscp_sent}  at far end {r.dscp_at_far_end}  on return {r.dscp_on_return}\n"
        f"R {r.r_factor:.1f}  MOS {r.mos:.2f}" + ("  (codec impairment estimated)" if r.emodel_estimate else "")
    )


def register(probe_app: typer.Typer) -> None:
    """Add `assess probe rtp`."""
    probe_app.command()(rtp)
