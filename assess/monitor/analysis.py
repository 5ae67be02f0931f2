"""A link's monitoring series judged against the targets: failing share, percentiles, busy hour, events.

Only measured intervals enter the figures; intervals nobody measured stay gaps (never interpolated).
An interval fails when the far end did not answer or any figure misses its target: worse-direction
loss above ``loss_pct``, worse-direction jitter above ``jitter_ms``, RTT above ``rtt_ms`` (or twice
the one-way delay target), MOS below ``mos_min``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from statistics import fmean, median

import numpy as np

from assess.monitor.store import Gap, Sample, Store
from core.models.pilot import EventKind, HourProfile, Percentiles, PilotEvent, PilotGap, PilotLinkSummary, PilotPoint
from core.plan import Thresholds

MIN_INTERVALS_PER_HOUR = 3
BUSY_HOUR_RULE = (
    "the hour of day (monitoring host's clock, all days together) with the highest share of intervals failing "
    f"the targets, ties to the lower mean MOS; hours with fewer than {MIN_INTERVALS_PER_HOUR} intervals are "
    "ranked only when no hour has that many"
)


def _worse(a: float | None, b: float | None) -> float | None:
    values = [v for v in (a, b) if v is not None]
    return max(values) if values else None


def rtt_target(th: Thresholds) -> float:
    """The RTT an interval must stay under: the plan's, else twice the one-way delay target."""
    return th.rtt_ms or 2 * th.one_way_delay_ms


def point_of(sample: Sample, th: Thresholds) -> PilotPoint:
    """One stored sample as a series point, judged against the targets."""
    dscp = None
    if sample.dscp_sent is not None and sample.dscp_at_far_end is not None:
        dscp = sample.dscp_at_far_end == sample.dscp_sent and sample.dscp_on_return == sample.dscp_sent
    loss = _worse(sample.loss_up_pct, sample.loss_down_pct)
    jitter = _worse(sample.jitter_up_ms, sample.jitter_down_ms)
    misses = [
        loss is not None and loss > th.loss_pct,
        jitter is not None and jitter > th.jitter_ms,
        sample.rtt_ms is not None and sample.rtt_ms > rtt_target(th),
        sample.mos is not None and sample.mos < th.mos_min,
    ]
    return PilotPoint(
        slot=sample.slot, started_at=sample.started_at, status=sample.status,
        loss_up_pct=sample.loss_up_pct, loss_down_pct=sample.loss_down_pct,
        jitter_up_ms=sample.jitter_up_ms, jitter_down_ms=sample.jitter_down_ms,
        rtt_ms=sample.rtt_ms, mos=sample.mos, dscp_preserved=dscp,
        failing=sample.status == "unreachable" or (sample.status == "ok" and any(misses)),
    )


def percentiles(values: Sequence[float], *, low_is_bad: bool = False) -> Percentiles | None:
    """p50/p95/p99 of ``values`` (on the low side when low is bad, as for MOS)."""
    if not values:
        return None
    qs = (50, 5, 1) if low_is_bad else (50, 95, 99)
    p50, p95, p99 = (float(np.percentile(values, q)) for q in qs)
    return Percentiles(p50=round(p50, 3), p95=round(p95, 3), p99=round(p99, 3))


def _profile(points: list[PilotPoint], key: Callable[[PilotPoint], int]) -> list[HourProfile]:
    groups: dict[int, list[PilotPoint]] = {}
    for p in points:
        groups.setdefault(key(p), []).append(p)
    out = []
    for k in sorted(groups):
        group = groups[k]
        ok = [p for p in group if p.status == "ok"]
        losses = [v for p in ok if (v := _worse(p.loss_up_pct, p.loss_down_pct)) is not None]
        jitters = [v for p in ok if (v := _worse(p.jitter_up_ms, p.jitter_down_ms)) is not None]
        rtts = [p.rtt_ms for p in ok if p.rtt_ms is not None]
        moses = [p.mos for p in ok if p.mos is not None]
        out.append(HourProfile(
            key=k, intervals=len(group),
            failing_share_pct=round(100 * sum(p.failing for p in group) / len(group), 2),
            loss_pct=round(fmean(losses), 3) if losses else None,
            jitter_ms=round(fmean(jitters), 3) if jitters else None,
            rtt_ms=round(median(rtts), 3) if rtts else None,
            mos=round(fmean(moses), 3) if moses else None,
        ))
    return out


def busy_hour(hours: list[HourProfile]) -> HourProfile | None:
    """The worst hour of day by :data:`BUSY_HOUR_RULE`."""
    ranked = [h for h in hours if h.intervals >= MIN_INTERVALS_PER_HOUR] or hours
    if not ranked:
        return None
    return max(ranked, key=lambda h: (h.failing_share_pct, -(h.mos if h.mos is not None else 5.0)))


def _runs(points: list[PilotPoint], kind: EventKind, holds: Callable[[PilotPoint], bool],
          detail: Callable[[list[PilotPoint]], str]) -> list[PilotEvent]:
    """Events over consecutive measured intervals where ``holds``; each ends when an interval is clean again."""
    events, run = [], []
    for p in [*points, None]:
        if p is not None and holds(p):
            run.append(p)
            continue
        if run:
            events.append(PilotEvent(kind=kind, started_at=run[0].started_at,
                                     ended_at=None if p is None else p.started_at, intervals=len(run),
                                     detail=detail(run)))
            run = []
    return events


