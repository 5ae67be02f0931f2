"""Noise floor of `assess probe rtp` next to iperf3's UDP jitter on the same clean lab path.

    python -m benchmarks.bench_noise_floor [SECONDS]

Builds the namespace lab twice (path with the userspace relay set to no impairment, and a path
without the relay), runs the RTP probe and then iperf3 UDP at the same packet size and rate,
and prints the figures and their ratio, all measured in this run. Needs root. Never asserts.
"""

from __future__ import annotations

import json
import os
import sys

from assess.lab import Lab, LabConfig, Services
from benchmarks.common import Row, ratio, skipped
from core.models.probes import RtpResult

TITLE = "RTP probe noise floor vs iperf3 UDP jitter on a clean lab path"
PATHS = (("via relay, no impairment", True), ("direct veths", False))

PACKET = 172  # G.711 20 ms: 160 B payload + 12 B RTP header
RATE = "68.8K"  # 50 packets/s of 172 B


def _measure(lab: Lab, seconds: int) -> tuple[RtpResult, float]:
    out = lab.exec(
        "laptop",
        [sys.executable, "-m", "assess", "probe", "rtp", lab.far_ip, "--duration", str(seconds), "--json"],
        timeout=seconds + 120,
    )
    if out.returncode != 0:
        raise SystemExit(f"probe failed: {out.stderr.strip()}")
    probe = RtpResult.model_validate_json(out.stdout)
    iperf = lab.exec(
        "laptop",
        ["iperf3", "-c", lab.far_ip, "-u", "-b", RATE, "-l", str(PACKET), "-t", str(seconds), "--json"],
        timeout=seconds + 60,
    )
    jitter = float(json.loads(iperf.stdout)["end"]["sum"]["jitter_ms"])
    return probe, jitter


def run(seconds: int = 8) -> list[Row]:
    """Rows for `./dev bench`: the probe's jitter figures next to iperf3's, per path."""
    if os.geteuid() != 0:
        return skipped("needs root (network namespaces)")
    rows: list[Row] = []
    for name, relay in PATHS:
        with Lab(LabConfig(relay_enabled=relay, services=Services(stun=False))) as lab:
            probe, iperf_jitter = _measure(lab, seconds)
        last = probe.jitter_up_last_ms or 0.0
        rows += [
            Row(f"{name}: probe upstream jitter (mean RFC 3550)", probe.jitter_up_ms, "ms", f"G.711, {seconds} s"),
            Row(f"{name}: probe upstream jitter at the last packet", last, "ms", "what iperf3 reports"),
            Row(f"{name}: probe sender noise floor", probe.noise_floor_ms, "ms", "kept out of the up figure"),
            Row(f"{name}: iperf3 UDP jitter", iperf_jitter, "ms", "same size and rate"),
            Row(f"{name}: iperf3 / probe (last packet)", ratio(iperf_jitter, last) if last else None, "x", ""),
        ]
    return rows


def main(seconds: int = 8) -> None:
    """Print the noise-floor table."""
    if os.geteuid() != 0:
        print("bench_noise_floor: needs root (network namespaces); skipped")
        return
    print(f"clean path, G.711 20 ms, {seconds} s per tool")
    head = ("path", "probe up", "up last", "probe down", "up p95", "sender", "iperf3", "ratio")
    print(f"{head[0]:<22}" + "".join(f"{h:>11}" for h in head[1:]))
    for name, relay in (("via relay, no impair.", True), ("direct veths", False)):
        with Lab(LabConfig(relay_enabled=relay, services=Services(stun=False))) as lab:
            probe, iperf_jitter = _measure(lab, seconds)
        last = probe.jitter_up_last_ms or 0.0
        ratio = iperf_jitter / last if last else float("inf")
        cells = (
            probe.jitter_up_ms,
            last,
            probe.jitter_down_ms,
            probe.jitter_up_p95_ms or 0.0,
            probe.noise_floor_ms or 0.0,
            iperf_jitter,
            ratio,
        )
        print(f"{name:<22}" + "".join(f"{c:>11.3f}" for c in cells))
    print("ms. probe up = mean RFC 3550 J over the run; up last = J at the last packet, which is what iperf3")
    print("reports (ratio = iperf3 / up last); sender = jitter of the probe's own send schedule, kept out of")
    print("the up figure by the send stamp in each packet.")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
