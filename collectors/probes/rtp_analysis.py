"""Turn an RTP stream's raw observations into per-direction loss, jitter, RTT, DSCP and MOS."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from collectors.probes.requests import RtpProbe
from core.emodel import burst_ratio_of_runs, call_quality
from core.models.probes import RtpResult, RtpSample
from core.stats import percentile
from wire.reflector_protocol import DSCP_UNKNOWN, Stats


@dataclass(frozen=True, slots=True)
class EchoSeen:
    """One echo as the probe received it."""

    index: int  # position of the probe packet it answers
    echo_seq: int
    rx_ns: int
    tos: int | None
    refl_rx_us: int
    refl_tx_us: int
    dscp_at_far_end: int


@dataclass
class RtpObservations:
    """Raw outcome of one stream: what was sent when, what came back, the far end's stats."""

    settings: RtpProbe
    sent: int
    send_ns: list[int]  # realtime clock, per packet index
    pace_error_ns: list[int]  # actual - scheduled send time, monotonic clock
    echoes: list[EchoSeen] = field(default_factory=list)
    stats: Stats | None = None
    seq0: int = 0


U32 = 1 << 32


def rfc3550_series(send_us: Sequence[float], recv_us: Sequence[float]) -> list[float]:
    """Running RFC 3550 interarrival jitter J after each packet (packets in arrival order)."""
    out: list[float] = []
    j = 0.0
    for k in range(1, len(send_us)):
        d = (recv_us[k] - recv_us[k - 1]) - (send_us[k] - send_us[k - 1])
        j += (abs(d) - j) / 16.0
        out.append(j)
    return out


def bursts(lost: Sequence[bool]) -> list[int]:
    """Lengths of the runs of consecutive losses."""
    runs, current = [], 0
    for flag in lost:
        if flag:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


def burst_ratio(lost: Sequence[bool]) -> float:
    """G.113 BurstR: mean observed burst length over the mean expected for random loss (1/(1-p))."""
    return burst_ratio_of_runs(bursts(lost), len(lost))


