"""Probe plumbing without a network: targets, DSCP names, caps, iperf3 reports, DSCP-trace verdicts, relay maths."""

from __future__ import annotations

import itertools
import random
import socket
import subprocess
import sys
import time

import pytest

from assess.lab.config import Impairment
from assess.lab.impair import DirectionImpairer
from collectors.probes.bandwidth import check_bandwidth, rate_cap
from collectors.probes.codecs import CODECS
from collectors.probes.dscp_trace import analyse
from collectors.probes.iperf3 import _parse, _Report
from collectors.probes.requests import BandwidthProbe, RtpProbe
from collectors.probes.rtp import check_rtp
from collectors.probes.target import split_host_port
from core.dscp import dscp_value
from core.errors import NotAssessedError, UserError
from core.models.probes import DscpHop


def test_targets_and_dscp_names() -> None:
    assert split_host_port("h.example", 5004) == ("h.example", 5004)
    assert split_host_port("192.0.2.1:6000", 5004) == ("192.0.2.1", 6000)
    with pytest.raises(UserError):
        split_host_port("h:99999", 5004)
    assert dscp_value("EF") == 46 and dscp_value("af41") == 34 and dscp_value("10") == 10
    with pytest.raises(ValueError):
        dscp_value("64")


def test_codec_packet_sizes() -> None:
    assert [CODECS[c].payload_bytes(20) for c in ("g711", "g729", "g722", "opus")] == [160, 20, 160, 80]


def test_rtp_caps() -> None:
    check_rtp(RtpProbe(host="x", duration_s=300))
    for bad in (RtpProbe(host="x", duration_s=301), RtpProbe(host="x", ptime_ms=5)):
        with pytest.raises(ValueError):
            check_rtp(bad)


def test_bandwidth_refuses_to_exceed_the_contract_unless_forced() -> None:
    with pytest.raises(ValueError, match="contracted rate 5 Mbit"):
        check_bandwidth(BandwidthProbe(host="x", max_mbps=20, contracted_up_mbps=5))
    check_bandwidth(BandwidthProbe(host="x", max_mbps=5.5, contracted_up_mbps=5))
    check_bandwidth(BandwidthProbe(host="x", max_mbps=20, contracted_up_mbps=5, force=True))
    assert rate_cap(BandwidthProbe(host="x", max_mbps=5.5, contracted_up_mbps=5), 5) == 5.5
    with pytest.raises(ValueError):
        check_bandwidth(BandwidthProbe(host="x", duration_s=31))


def test_iperf3_reports_are_read_for_tcp_and_udp() -> None:
    tcp = _Report.model_validate_json(
        '{"end": {"streams": [{"sender": {"mean_rtt": 2500}}], "sum_sent": {"bits_per_second": 5.1e6},'
        ' "sum_received": {"bits_per_second": 4.8e6}}}'
    )
    out = _parse(tcp, udp=False)
    assert (out.received_mbps, out.mean_rtt_ms) == (4.8, 2.5)
    udp = _Report.model_validate_json(
        '{"end": {"sum": {"bits_per_second": 7e4, "lost_percent": 1.5, "jitter_ms": 0.7, "packets": 250},'
        ' "sum_sent": {"bits_per_second": 7e4}}}'
    )
    assert _parse(udp, udp=True).udp_loss_pct == 1.5


def test_udp_loss_is_the_receivers_report_not_the_senders() -> None:
    # iperf3 3.12 -u client output (recorded in the lab, 2 % loss path): the sender's own summary knows no loss
    udp = _Report.model_validate_json(
        '{"end": {"sum": {"bits_per_second": 1.74e6, "lost_percent": 0, "packets": 12674},'
        ' "sum_sent": {"bits_per_second": 1.74e6, "lost_packets": 0, "lost_percent": 0, "packets": 12674},'
        ' "sum_received": {"bits_per_second": 1.69e6, "jitter_ms": 0.31, "lost_packets": 256,'
        ' "lost_percent": 2.0199, "packets": 12674}}}'
    )
    out = _parse(udp, udp=True)
    assert (out.udp_loss_pct, out.udp_packets, out.udp_jitter_ms) == (2.0199, 12674, 0.31)


