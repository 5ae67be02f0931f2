"""Charts of the pilot page: the link's series against the targets, and failing share by day and hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import matplotlib.dates as mdates
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from assess.monitor.analysis import rtt_target
from assess.report.charts import DOWN, GRID, INK, MUTED, TARGET, UP, _style, _svg, _theme
from core.models.pilot import PilotLinkSummary
from core.plan import Thresholds

GAP = "#d1d5db"
OUTAGE = "#fecaca"
BUSY = "#fef3c7"
SHARE_MAP = LinearSegmentedColormap.from_list("share", ["#15803d", "#facc15", "#b91c1c"])


def _local(t: float, offset_s: int) -> datetime:
    """Naive datetime on the monitoring host's clock (matplotlib plots naive datetimes as given)."""
    return datetime.fromtimestamp(t + offset_s, UTC).replace(tzinfo=None)


def clock_label(offset_s: int) -> str:
    """``UTC`` or ``UTC+01:00``: the clock the pilot's times are shown on."""
    if not offset_s:
        return "UTC"
    sign = "+" if offset_s > 0 else "-"
    h, m = divmod(abs(offset_s) // 60, 60)
    return f"UTC{sign}{h:02d}:{m:02d}"


def _shade(ax: object, s: PilotLinkSummary) -> None:
    """Gaps grey, far-end outages red, the busy hour amber (on every day of the pilot)."""
    off = s.utc_offset_s
    for gap in s.gaps:
        ax.axvspan(_local(gap.started_at, off), _local(gap.ended_at, off), color=GAP, lw=0)  # type: ignore[attr-defined]
    for p in s.series:
        if p.status == "unreachable":
            ax.axvspan(_local(p.started_at, off), _local(p.started_at + s.interval_s, off),  # type: ignore[attr-defined]
                       color=OUTAGE, lw=0)
    if s.busy_hour is not None:
        day = _local(s.period_start, off).replace(hour=0, minute=0, second=0, microsecond=0)
        end = _local(s.period_end, off)
        while day <= end:
            start = day + timedelta(hours=s.busy_hour.key)
            ax.axvspan(max(start, _local(s.period_start, off)), min(start + timedelta(hours=1), end),  # type: ignore[attr-defined]
                       color=BUSY, lw=0, zorder=0)
            day += timedelta(days=1)


def series_chart(s: PilotLinkSummary, th: Thresholds) -> str:
    """Loss, jitter (both directions), RTT and MOS per interval over the pilot, with the targets."""
    off = s.utc_offset_s
    ok = [p for p in s.series if p.status == "ok"]
    t = [_local(p.started_at, off) for p in ok]
    with _theme():
        fig = Figure(figsize=(7.0, 2.6))
        loss, jit, rtt, mos = fig.subplots(4, 1, sharex=True, gridspec_kw={"hspace": 0.18})
        loss.plot(t, [p.loss_up_pct for p in ok], color=UP, lw=1.0, marker=".", ms=2.5, label="up (to far end)")
        loss.plot(t, [p.loss_down_pct for p in ok], color=DOWN, lw=1.0, marker=".", ms=2.5, label="down (return)")
        loss.axhline(th.loss_pct, color=TARGET, lw=0.9, ls="--", label="target")
        loss.set_ylabel("loss %")
        loss.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=5, fontsize=7, borderaxespad=0.2)
        jit.plot(t, [p.jitter_up_ms for p in ok], color=UP, lw=1.0, marker=".", ms=2.5)
        jit.plot(t, [p.jitter_down_ms for p in ok], color=DOWN, lw=1.0, marker=".", ms=2.5)
        jit.axhline(th.jitter_ms, color=TARGET, lw=0.9, ls="--")
        jit.set_ylabel("jitter ms")
        rtt.plot(t, [p.rtt_ms for p in ok], color=INK, lw=1.0, marker=".", ms=2.5)
        rtt.axhline(rtt_target(th), color=TARGET, lw=0.9, ls="--")
        rtt.set_ylabel("RTT ms")
        top = max([p.rtt_ms or 0 for p in ok] + [1.0])
        rtt.set_ylim(0, max(top * 1.25, rtt_target(th) * 1.05) if top > rtt_target(th) * 0.5 else top * 1.6)
        mos.plot(t, [p.mos for p in ok], color=INK, lw=1.0, marker=".", ms=2.5)
        mos.axhline(th.mos_min, color=TARGET, lw=0.9, ls="--")
        mos.set_ylabel("MOS")
        mos.set_ylim(min([p.mos or 5 for p in ok] + [th.mos_min]) - 0.2, 4.6)
        for ax in (loss, jit):
            ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], (th.loss_pct if ax is loss else th.jitter_ms) * 1.15))
        for ax in (loss, jit, rtt, mos):
            _shade(ax, s)
            _style(ax)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
        mos.xaxis.set_major_locator(locator)
        mos.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        mos.set_xlabel(f"time ({clock_label(off)}); grey: not measured, red: far end unreachable, "
                       "amber: busy hour", color=MUTED, fontsize=7, loc="left")
        return _svg(fig)


def heatmap_chart(s: PilotLinkSummary) -> str:
    """Share of intervals failing the targets, by day (rows) and hour of day (columns)."""
    off = s.utc_offset_s
    cells: dict[tuple[str, int], list[bool]] = {}
    for p in s.series:
        if p.status in ("ok", "unreachable"):
            when = _local(p.started_at, off)
            cells.setdefault((when.strftime("%a %d %b"), when.hour), []).append(p.failing)
    days = list(dict.fromkeys(day for day, _ in sorted(cells, key=lambda k: k[0])))
    days = sorted(days, key=lambda d: min(pt.started_at for pt in s.series
                                          if _local(pt.started_at, off).strftime("%a %d %b") == d))
    grid = np.full((len(days), 24), np.nan)
    for (day, hour), fails in cells.items():
        grid[days.index(day), hour] = 100.0 * sum(fails) / len(fails)
    with _theme():
        fig = Figure(figsize=(7.0, 0.26 * len(days) + 0.62))
        ax = fig.add_subplot()
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=SHARE_MAP, vmin=0, vmax=100, aspect="auto",
                          interpolation="nearest")
        ax.set_facecolor("#f9fafb")
        for (day, hour), fails in cells.items():
            ax.text(hour, days.index(day), f"{100 * sum(fails) / len(fails):.0f}", ha="center", va="center",
                    fontsize=6, color="white")
        ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=6.5)
        ax.set_yticks(range(len(days)), days, fontsize=7)
        ax.set_xticks(np.arange(-0.5, 24, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, len(days), 1), minor=True)
        ax.grid(which="minor", color="white", lw=1.0)
        ax.tick_params(which="minor", length=0)
        ax.set_xlabel(f"hour of day ({clock_label(off)}); cell: % of intervals failing a target, blank: no data",
                      fontsize=7, color=MUTED)
        bar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
        bar.ax.tick_params(labelsize=6)
        bar.outline.set_edgecolor(GRID)  # type: ignore[operator]
        return _svg(fig)
