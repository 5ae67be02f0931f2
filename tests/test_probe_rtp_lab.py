"""`assess probe rtp` against the lab's ground truth: 40 ms delay, 10 ms jitter, 1.5 % loss upstream."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services
from assess.lab.capture import capture, read_udp
from core.models.probes import RtpResult
from tests.labtools import assess_cmd, needs_lab
from tests.tshark_ref import TSHARK, tshark_rows
from tests.wiretruth import wire_truth

pytestmark = [pytest.mark.lab, needs_lab]

UPSTREAM = Impairment(delay_ms=40, jitter_ms=10, loss_pct=1.5)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    config = LabConfig(relay=RelayConfig(up=UPSTREAM, seed=4), services=Services(stun=False))
    with Lab(config) as built:
        yield built


def test_rtp_probe_matches_the_wire_both_ways_and_iperf3_side_by_side(lab: Lab) -> None:
    bpf = "udp port 5004"
    with capture(lab, "laptop", "eth0", bpf) as lap_pcap, capture(lab, "far", "eth0", bpf) as far_pcap:
        out = assess_cmd(lab, "laptop", ["probe", "rtp", f"{lab.far_ip}:5004", "--duration", "10", "--json"])
    assert out.returncode == 0, out.stderr
    result = RtpResult.model_validate_json(out.stdout)
    truth = wire_truth(read_udp(lap_pcap), read_udp(far_pcap), lab.far_ip, 5004)
    relay = lab.relay_truth()
    iperf = lab.exec("laptop", ["iperf3", "-c", lab.far_ip, "-u", "-b", "70K", "-l", "172", "-t", "5", "--json"])
    udp = json.loads(iperf.stdout)["end"]["sum"]
    print(
        f"\nupstream loss: probe {result.loss_up_pct:.2f} %  wire {truth.loss_up_pct:.2f} %  "
        f"relay {relay.up.loss_pct:.2f} %  iperf3 {udp['lost_percent']:.2f} %"
        f"\nupstream jitter: probe {result.jitter_up_ms:.2f} ms  wire {truth.jitter_up_ms:.2f} ms  "
        f"iperf3 {udp['jitter_ms']:.2f} ms; final J probe {result.jitter_up_last_ms:.3f} ms "
        f"stamped wire {truth.stamped_jitter_up_last_ms:.3f} ms"
        f"\nrtt median: probe {result.rtt_ms:.2f} ms  wire {truth.rtt_median_ms:.2f} ms"
        f"\ndownstream: loss {result.loss_down_pct:.2f} % (wire {truth.loss_down_pct:.2f} %), "
        f"jitter {result.jitter_down_ms:.3f} ms; noise floor {result.noise_floor_ms} ms; MOS {result.mos}"
    )
    assert truth.sent == result.packets_sent
    assert truth.loss_up_pct > 0.3  # the relay really dropped packets on this run
    assert abs(result.loss_up_pct - truth.loss_up_pct) <= 0.5
    assert abs(result.jitter_up_ms - truth.jitter_up_ms) <= 0.2 * truth.jitter_up_ms
    # The series, not only its mean: the reflector's J and the truth's J from the same send stamps
    # to the far capture run over the same packets, so the final J and the 95th percentile agree
    # closely (kernel receive stamp vs capture time: µs). A wrong gain (1/8 for 1/16) keeps the
    # mean but moves both by far more than this.
    assert result.jitter_up_last_ms == pytest.approx(truth.stamped_jitter_up_last_ms, rel=0.05, abs=0.05)
    assert result.jitter_up_p95_ms == pytest.approx(truth.stamped_jitter_up_p95_ms, rel=0.05, abs=0.05)
    assert abs(result.rtt_ms - truth.rtt_median_ms) <= 3.0
    # the clean direction reads near zero
    assert result.loss_down_pct == truth.loss_down_pct == 0.0
    assert result.jitter_down_ms < 1.0
    assert result.dscp_at_far_end == result.dscp_on_return == 46
    _same_loss_as_tshark(far_pcap, lab.far_ip, result, truth.arrived_far)


def _same_loss_as_tshark(far_pcap, far_ip: str, result: RtpResult, arrived: int) -> None:
    """Upstream loss by tshark's sequence accounting of the far capture (a peer tool, RFC 3550 A.3).

    tshark expects packets from the first to the last sequence number it saw, so a loss at the very
    end of the stream is not in its count: the product's figure may exceed it by those packets only.
    """
    assert TSHARK is not None, "tshark is part of ./dev's system packages"
    (row,) = [r for r in tshark_rows(far_pcap) if r.dst == far_ip]
    assert row.packets == arrived
    product_lost = round(result.loss_up_pct * result.packets_sent / 100.0)
    assert 0 <= product_lost - row.lost <= result.packets_sent - row.packets - row.lost
