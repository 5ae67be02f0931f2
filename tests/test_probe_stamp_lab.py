"""`assess probe stamp` against `assess farend` on the lab's impaired path (40 ms ± 10 ms, 1.5 %
loss upstream), held to the RTP probe's tolerances against the same kind of truth: captures at
both ends (same kernel clock) and the relay's own counts. The truth is computed here from the
RFC 8762 packet layout and RFC 3550's jitter formula, not with the probe's code."""

from __future__ import annotations

import itertools
import statistics
import struct
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services
from assess.lab.capture import UdpPacket, capture, read_udp
from core.models.stamp import StampResult
from tests.labtools import assess_cmd, needs_lab

pytestmark = [pytest.mark.lab, needs_lab]

UPSTREAM = Impairment(delay_ms=40, jitter_ms=10, loss_pct=1.5)
STAMP_PORT = 8862


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    services = Services(farend=True, stun=False, stamp_port=STAMP_PORT)
    with Lab(LabConfig(relay=RelayConfig(up=UPSTREAM, seed=4), services=services)) as built:
        yield built


@dataclass
class StampTruth:
    sent: int
    loss_up_pct: float
    loss_down_pct: float
    jitter_up_ms: float
    jitter_down_ms: float
    rtt_median_ms: float


def _rfc3550_mean_ms(pairs: list[tuple[float, float]]) -> float:
    """Mean of RFC 3550 section 6.4.1's running J over (send, arrival) seconds, in arrival order."""
    pairs = sorted(pairs, key=lambda p: p[1])
    j, series = 0.0, []
    for (s0, r0), (s1, r1) in itertools.pairwise(pairs):
        d = (r1 - r0) - (s1 - s0)
        j += (abs(d) - j) / 16
        series.append(j)
    return statistics.fmean(series) * 1000


def stamp_truth(laptop: list[UdpPacket], far: list[UdpPacket], far_ip: str) -> StampTruth:
    # RFC 8762 4.2.1: the sender's Sequence Number is octets 0-3; 4.3.1: the reflector copies it to octets 24-27.
    def sender_seq(k: UdpPacket) -> int:
        return int(struct.unpack_from("!I", k.payload, 0)[0])

    def reflected_seq(k: UdpPacket) -> int:
        return int(struct.unpack_from("!I", k.payload, 24)[0])

    tx = {sender_seq(k): k.time_s for k in laptop if k.dst == far_ip and k.dport == STAMP_PORT}
    rx_far: dict[int, float] = {}
    for k in far:
        if k.dst == far_ip and k.dport == STAMP_PORT:
            rx_far.setdefault(sender_seq(k), k.time_s)
    echo_far = {reflected_seq(k): k.time_s for k in far if k.src == far_ip and k.sport == STAMP_PORT}
    echo_lap = {reflected_seq(k): k.time_s for k in laptop if k.src == far_ip and k.sport == STAMP_PORT}
    rtts = [(echo_lap[s] - tx[s] - (echo_far[s] - rx_far[s])) * 1000 for s in echo_lap if s in tx and s in rx_far]
    arrived = set(rx_far) & set(tx)
    return StampTruth(
        sent=len(tx),
        loss_up_pct=100 * (len(tx) - len(arrived)) / len(tx),
        loss_down_pct=100 * (len(echo_far) - len(set(echo_lap) & set(echo_far))) / len(echo_far),
        jitter_up_ms=_rfc3550_mean_ms([(tx[s], rx_far[s]) for s in arrived]),
        jitter_down_ms=_rfc3550_mean_ms([(echo_far[s], echo_lap[s]) for s in echo_lap if s in echo_far]),
        rtt_median_ms=statistics.median(rtts),
    )


def test_stamp_probe_matches_the_wire_within_the_rtp_probes_tolerances(lab: Lab) -> None:
    bpf = f"udp port {STAMP_PORT}"
    with capture(lab, "laptop", "eth0", bpf) as lap_pcap, capture(lab, "far", "eth0", bpf) as far_pcap:
        out = assess_cmd(lab, "laptop", ["probe", "stamp", f"{lab.far_ip}:{STAMP_PORT}", "--duration", "10",
                                         "--json"])
    assert out.returncode == 0, out.stderr
    result = StampResult.model_validate_json(out.stdout)
    truth = stamp_truth(read_udp(lap_pcap), read_udp(far_pcap), lab.far_ip)
    relay = lab.relay_truth()
    print(
        f"\nupstream loss: stamp {result.loss_up_pct} %  wire {truth.loss_up_pct:.2f} %  "
        f"relay {relay.up.loss_pct:.2f} %"
        f"\nupstream jitter: stamp {result.jitter_up_ms:.2f} ms  wire {truth.jitter_up_ms:.2f} ms"
        f"\nrtt median: stamp {result.rtt_ms:.2f} ms  wire {truth.rtt_median_ms:.2f} ms"
        f"\ndownstream: loss {result.loss_down_pct} % (wire {truth.loss_down_pct:.2f} %), "
        f"jitter {result.jitter_down_ms:.3f} ms (wire {truth.jitter_down_ms:.3f} ms); "
        f"dscp {result.dscp_at_far_end}/{result.dscp_on_return}"
    )
    assert truth.sent == result.packets_sent
    assert truth.loss_up_pct > 0.3  # the relay really dropped packets on this run
    assert result.loss_up_pct is not None and result.loss_down_pct is not None
    assert abs(result.loss_up_pct - truth.loss_up_pct) <= 0.5
    assert abs(result.jitter_up_ms - truth.jitter_up_ms) <= 0.2 * truth.jitter_up_ms
    assert abs(result.rtt_ms - truth.rtt_median_ms) <= 3.0
    assert result.loss_down_pct == truth.loss_down_pct == 0.0
    # The clean direction: the RTP test asserts jitter < 1 ms there, an assumption about the path that
    # a loaded machine breaks (the userspace relay itself added 1.5-2.6 ms at load 16); the probe is held
    # to the wire instead, with the upstream tolerance.
    assert abs(result.jitter_down_ms - truth.jitter_down_ms) <= 0.2 * truth.jitter_down_ms + 0.05
    assert result.dscp_at_far_end == result.dscp_on_return == 46
    assert result.cos_tlv_supported is True and result.reflector_stateful is True


def test_farend_check_from_the_laptop_passes_through_the_nat(lab: Lab) -> None:
    out = assess_cmd(lab, "laptop", ["farend", "--check", lab.far_ip, "--stun-port", "0",
                                     "--stamp-port", str(STAMP_PORT), "--json"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "DEAD" not in out.stdout and '"ok": false' not in out.stdout