def _peak(run: list[PilotPoint], up: str, down: str, unit: str) -> str:
    ups = [getattr(p, up) or 0.0 for p in run]
    downs = [getattr(p, down) or 0.0 for p in run]
    return f"up to {max(ups):.1f} {unit} upstream, {max(downs):.1f} {unit} downstream"


def _address_events(samples: list[Sample]) -> list[PilotEvent]:
    events: list[PilotEvent] = []
    last: str | None = None
    for s in samples:
        if s.public_address is None:
            continue
        if last is not None and s.public_address != last:
            if events:
                events[-1].ended_at = s.started_at
            events.append(PilotEvent(kind="public address", started_at=s.started_at, ended_at=None,
                                     detail=f"public address changed from {last} to {s.public_address}"))
        last = s.public_address
    return events


def events_of(samples: list[Sample], points: list[PilotPoint], th: Thresholds) -> list[PilotEvent]:
    """Loss, jitter, RTT and MOS episodes, far-end outages, DSCP rewriting and public-address changes, by start."""
    ok = [p for p in points if p.status != "error"]
    by_slot = {s.slot: s for s in samples}

    def dscp_detail(run: list[PilotPoint]) -> str:
        s = by_slot[run[0].slot]
        return (f"DSCP {s.dscp_sent} sent arrived as {s.dscp_at_far_end} at the far end, "
                f"{s.dscp_on_return} on return")

    events = [
        *_runs(ok, "loss", lambda p: (_worse(p.loss_up_pct, p.loss_down_pct) or 0) > th.loss_pct,
               lambda r: f"loss above {th.loss_pct:g} %: " + _peak(r, "loss_up_pct", "loss_down_pct", "%")),
        *_runs(ok, "jitter", lambda p: (_worse(p.jitter_up_ms, p.jitter_down_ms) or 0) > th.jitter_ms,
               lambda r: f"jitter above {th.jitter_ms:g} ms: " + _peak(r, "jitter_up_ms", "jitter_down_ms", "ms")),
        *_runs(ok, "rtt", lambda p: (p.rtt_ms or 0) > rtt_target(th),
               lambda r: f"RTT above {rtt_target(th):g} ms: up to {max(p.rtt_ms or 0 for p in r):.0f} ms"),
        *_runs(ok, "mos", lambda p: p.mos is not None and p.mos < th.mos_min,
               lambda r: f"MOS below {th.mos_min:g}: down to {min(p.mos or 0 for p in r):.2f}"),
        *_runs(ok, "unreachable", lambda p: p.status == "unreachable",
               lambda r: f"far end did not answer ({by_slot[r[0].slot].reason or 'no answer'})"),
        *_runs([p for p in ok if p.dscp_preserved is not None], "dscp", lambda p: p.dscp_preserved is False,
               dscp_detail),
        *_address_events(samples),
    ]
    return sorted(events, key=lambda e: (e.started_at, e.kind))


def _gap(g: Gap) -> PilotGap:
    return PilotGap(started_at=g.started_at, ended_at=g.ended_at, intervals=g.last_slot - g.first_slot + 1,
                    cause=g.cause)


def _local(t: float, offset_s: int) -> datetime:
    return datetime.fromtimestamp(t + offset_s, UTC)


def summarise(samples: list[Sample], gaps: list[Gap], th: Thresholds, interval_s: float,
              utc_offset_s: int = 0) -> PilotLinkSummary | None:
    """The pilot summary of one link's samples (None when it has none)."""
    if not samples:
        return None
    points = [point_of(s, th) for s in samples]
    ok = [p for p in points if p.status == "ok"]
    judged = [p for p in points if p.status in ("ok", "unreachable")]
    failing = sum(p.failing for p in judged)
    hours = _profile(judged, lambda p: _local(p.started_at, utc_offset_s).hour)
    first, last = samples[0], samples[-1]
    intervals = last.slot - first.slot + 1
    unreachable = sum(p.status == "unreachable" for p in points)
    return PilotLinkSummary(
        site=first.site, link=first.link, provider=first.provider,
        period_start=first.started_at, period_end=last.ended_at, interval_s=interval_s, utc_offset_s=utc_offset_s,
        intervals=intervals, measured=len(ok), unreachable=unreachable, not_measured=intervals - len(ok) - unreachable,
        failing=failing, failing_share_pct=round(100 * failing / len(judged), 2) if judged else 0.0,
        loss_pct=percentiles([v for p in ok if (v := _worse(p.loss_up_pct, p.loss_down_pct)) is not None]),
        jitter_ms=percentiles([v for p in ok if (v := _worse(p.jitter_up_ms, p.jitter_down_ms)) is not None]),
        rtt_ms=percentiles([p.rtt_ms for p in ok if p.rtt_ms is not None]),
        mos=percentiles([p.mos for p in ok if p.mos is not None], low_is_bad=True),
        busy_hour=busy_hour(hours), busy_hour_rule=BUSY_HOUR_RULE, hours=hours,
        weekdays=_profile(judged, lambda p: _local(p.started_at, utc_offset_s).weekday()),
        events=events_of(samples, points, th),
        gaps=[_gap(g) for g in gaps if first.slot <= g.first_slot <= last.slot],
        series=points,
    )


def summarise_store(store: Store, site: str, link: str, th: Thresholds) -> PilotLinkSummary | None:
    """The pilot summary of one link of a monitoring store."""
    interval = float(store.meta("interval_s") or 300)
    offset = int(store.meta("utc_offset_s") or 0)
    return summarise(store.samples(site, link), store.gaps(site, link), th, interval, offset)