def unwrap_us(values: Sequence[int]) -> list[float]:
    """32-bit microsecond counters made monotonic-comparable relative to the first value."""
    if not values:
        return []
    base = values[0]
    return [float(((v - base + U32 // 2) % U32) - U32 // 2) for v in values]


def late_share(transit_us: Sequence[float], depth_ms: float) -> int:
    """Packets whose transit exceeds the fastest one by more than the jitter-buffer depth."""
    if not transit_us:
        return 0
    floor = min(transit_us)
    return sum(1 for t in transit_us if t - floor > depth_ms * 1000.0)


@dataclass
class _Direction:
    loss_pct: float
    jitter_mean_ms: float
    jitter_p95_ms: float
    lost: list[bool]
    late: int
    reordered: int
    duplicates: int


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def _upstream(obs: RtpObservations, stats: Stats, echoes: list[EchoSeen]) -> _Direction:
    bitmap = stats.bitmap
    lost = [not (bitmap[i // 8] >> (i % 8)) & 1 if i // 8 < len(bitmap) else True for i in range(obs.sent)]
    rx = unwrap_us([e.refl_rx_us for e in echoes])
    transit = [r - obs.send_ns[e.index] / 1000.0 for e, r in zip(echoes, rx, strict=True)]
    return _Direction(
        loss_pct=_pct(sum(lost), obs.sent),
        jitter_mean_ms=stats.jitter_mean_us / 1000.0,
        jitter_p95_ms=stats.jitter_p95_us / 1000.0,
        lost=lost,
        late=late_share(transit, obs.settings.jitter_buffer_ms),
        reordered=stats.reordered,
        duplicates=stats.duplicates,
    )


def _bin_jitter(obs: RtpObservations, echoes: list[EchoSeen], up: bool) -> dict[int, list[float]]:
    """RFC 3550 J per echo, grouped by second of the stream (upstream: reflector arrival vs RTP time)."""
    per_s = max(int(1000 / obs.settings.ptime_ms), 1)
    if up:
        order = sorted(echoes, key=lambda e: (e.refl_rx_us - echoes[0].refl_rx_us) % U32)
        sent = [obs.send_ns[e.index] / 1000.0 for e in order]
        recv = unwrap_us([e.refl_rx_us for e in order])
    else:
        order = echoes
        sent = unwrap_us([e.refl_tx_us for e in order])
        recv = [e.rx_ns / 1000.0 for e in order]
    bins: dict[int, list[float]] = {}
    for e, j in zip(order[1:], rfc3550_series(sent, recv), strict=True):
        bins.setdefault(e.index // per_s, []).append(j / 1000.0)
    return bins


def _downstream(stats: Stats, unique: list[EchoSeen], duplicates: int, depth_ms: float) -> _Direction:
    sent_back = stats.received
    got = {e.echo_seq for e in unique}
    lost = [i not in got for i in range(sent_back)]
    order = sorted(unique, key=lambda e: e.rx_ns)
    tx = unwrap_us([e.refl_tx_us for e in order])
    rx = [e.rx_ns / 1000.0 for e in order]
    series = rfc3550_series(tx, rx)
    reordered = sum(1 for a, b in itertools.pairwise(order) if b.echo_seq < a.echo_seq)
    transit = [r - t for r, t in zip(rx, tx, strict=True)]
    return _Direction(
        loss_pct=_pct(sent_back - len(unique), sent_back),
        jitter_mean_ms=statistics.fmean(series) / 1000.0 if series else 0.0,
        jitter_p95_ms=percentile(series, 95) / 1000.0,
        lost=lost,
        late=late_share(transit, depth_ms),
        reordered=reordered,
        duplicates=duplicates,
    )


def _mode(values: list[int]) -> int | None:
    known = [v for v in values if v != DSCP_UNKNOWN]
    return Counter(known).most_common(1)[0][0] if known else None


def _rtts(obs: RtpObservations, echoes: list[EchoSeen]) -> list[float]:
    """Round-trip times (ms) minus the reflector's hold time, per echo."""
    out = []
    for e in echoes:
        hold_us = (e.refl_tx_us - e.refl_rx_us) % U32
        out.append((e.rx_ns - obs.send_ns[e.index]) / 1e6 - hold_us / 1000.0)
    return out


def _timeline(obs: RtpObservations, up: _Direction, echoes: list[EchoSeen], rtts: list[float]) -> list[RtpSample]:
    """One sample per second of the stream, for the charts."""
    per_s = max(int(1000 / obs.settings.ptime_ms), 1)
    back: dict[int, set[int]] = {}
    rtt_bins: dict[int, list[float]] = {}
    for e, rtt in zip(echoes, rtts, strict=True):
        back.setdefault(e.index // per_s, set()).add(e.index)
        rtt_bins.setdefault(e.index // per_s, []).append(rtt)
    j_up, j_down = _bin_jitter(obs, echoes, True), _bin_jitter(obs, echoes, False)
    samples = []
    for b, start in enumerate(range(0, obs.sent, per_s)):
        idx = range(start, min(start + per_s, obs.sent))
        arrived = {i for i in idx if not up.lost[i]}
        samples.append(
            RtpSample(
                t_s=start * obs.settings.ptime_ms / 1000.0,
                loss_up_pct=round(_pct(len(idx) - len(arrived), len(idx)), 2),
                loss_down_pct=round(_pct(len(arrived - back.get(b, set())), len(arrived)), 2),
                jitter_up_ms=round(statistics.fmean(j_up[b]), 3) if b in j_up else None,
                jitter_down_ms=round(statistics.fmean(j_down[b]), 3) if b in j_down else None,
                rtt_ms=round(statistics.median(rtt_bins[b]), 3) if b in rtt_bins else None,
            )
        )
    return samples


def noise_floor_ms(obs: RtpObservations) -> float:
    """RFC 3550 jitter the sender itself adds (actual vs scheduled send times), mean, ms."""
    step = obs.settings.ptime_ms * 1000.0
    sched = [i * step for i in range(len(obs.pace_error_ns))]
    actual = [s + err / 1000.0 for s, err in zip(sched, obs.pace_error_ns, strict=True)]
    series = rfc3550_series(sched, actual)
    return statistics.fmean(series) / 1000.0 if series else 0.0


def analyse(obs: RtpObservations) -> RtpResult:
    """The RtpResult (CONTRACT keys and detail) of one stream."""
    stats = obs.stats
    if stats is None:
        raise ValueError("observations without the reflector's statistics")
    seen: set[int] = set()
    unique: list[EchoSeen] = []
    for e in sorted(obs.echoes, key=lambda e: e.rx_ns):
        if e.echo_seq not in seen:
            seen.add(e.echo_seq)
            unique.append(e)
    up = _upstream(obs, stats, unique)
    down = _downstream(stats, unique, len(obs.echoes) - len(unique), obs.settings.jitter_buffer_ms)
    rtts = _rtts(obs, unique)
    eff_up = _pct(sum(up.lost) + up.late, obs.sent)
    eff_down = _pct(sum(down.lost) + down.late, max(stats.received, 1))
    worse = up if eff_up >= eff_down else down
    rtt = statistics.median(rtts) if rtts else 0.0
    quality = call_quality(
        obs.settings.codec,
        obs.settings.ptime_ms,
        rtt,
        obs.settings.jitter_buffer_ms,
        max(eff_up, eff_down),
        burst_ratio(worse.lost),
    )
    step = max(len(rtts) // 500, 1)
    return RtpResult(
        codec=obs.settings.codec,
        ptime_ms=obs.settings.ptime_ms,
        duration_s=obs.sent * obs.settings.ptime_ms / 1000.0,
        packets_sent=obs.sent,
        packets_received=len(unique),
        loss_pct=round(max(up.loss_pct, down.loss_pct), 3),
        jitter_ms=round(max(up.jitter_mean_ms, down.jitter_mean_ms), 3),
        jitter_p95_ms=round(max(up.jitter_p95_ms, down.jitter_p95_ms), 3),
        rtt_ms=round(rtt, 3),
        reorder_pct=round(max(_pct(up.reordered, stats.received), _pct(down.reordered, len(unique))), 3),
        r_factor=round(quality.r_factor, 2),
        mos=round(quality.mos, 2),
        dscp_sent=obs.settings.dscp,
        dscp_at_far_end=None if stats.dscp_mode == DSCP_UNKNOWN else stats.dscp_mode,
        dscp_on_return=_mode([e.tos >> 2 for e in unique if e.tos is not None]),
        loss_up_pct=round(up.loss_pct, 3),
        loss_down_pct=round(down.loss_pct, 3),
        jitter_up_ms=round(up.jitter_mean_ms, 3),
        jitter_down_ms=round(down.jitter_mean_ms, 3),
        jitter_up_p95_ms=round(up.jitter_p95_ms, 3),
        jitter_down_p95_ms=round(down.jitter_p95_ms, 3),
        jitter_up_last_ms=round(stats.jitter_last_us / 1000.0, 3),
        duplicates=up.duplicates + down.duplicates,
        max_loss_burst=max([*bursts(up.lost), *bursts(down.lost), 0]),
        max_loss_burst_up=max([*bursts(up.lost), 0]),
        max_loss_burst_down=max([*bursts(down.lost), 0]),
        burst_ratio=round(burst_ratio(worse.lost), 3),
        jitter_buffer_ms=obs.settings.jitter_buffer_ms,
        effective_loss_pct=round(max(eff_up, eff_down), 3),
        effective_loss_up_pct=round(eff_up, 3),
        effective_loss_down_pct=round(eff_down, 3),
        noise_floor_ms=round(noise_floor_ms(obs), 4),
        rtt_samples_ms=[round(r, 3) for r in rtts[::step]],
        timeline=_timeline(obs, up, unique, rtts),
        emodel_estimate=quality.estimate,
    )
