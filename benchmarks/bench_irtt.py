"""`assess probe rtp`, `assess probe stamp` and irtt (`irtt client`, a peer tool) side by side on
the same impaired lab path in the same run: loss per direction, delay variation and RTT.

    python -m benchmarks.bench_irtt [SECONDS]

The lab's relay adds 40 ms ± 10 ms (each packet's hold drawn on its own) and 1.5 % loss upstream;
the three tools run at the same time, each at 50 packets/s of G.711 size, against `assess
farend` (reflector and STAMP) and `irtt server` in the far namespace. The relay's own counts are
the truth for loss. Jitter figures differ in definition: the probes' RFC 3550 J (mean of the
running estimate) and irtt's mean abs IPDV (consecutive one-way delay differences) estimate the
same mean |D|. Needs root and irtt. Never asserts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from pydantic import BaseModel

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services, netns
from assess.lab.impair import RelayTruth
from assess.lab.services import listening
from benchmarks.common import Row, skipped
from core.models.probes import RtpResult
from core.models.stamp import StampResult

TITLE = "Delay variation, loss and RTT: assess probe rtp, assess probe stamp and irtt on the same impaired path"
# Each packet's hold drawn on its own (reorder=True), as netem does: through a FIFO relay the three
# interleaved flows would couple, a packet following another tool's by a few ms inheriting its hold
# (the median of the later flow tends to that of the max of two holds, 44.1 ms here), so the tools'
# RTT medians would differ by the flows' phase, not by what the tools measure. Within one flow no
# packet can overtake another: ±10 ms of jitter never exceeds the 20 ms spacing.
UPSTREAM = Impairment(delay_ms=40, jitter_ms=10, loss_pct=1.5, reorder=True)
IRTT_PORT = 2112
STAMP_PORT = 8862
NS = 1e-6  # irtt reports nanoseconds; figures here are milliseconds


class IrttDuration(BaseModel):
    """One of irtt's duration statistics (nanoseconds)."""

    n: int
    mean: float
    median: float = 0.0


class IrttStats(BaseModel):
    """The figures of `irtt client -o FILE` that the comparison uses (irtt JSON format 1)."""

    packets_sent: int
    packets_received: int
    upstream_loss_percent: float
    downstream_loss_percent: float
    rtt: IrttDuration
    ipdv_send: IrttDuration
    ipdv_receive: IrttDuration


@dataclass
class SideBySide:
    """One run of the three tools on the same path, and the relay's truth."""

    rtp: RtpResult
    stamp: StampResult
    irtt: IrttStats
    relay: RelayTruth


def lab_config() -> LabConfig:
    """The impaired path (relay seed fixed), with `assess farend` at the far end."""
    return LabConfig(relay=RelayConfig(up=UPSTREAM, seed=4),
                     services=Services(farend=True, stun=False, iperf3=False, stamp_port=STAMP_PORT))


def side_by_side(lab: Lab, seconds: int = 10) -> SideBySide:
    """Run irtt, the STAMP probe and the RTP probe at the same time through ``lab``'s relay."""
    server = lab.popen("far", ["irtt", "server", "-b", f"{lab.far_ip}:{IRTT_PORT}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = lab.workdir / "irtt.json"
    try:
        # A client that starts before the server has bound gets "connection refused" (seen on a loaded machine).
        netns.wait_for(lambda: listening(lab.ns["far"], "udp", IRTT_PORT), 10.0, "irtt server did not start")
        irtt = lab.popen("laptop", ["irtt", "client", "-Q", "-i", "20ms", "-d", f"{seconds}s", "-l", "172",
                                    "--timeouts=1s,2s,4s", "--thread", "-o", str(out), f"{lab.far_ip}:{IRTT_PORT}"])
        stamp = lab.popen("laptop", [sys.executable, "-m", "assess", "probe", "stamp",
                                     f"{lab.far_ip}:{STAMP_PORT}", "--duration", str(seconds), "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rtp = lab.exec("laptop", [sys.executable, "-m", "assess", "probe", "rtp", f"{lab.far_ip}:5004",
                                  "--duration", str(seconds), "--json"], timeout=seconds + 60)
        stamp_out, stamp_err = stamp.communicate(timeout=seconds + 60)
        irtt.wait(timeout=seconds + 60)
    finally:
        server.terminate()
        server.wait(timeout=5)
    if rtp.returncode != 0 or stamp.returncode != 0 or irtt.returncode != 0:
        raise RuntimeError(f"a tool failed: rtp {rtp.stderr.strip()[-200:]} stamp {stamp_err[-200:]!r} "
                           f"irtt exit {irtt.returncode}")
    stats = IrttStats.model_validate(json.loads(out.read_text())["stats"])
    return SideBySide(RtpResult.model_validate_json(rtp.stdout), StampResult.model_validate_json(stamp_out),
                      stats, lab.relay_truth())


def rows(run: SideBySide) -> list[Row]:
    """The side-by-side figures, grouped by what they measure."""
    r, s, i = run.rtp, run.stamp, run.irtt
    relay = run.relay
    figures = [
        ("upstream loss", "%", [("probe rtp", r.loss_up_pct), ("probe stamp", s.loss_up_pct),
                                ("irtt", i.upstream_loss_percent), ("relay (truth, all flows)", relay.up.loss_pct)]),
        ("downstream loss", "%", [("probe rtp", r.loss_down_pct), ("probe stamp", s.loss_down_pct),
                                  ("irtt", i.downstream_loss_percent), ("relay (truth)", relay.down.loss_pct)]),
        ("upstream delay variation", "ms", [("probe rtp, RFC 3550 J", r.jitter_up_ms),
                                            ("probe stamp, RFC 3550 J", s.jitter_up_ms),
                                            ("probe stamp, mean abs IPDV", s.ipdv_up_ms),
                                            ("irtt, mean abs IPDV send", i.ipdv_send.mean * NS)]),
        ("downstream delay variation", "ms", [("probe rtp, RFC 3550 J", r.jitter_down_ms),
                                              ("probe stamp, RFC 3550 J", s.jitter_down_ms),
                                              ("probe stamp, mean abs IPDV", s.ipdv_down_ms),
                                              ("irtt, mean abs IPDV receive", i.ipdv_receive.mean * NS)]),
        ("RTT median", "ms", [("probe rtp", r.rtt_ms), ("probe stamp", s.rtt_ms), ("irtt", i.rtt.median * NS)]),
    ]
    out = [Row(f"{what}: {tool}", value, unit) for what, unit, tools in figures for tool, value in tools]
    out.append(Row("packets sent: rtp / stamp / irtt", None, "",
                   f"{r.packets_sent} / {s.packets_sent} / {i.packets_sent}"))
    return out


def run(seconds: int = 10) -> list[Row]:
    """Rows for `./dev bench`."""
    if os.geteuid() != 0:
        return skipped("needs root (network namespaces)")
    if shutil.which("irtt") is None:
        return skipped("needs irtt (Debian package irtt, installed by ./dev)")
    with Lab(lab_config()) as lab:
        return rows(side_by_side(lab, seconds))


if __name__ == "__main__":
    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else 10):
        print(f"{row.metric:<60} {'—' if row.value is None else f'{row.value:.3f}':>10} {row.unit:<3} {row.note}")
