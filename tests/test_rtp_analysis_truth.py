"""Every figure of an RTP probe result against a stream whose truth is known packet by packet.

The stream is built here from per-packet transit times (upstream and downstream), losses, a late
packet each way, a duplicate echo, a reordered echo and a reflector clock that wraps 2^32 µs
mid-stream. Each expected figure is computed in the test from those inputs and the definitions
(RFC 3550 reference for jitter, counts for loss and bursts), not by the product's helpers.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

import pytest

from collectors.probes.requests import RtpProbe
from collectors.probes.rtp_analysis import EchoSeen, RtpObservations, analyse
from core.emodel import call_quality
from core.models.probes import RtpResult
from tests.rfc3550_ref import jitter_series
from wire import reflector_protocol as p

N = 130  # packets: timeline bins of 50, 50 and 30
PTIME_MS = 20
BUFFER_MS = 20.0
T0_NS = 1_700_000_000_000_000_000
T0_US = T0_NS // 1000
REFL_OFFSET_US = (1 << 32) - (T0_US % (1 << 32)) - 1_000_000  # the reflector's clock wraps 1 s in
LOST_UP = {5, 6, 7, 60}
LATE_UP = 30  # 35 ms upstream transit: 25 ms over the fastest, more than the 20 ms buffer
LOST_ECHO_SEQ = {20, 21, 22}
LATE_ECHO_SEQ = 70
DUP_ECHO_SEQ = 40
SWAP_ECHO_SEQ = 90  # arrives after echo 91
PACE_ERROR_NS = [(i % 5) * 40_000 - 80_000 for i in range(N)]
RTT_OUTLIER_SEQ = 100


def up_transit_us(i: int) -> int:
    return 35_000 if i == LATE_UP else 10_000 + (i % 3) * 1_000


def down_transit_us(seq: int) -> int:
    if seq == LATE_ECHO_SEQ:
        return 40_000
    return 8_000 + (seq % 4) * 500 + (15_000 if seq == RTT_OUTLIER_SEQ else 0)


def hold_us(i: int) -> int:
    return 50 + (i % 2) * 30


@dataclass
class Echo:
    index: int
    seq: int
    refl_rx_true_us: int
    refl_tx_true_us: int
    rx_true_us: int


def _refl_clock(true_us: int) -> int:
    return (true_us + REFL_OFFSET_US) & 0xFFFFFFFF


def _truth() -> tuple[list[Echo], list[tuple[Echo, int]]]:
    """(echoes the reflector sent, (echo, probe arrival µs) in arrival order, duplicate included)."""
    send_us = [T0_US + i * PTIME_MS * 1000 for i in range(N)]
    arrived = sorted((send_us[i] + up_transit_us(i), i) for i in range(N) if i not in LOST_UP)
    sent = []
    for seq, (rx, i) in enumerate(arrived):  # the reflector numbers echoes in its arrival order
        tx = rx + hold_us(i)
        sent.append(Echo(i, seq, rx, tx, tx + down_transit_us(seq)))
    delay = {SWAP_ECHO_SEQ: 25_000}
    received = [(e, e.rx_true_us + delay.get(e.seq, 0)) for e in sent if e.seq not in LOST_ECHO_SEQ]
    dup = sent[DUP_ECHO_SEQ]
    received.append((dup, dup.rx_true_us + 300))
    return sent, sorted(received, key=lambda pair: pair[1])


def _observations() -> RtpObservations:
    sent, received = _truth()
    settings = RtpProbe(host="192.0.2.9", codec="g729", ptime_ms=PTIME_MS, duration_s=N * PTIME_MS / 1000,
                        jitter_buffer_ms=BUFFER_MS, dscp=46)  # fmt: skip
    bitmap = bytearray((N + 7) // 8)
    for i in set(range(N)) - LOST_UP:
        bitmap[i // 8] |= 1 << (i % 8)
    echoes = []
    for e, rx_us in received:
        tos = 0 if e.seq % 10 == 3 else 46 << 2
        echoes.append(EchoSeen(e.index, e.seq, rx_us * 1000, tos, _refl_clock(e.refl_rx_true_us),
                               _refl_clock(e.refl_tx_true_us), 46))  # fmt: skip
    stats = p.Stats(7, len(sent), 2, 1, 1234, 2345, 3456, 1111, 46, 46, 46, 1, N - 1, 0, bytes(bitmap))
    send_ns = [T0_NS + i * PTIME_MS * 1_000_000 for i in range(N)]
    return RtpObservations(settings, N, send_ns, PACE_ERROR_NS, echoes, stats)


@pytest.fixture  # per test: mutmut maps a mutant to the tests that call it, setup included
def result() -> RtpResult:
    return analyse(_observations())


def _unique_in_arrival_order() -> list[tuple[Echo, int]]:
    """(echo, probe arrival µs) of the first copy of each echo, in the order the probe got them."""
    seen, out = set(), []
    for e, rx in _truth()[1]:
        if e.seq not in seen:
            seen.add(e.seq)
            out.append((e, rx))
    return out


def _late(transits: list[int]) -> int:
    """Packets later than the fastest one by more than the jitter buffer."""
    return sum(1 for t in transits if t - min(transits) > BUFFER_MS * 1000)


def _effective_losses() -> tuple[float, float]:
    unique = _unique_in_arrival_order()
    received_by_reflector = N - len(LOST_UP)
    late_up = _late([e.refl_rx_true_us - (T0_US + e.index * PTIME_MS * 1000) for e, _ in unique])
    late_down = _late([rx - e.refl_tx_true_us for e, rx in unique])
    return (
        100 * (len(LOST_UP) + late_up) / N,
        100 * (len(LOST_ECHO_SEQ) + late_down) / received_by_reflector,
    )


def _bursts(lost: list[bool]) -> list[int]:
    runs, run = [], 0
    for flag in [*lost, False]:
        if flag:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return runs


def _nearest_rank(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)), 1) - 1]


def test_counts_and_loss_per_direction(result: RtpResult) -> None:
    received_by_reflector = N - len(LOST_UP)
    unique = _unique_in_arrival_order()
    assert (result.packets_sent, result.packets_received) == (N, len(unique))
    assert (result.codec, result.ptime_ms, result.duration_s) == ("g729", PTIME_MS, N * PTIME_MS / 1000)
    assert result.loss_up_pct == round(100 * len(LOST_UP) / N, 3)
    assert result.loss_down_pct == round(100 * len(LOST_ECHO_SEQ) / received_by_reflector, 3)
    assert result.loss_pct == max(result.loss_up_pct, result.loss_down_pct)
    assert result.duplicates == 2 + 1  # the reflector's two and the probe's duplicate echo
    assert (result.max_loss_burst_up, result.max_loss_burst_down, result.max_loss_burst) == (3, 3, 3)


def test_late_packets_count_as_effective_loss(result: RtpResult) -> None:
    eff_up, eff_down = _effective_losses()
    assert eff_up > 100 * len(LOST_UP) / N and eff_down > 100 * len(LOST_ECHO_SEQ) / (N - len(LOST_UP))
    assert result.effective_loss_up_pct == round(eff_up, 3)
    assert result.effective_loss_down_pct == round(eff_down, 3)
    assert result.effective_loss_pct == max(result.effective_loss_up_pct, result.effective_loss_down_pct)
    assert result.jitter_buffer_ms == BUFFER_MS


def test_upstream_figures_are_the_reflectors(result: RtpResult) -> None:
    assert (result.jitter_up_ms, result.jitter_up_p95_ms, result.jitter_up_last_ms) == (1.234, 2.345, 1.111)
    assert result.dscp_at_far_end == 46 and result.dscp_sent == 46 and result.dscp_on_return == 46


def test_downstream_jitter_is_rfc3550_over_the_echoes_in_arrival_order(result: RtpResult) -> None:
    unique = _unique_in_arrival_order()
    series = jitter_series([e.refl_tx_true_us for e, _ in unique], [rx for _, rx in unique])
    assert len(series) % 20  # 95 % of the count is not a whole number: nearest rank is unambiguous
    assert result.jitter_down_ms == round(statistics.fmean(series) / 1000, 3)
    assert result.jitter_down_p95_ms == round(_nearest_rank(series, 95) / 1000, 3)
    assert result.jitter_ms == max(result.jitter_up_ms, result.jitter_down_ms)
    assert result.jitter_p95_ms == max(result.jitter_up_p95_ms, result.jitter_down_p95_ms)


def test_rtt_is_both_transits_without_the_reflectors_hold(result: RtpResult) -> None:
    unique = _unique_in_arrival_order()
    rtts = [(rx - (T0_US + e.index * PTIME_MS * 1000) - hold_us(e.index)) / 1000 for e, rx in unique]
    assert result.rtt_ms == round(statistics.median(rtts), 3)
    assert result.rtt_samples_ms == [round(r, 3) for r in rtts]


def test_reordering_in_each_direction(result: RtpResult) -> None:
    unique = _unique_in_arrival_order()
    down_reordered = sum(1 for a, b in itertools.pairwise(unique) if b[0].seq < a[0].seq)
    assert down_reordered == 2  # the late echo and the swapped one
    up_pct, down_pct = 100 * 1 / (N - len(LOST_UP)), 100 * down_reordered / len(unique)
    assert result.reorder_pct == round(max(up_pct, down_pct), 3)


def test_mos_uses_the_worse_directions_effective_loss_and_burstiness(result: RtpResult) -> None:
    unique = _unique_in_arrival_order()
    rtts = [(rx - (T0_US + e.index * PTIME_MS * 1000) - hold_us(e.index)) / 1000 for e, rx in unique]
    lost_down = [s in LOST_ECHO_SEQ for s in range(N - len(LOST_UP))]
    eff_up, eff_down = _effective_losses()
    assert eff_down > eff_up
    runs = _bursts(lost_down)
    p_loss = sum(runs) / len(lost_down)
    burst = max(statistics.fmean(runs) * (1 - p_loss), 1.0)  # G.113 BurstR
    assert result.burst_ratio == round(burst, 3)
    q = call_quality("g729", PTIME_MS, statistics.median(rtts), BUFFER_MS, eff_down, burst)
    assert (result.r_factor, result.mos) == (round(q.r_factor, 2), round(q.mos, 2))
    assert result.emodel_estimate is False


def test_noise_floor_is_rfc3550_jitter_of_the_senders_pacing(result: RtpResult) -> None:
    sched = [i * PTIME_MS * 1000.0 for i in range(N)]
    actual = [s + e / 1000 for s, e in zip(sched, PACE_ERROR_NS, strict=True)]
    assert result.noise_floor_ms == round(statistics.fmean(jitter_series(sched, actual)) / 1000, 4)
    assert result.noise_floor_ms > 0


def test_timeline_has_one_sample_per_second_with_its_own_figures(result: RtpResult) -> None:
    per_s = 1000 // PTIME_MS
    unique = _unique_in_arrival_order()
    assert [s.t_s for s in result.timeline] == [0.0, 1.0, 2.0]
    for b, sample in enumerate(result.timeline):
        idx = range(b * per_s, min((b + 1) * per_s, N))
        arrived = {i for i in idx if i not in LOST_UP}
        back = {e.index for e, _ in unique if e.index in arrived}
        assert sample.loss_up_pct == round(100 * (len(idx) - len(arrived)) / len(idx), 2)
        assert sample.loss_down_pct == round(100 * (len(arrived) - len(back)) / len(arrived), 2)
        rtts = [(rx - (T0_US + e.index * PTIME_MS * 1000) - hold_us(e.index)) / 1000 for e, rx in unique
                if e.index in idx]  # fmt: skip
        assert sample.rtt_ms == round(statistics.median(rtts), 3)
    # downstream jitter per second: J after each echo, grouped by the second of the probe packet it answers
    series = jitter_series([e.refl_tx_true_us for e, _ in unique], [rx for _, rx in unique])
    for b, sample in enumerate(result.timeline):
        in_bin = [j for (e, _), j in zip(unique[1:], series, strict=True) if e.index // per_s == b]
        assert sample.jitter_down_ms == round(statistics.fmean(in_bin) / 1000, 3)


def test_timeline_upstream_jitter_is_rfc3550_in_reflector_arrival_order(result: RtpResult) -> None:
    per_s = 1000 // PTIME_MS
    unique = sorted((e for e, _ in _unique_in_arrival_order()), key=lambda e: e.refl_rx_true_us)
    series = jitter_series([T0_US + e.index * PTIME_MS * 1000 for e in unique], [e.refl_rx_true_us for e in unique])
    for b, sample in enumerate(result.timeline):
        in_bin = [j for e, j in zip(unique[1:], series, strict=True) if e.index // per_s == b]
        assert sample.jitter_up_ms == round(statistics.fmean(in_bin) / 1000, 3)


def test_missing_reflector_statistics_is_refused() -> None:
    obs = _observations()
    obs.stats = None
    with pytest.raises(ValueError, match="without the reflector's statistics"):
        analyse(obs)


@pytest.mark.parametrize(("packets", "samples"), [(600, 600), (999, 999), (1000, 500), (1499, 750), (1500, 500)])
def test_rtt_samples_are_every_nth_with_n_the_whole_number_of_500s(packets: int, samples: int) -> None:
    from tests.test_rtp_analysis import _observations as clean_stream

    result = analyse(clean_stream(packets, set(), set(), 46, 46 << 2))
    assert len(result.rtt_samples_ms) == samples  # every (packets // 500)-th RTT, at least every one
