"""`assess probe bandwidth`: UDP loss at voice load against the wire, on a lab path losing 2 % both ways.

Ground truth is counted from captures at both ends (tcpdump in the laptop's and the far end's
namespace): every iperf3 datagram of the voice-load tests, identified by its size, sent at one
end and seen at the other. Nothing of the probe's code is used to count it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services
from assess.lab.capture import UdpPacket, capture, read_udp
from core.models.probes import BandwidthResult
from tests.labtools import assess_cmd, needs_lab

pytestmark = [pytest.mark.lab, needs_lab]

LOSSY = Impairment(delay_ms=20, jitter_ms=5, loss_pct=2.0)  # FIFO: jitter without reordering
# G.711 at 20 ms: 160 bytes of voice + a 12-byte RTP header = a 172-byte UDP payload per datagram
VOICE_DATAGRAM = 172
CALLS = 10


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    config = LabConfig(relay=RelayConfig(up=LOSSY, down=LOSSY, seed=23), services=Services(reflector=False))
    with Lab(config) as built:
        yield built


def _loss_pct(sent_at: list[UdpPacket], seen_at: list[UdpPacket], upstream: bool, far_ip: str) -> tuple[float, int]:
    """Share of voice-size datagrams of one direction captured at the sender's end but not at the other."""

    def voice(pkts: list[UdpPacket]) -> int:
        # the NAT rewrites the laptop's address, so a direction is told by the far end's address alone
        ours = [k for k in pkts if len(k.payload) == VOICE_DATAGRAM]
        return sum(1 for k in ours if (k.dst if upstream else k.src) == far_ip)

    sent, seen = voice(sent_at), voice(seen_at)
    return 100.0 * (sent - seen) / sent, sent


def test_udp_loss_at_voice_load_matches_the_wire_both_ways(lab: Lab) -> None:
    bpf = "udp port 5201"
    with capture(lab, "laptop", "eth0", bpf) as lap_pcap, capture(lab, "far", "eth0", bpf) as far_pcap:
        out = assess_cmd(lab, "laptop", [
            "probe", "bandwidth", f"{lab.far_ip}:5201", "--duration", "5", "--max-mbps", "20",
            "--calls", str(CALLS), "--codec", "g711", "--ptime", "20", "--json",
        ], timeout=180)
    assert out.returncode == 0, out.stderr
    result = BandwidthResult.model_validate_json(out.stdout)
    laptop, far = read_udp(lap_pcap), read_udp(far_pcap)
    up, up_sent = _loss_pct(laptop, far, True, lab.far_ip)
    down, down_sent = _loss_pct(far, laptop, False, lab.far_ip)
    print(
        f"\nupstream loss: probe {result.udp_loss_up_pct:.2f} % of {result.udp_packets_up}, "
        f"wire {up:.2f} % of {up_sent}"
        f"\ndownstream loss: probe {result.udp_loss_down_pct:.2f} % of {result.udp_packets_down}, "
        f"wire {down:.2f} % of {down_sent}"
    )
    assert up_sent >= 2900 and down_sent >= 2900  # enough datagrams to resolve a fraction of a percent
    assert 1.0 < up < 3.0 and 1.0 < down < 3.0  # the relay really lost about 2 % each way on this run
    assert result.udp_loss_up_pct is not None and result.udp_loss_down_pct is not None
    assert abs(result.udp_loss_up_pct - up) <= 0.5
    assert abs(result.udp_loss_down_pct - down) <= 0.5
    assert result.udp_loss_pct == max(result.udp_loss_up_pct, result.udp_loss_down_pct)
