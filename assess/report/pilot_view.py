"""The "Link quality over the pilot" page: each monitored link's summary turned into rows and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from assess.monitor.analysis import rtt_target
from assess.report import charts
from assess.report.pilot_charts import clock_label, heatmap_chart, series_chart
from core.models.pilot import Percentiles, PilotLinkSummary
from core.models.site import SiteResult
from core.plan import Thresholds

MAX_EVENT_ROWS = 12  # the longest events; results.json lists them all


@dataclass
class PercentileRow:
    """One figure's p50/p95/p99 over the pilot against its target."""

    metric: str
    p50: str
    p95: str
    p99: str
    target: str


@dataclass
class EventRow:
    """One event of the table."""

    kind: str
    start: str
    end: str
    duration: str
    detail: str


@dataclass
class PilotView:
    """One monitored link on the pilot page."""

    pilot: PilotLinkSummary
    period: str
    busy_hour: str
    percentiles: list[PercentileRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    gaps: list[EventRow] = field(default_factory=list)
    events_left_out: int = 0
    series_svg: str = ""
    heatmap_svg: str = ""


def _at(t: float, offset_s: int, fmt: str = "%d %b %H:%M") -> str:
    return datetime.fromtimestamp(t + offset_s, UTC).strftime(fmt)


def _span(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{seconds:.0f} s"
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def period_text(p: PilotLinkSummary) -> str:
    """``02 Dec 10:15 - 02 Dec 11:15 UTC (1.0 h, 60 intervals of 60 s)``."""
    return (f"{_at(p.period_start, p.utc_offset_s)} - {_at(p.period_end, p.utc_offset_s)} "
            f"{clock_label(p.utc_offset_s)} ({_span(p.period_end - p.period_start)}, {p.intervals} intervals "
            f"of {p.interval_s:g} s)")


def _row(metric: str, q: Percentiles | None, unit: str, target: str, digits: int = 2) -> PercentileRow:
    def f(v: float) -> str:
        return f"{v:.{digits}f}{unit}"

    return PercentileRow(metric, *(("–",) * 3 if q is None else (f(q.p50), f(q.p95), f(q.p99))), target)


def pilot_view(
    p: PilotLinkSummary, th: Thresholds, with_charts: bool = True, chart: charts.ChartSink = charts.drawn_here
) -> PilotView:
    """The page section of one monitored link."""
    off = p.utc_offset_s
    busy = p.busy_hour
    busy_text = "no measured interval" if busy is None else (
        f"{busy.key:02d}:00-{busy.key:02d}:59 {clock_label(off)}: {busy.intervals} intervals, "
        f"{busy.failing_share_pct:.0f} % failing; loss {busy.loss_pct or 0:.2f} %, "
        f"jitter {busy.jitter_ms or 0:.1f} ms, RTT {busy.rtt_ms or 0:.0f} ms, MOS {busy.mos or 0:.2f}")
    view = PilotView(pilot=p, period=period_text(p), busy_hour=busy_text)
    view.percentiles = [
        _row("Loss (worse direction)", p.loss_pct, " %", f"≤ {th.loss_pct:g} %"),
        _row("Jitter (worse direction)", p.jitter_ms, " ms", f"≤ {th.jitter_ms:g} ms", 1),
        _row("Round-trip time", p.rtt_ms, " ms", f"≤ {rtt_target(th):g} ms", 1),
        _row("MOS (low side: p95 = 95 % of intervals at least)", p.mos, "", f"≥ {th.mos_min:g}"),
    ]
    longest = sorted(p.events, key=lambda e: -e.intervals)[:MAX_EVENT_ROWS]
    view.events = [
        EventRow(e.kind, _at(e.started_at, off), "ongoing" if e.ended_at is None else _at(e.ended_at, off),
                 "" if e.ended_at is None else _span(e.ended_at - e.started_at), e.detail)
        for e in p.events if e in longest
    ]
    view.events_left_out = len(p.events) - len(view.events)
    view.gaps = [EventRow("not measured", _at(g.started_at, off), _at(g.ended_at, off),
                          _span(g.ended_at - g.started_at), f"{g.intervals} interval(s): {g.cause}") for g in p.gaps]
    if with_charts and any(pt.status == "ok" for pt in p.series):
        view.series_svg = chart(series_chart, p, th)
        view.heatmap_svg = chart(heatmap_chart, p)
    return view


def pilot_views(
    result: SiteResult, th: Thresholds, with_charts: bool = True, chart: charts.ChartSink = charts.drawn_here
) -> list[PilotView]:
    """A section per monitored link of the site (none without monitoring)."""
    return [pilot_view(p.pilot, th, with_charts, chart) for p in result.probes if p.pilot is not None]


def pilot_period_note(result: SiteResult) -> str:
    """For the checklist's link-quality item: the monitoring period the verdict stands on ('' without one)."""
    pilots = [p.pilot for p in result.probes if p.pilot is not None]
    if not pilots:
        return ""
    start, end = min(p.period_start for p in pilots), max(p.period_end for p in pilots)
    off = pilots[0].utc_offset_s
    intervals = sum(p.intervals for p in pilots)
    return (f" Judged on pilot monitoring {_at(start, off, '%d %b %Y %H:%M')} - {_at(end, off, '%d %b %Y %H:%M')} "
            f"{clock_label(off)} ({len(pilots)} link(s), {intervals} intervals): busy hour and failing share; "
            "the survey's one-shot figures are shown as at survey time.")