def test_voice_load_udp_runs_long_enough_to_count_loss() -> None:
    from collectors.probes.bandwidth import udp_loss_duration_s

    # one G.711 call (50 datagrams/s) for the old 5 s was 250 datagrams: one lost read 0.4 %
    assert udp_loss_duration_s(50) * 50 >= 1500 and udp_loss_duration_s(50) <= 30
    assert udp_loss_duration_s(500) * 500 == 3000


def test_iperf3_without_a_server_is_not_assessed() -> None:
    from collectors.probes.iperf3 import run_iperf3

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    with pytest.raises(NotAssessedError, match="iperf3"):
        run_iperf3("127.0.0.1", port, [], 1, udp=False)


def test_dscp_trace_names_the_hop_after_which_marking_changes() -> None:
    hops = [
        DscpHop(ttl=1, address="a", dscp_received=46),
        DscpHop(ttl=2, address="b", dscp_received=46),
        DscpHop(ttl=3, address="c", dscp_received=0, reached_target=True),
    ]
    result = analyse("c", 46, hops)
    assert (result.preserved, result.changed_after_address, result.first_changed_address) == (False, "b", "c")
    assert analyse("c", 46, hops[:2]).preserved is True
    assert analyse("c", 46, [DscpHop(ttl=1)]).preserved is None


def test_gilbert_elliott_relay_loss_matches_its_parameters() -> None:
    spec = Impairment(ge_p_pct=1.0, ge_r_pct=25.0, ge_loss_bad_pct=100.0, delay_ms=10, jitter_ms=5)
    imp = DirectionImpairer(spec, random.Random(3))
    lost = [imp.decide(i * 0.02) is None for i in range(60_000)]
    loss = sum(lost) / len(lost)
    assert loss == pytest.approx(0.01 / (0.01 + 0.25), rel=0.2)  # stationary share of the bad state
    runs = "".join("x" if x else "." for x in lost).split(".")
    mean_burst = sum(len(r) for r in runs if r) / sum(1 for r in runs if r)
    assert mean_burst == pytest.approx(1 / 0.25, rel=0.15)
    assert imp.truth.delay_min_ms >= 5.0 and imp.truth.delay_max_ms is not None and imp.truth.delay_max_ms <= 15.0


def test_relay_keeps_fifo_order_unless_reordering_is_asked() -> None:
    imp = DirectionImpairer(Impairment(delay_ms=20, jitter_ms=15), random.Random(1))
    dues = [imp.decide(i * 0.005) for i in range(1000)]
    assert all(a is not None and b is not None and a <= b for a, b in itertools.pairwise(dues))
    shuffled = DirectionImpairer(Impairment(delay_ms=20, jitter_ms=15, reorder=True), random.Random(1))
    dues = [shuffled.decide(i * 0.005) for i in range(1000)]
    assert any(a is not None and b is not None and a > b for a, b in itertools.pairwise(dues))


def _cli(*args: str, full: bool = False) -> subprocess.CompletedProcess[str]:
    entry = ["-m", "assess"] if full else ["-m", "tests.one_probe"]
    return subprocess.run([sys.executable, *entry, *args], capture_output=True, text=True, timeout=90)


def test_cli_unreachable_reflector_is_not_assessed_quickly_without_traceback() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    out = _cli("probe", "rtp", f"127.0.0.1:{port}", "--duration", "1", "--json", full=True)
    assert time.monotonic() - start < 30  # mostly the CLI's import time on a busy machine; the probe gives up in 2 s
    assert out.returncode == 1
    assert '"status": "not_assessed"' in out.stdout
    assert "Traceback" not in out.stderr


def test_cli_bad_options_are_user_errors() -> None:
    out = _cli("probe", "rtp", "127.0.0.1", "--codec", "g726")
    assert out.returncode == 2 and "g726" in out.stderr and "Traceback" not in out.stderr
    out = _cli("probe", "bandwidth", "127.0.0.1", "--max-mbps", "50", "--contracted-up", "10")
    assert out.returncode == 2 and "--force" in out.stderr
