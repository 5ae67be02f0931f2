"""Link quality over a pilot: what `assess monitor` measured on one link, analysed against the targets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EventKind = Literal["loss", "jitter", "rtt", "mos", "unreachable", "public address", "dscp"]


class PilotPoint(BaseModel):
    """One measured interval of the series (worse-direction figures are the maxima of up and down)."""

    slot: int
    started_at: float
    status: str = Field(description="ok, unreachable or error")
    loss_up_pct: float | None = None
    loss_down_pct: float | None = None
    jitter_up_ms: float | None = None
    jitter_down_ms: float | None = None
    rtt_ms: float | None = None
    mos: float | None = None
    dscp_preserved: bool | None = None
    failing: bool = Field(description="unreachable, or some figure outside its target")


class Percentiles(BaseModel):
    """p50/p95/p99 on the bad side: for MOS, the value 95 % (99 %) of intervals reach or beat."""

    p50: float
    p95: float
    p99: float


class HourProfile(BaseModel):
    """The intervals falling in one hour of day (or one weekday), over the whole pilot."""

    key: int = Field(description="hour 0-23 or weekday 0 (Monday) - 6, on the monitoring host's clock")
    intervals: int
    failing_share_pct: float
    loss_pct: float | None = Field(description="mean worse-direction loss")
    jitter_ms: float | None = Field(description="mean worse-direction jitter")
    rtt_ms: float | None = Field(description="median RTT")
    mos: float | None = Field(description="mean MOS")


class PilotEvent(BaseModel):
    """Something that started and (usually) ended: a loss or jitter episode, an outage, a change."""

    kind: EventKind
    started_at: float
    ended_at: float | None = Field(description="None: still going at the end of the pilot")
    intervals: int = 1
    detail: str


class PilotGap(BaseModel):
    """Intervals nobody measured, and why (never filled in)."""

    started_at: float
    ended_at: float
    intervals: int
    cause: str


class PilotLinkSummary(BaseModel):
    """One link over the pilot: period, failing share, percentiles, busy hour, profiles, events, series."""

    site: str
    link: str
    provider: str = ""
    period_start: float
    period_end: float
    interval_s: float
    utc_offset_s: int = 0
    intervals: int = Field(description="intervals from the first to the last of the series")
    measured: int
    unreachable: int
    not_measured: int
    failing: int
    failing_share_pct: float = Field(description="failing among measured and unreachable intervals")
    loss_pct: Percentiles | None = None
    jitter_ms: Percentiles | None = None
    rtt_ms: Percentiles | None = None
    mos: Percentiles | None = None
    busy_hour: HourProfile | None = None
    busy_hour_rule: str = ""
    hours: list[HourProfile] = Field(default_factory=list)
    weekdays: list[HourProfile] = Field(default_factory=list)
    events: list[PilotEvent] = Field(default_factory=list)
    gaps: list[PilotGap] = Field(default_factory=list)
    series: list[PilotPoint] = Field(default_factory=list)
