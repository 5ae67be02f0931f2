"""RTP probe arithmetic on synthetic observations: loss per direction, RFC 3550 jitter, bursts, DSCP."""

from __future__ import annotations

import pytest

from collectors.probes.requests import RtpProbe
from collectors.probes.rtp_analysis import (
    EchoSeen,
    RtpObservations,
    analyse,
    burst_ratio,
    bursts,
    rfc3550_series,
    unwrap_us,
)
from wire import reflector_protocol as p


def test_rfc3550_jitter_converges_to_mean_absolute_transit_difference() -> None:
    send = [i * 20_000.0 for i in range(2000)]
    recv = [s + (3000.0 if i % 2 else 0.0) for i, s in enumerate(send)]  # alternating 3 ms transit
    assert rfc3550_series(send, recv)[-1] == pytest.approx(3000.0, rel=0.01)
    assert rfc3550_series(send, [s + 5 for s in send])[-1] == 0.0


def test_bursts_and_burst_ratio() -> None:
    assert bursts([False, True, True, False, True]) == [2, 1]
    assert burst_ratio([False] * 10) == 1.0
    lost = ([True] * 5 + [False] * 95) * 4  # 5 % loss in bursts of 5: BurstR = 5 * 0.95
    assert burst_ratio(lost) == pytest.approx(4.75)


def test_unwrap_handles_32_bit_microsecond_wraparound() -> None:
    assert unwrap_us([2**32 - 10, 5, 20]) == [0.0, 15.0, 30.0]


def _observations(n: int, lost_up: set[int], lost_down: set[int], far_dscp: int, back_tos: int) -> RtpObservations:
    settings = RtpProbe(host="x", duration_s=n * 0.02)
    send_ns = [1_000_000_000_000 + i * 20_000_000 for i in range(n)]
    bitmap = bytearray((n + 7) // 8)
    echoes = []
    echo_seq = 0
    for i in range(n):
        if i in lost_up:
            continue
        bitmap[i // 8] |= 1 << (i % 8)
        rx_us = send_ns[i] // 1000 + 10_000
        if echo_seq not in lost_down:
            echoes.append(EchoSeen(i, echo_seq, send_ns[i] + 20_000_000, back_tos, rx_us, rx_us + 50, far_dscp))
        echo_seq += 1
    stats = p.Stats(
        0, n - len(lost_up), 0, 0, 1200, 2500, 3000, 1100, far_dscp, far_dscp, far_dscp, 1, n - 1, 0, bytes(bitmap)
    )
    return RtpObservations(settings, n, send_ns, [0] * n, echoes, stats)


def test_analysis_separates_upstream_and_downstream_loss_and_reads_dscp() -> None:
    result = analyse(_observations(100, lost_up={10, 11, 12}, lost_down={50}, far_dscp=0, back_tos=46 << 2))
    assert result.packets_sent == 100
    assert result.loss_up_pct == 3.0
    assert result.loss_down_pct == pytest.approx(100 / 97, abs=0.001)
    assert result.max_loss_burst_up == 3
    assert result.jitter_up_ms == 1.2 and result.jitter_up_p95_ms == 2.5
    assert result.jitter_down_ms == 0.0
    assert result.rtt_ms == pytest.approx(20.0 - 0.05)
    assert (result.dscp_sent, result.dscp_at_far_end, result.dscp_on_return) == (46, 0, 46)
    assert result.loss_pct == 3.0
    assert 1.0 <= result.mos <= 4.5
    assert len(result.timeline) == 2


def test_clean_stream_has_full_quality() -> None:
    result = analyse(_observations(50, set(), set(), 46, 46 << 2))
    assert result.loss_pct == 0 and result.effective_loss_pct == 0
    assert result.r_factor > 85


def test_a_second_with_nothing_at_the_reflector_has_no_jitter_or_rtt() -> None:
    # 150 packets of 20 ms = seconds 0, 1, 2; all 50 of second 1 lost on the way out
    result = analyse(_observations(150, set(range(50, 100)), set(), 46, 46 << 2))
    gap = result.timeline[1]
    assert (gap.t_s, gap.loss_up_pct) == (1.0, 100.0)
    assert (gap.jitter_up_ms, gap.jitter_down_ms, gap.rtt_ms) == (None, None, None)
    assert gap.loss_down_pct == 0.0  # nothing reached the reflector, so nothing could be lost coming back
    # the seconds around it: echo 20 ms after sending, minus the reflector's 50 µs hold
    assert [s.rtt_ms for s in (result.timeline[0], result.timeline[2])] == [19.95, 19.95]
