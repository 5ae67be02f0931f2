"""What the templates show: a site result turned into rows, charts and marks, no logic in Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from assess.models.common import CATEGORY_TITLES, Category, Severity, Status, Verdict
from assess.models.findings import Finding
from assess.models.site import Action, LinkProbes, SiteResult
from assess.plan import Thresholds
from assess.report import charts
from assess.report.checklist import ChecklistItem, build_checklist
from assess.report.compare import SiteComparison, compare_sites
from assess.report.pilot_view import PilotView, pilot_views
from assess.scoring import improvements
from assess.scoring_config import profile_title, thresholds_for_profile

DSCP_NAMES = {46: "EF", 34: "AF41", 26: "AF31", 24: "CS3", 0: "best effort", 40: "CS5", 48: "CS6"}
SEVERITY_ORDER = list(Severity)
STATUS_ORDER = [Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS, Status.NA]


def dscp_label(value: int | None) -> str:
    """``46`` → ``EF (46)``; None → ``not measured``."""
    if value is None:
        return "not measured"
    name = DSCP_NAMES.get(value)
    return f"{name} ({value})" if name else str(value)


@dataclass
class Measurement:
    """One key measurement of a link against its target."""

    link: str
    metric: str
    value: str
    target: str
    ok: bool | None


@dataclass
class LinkView:
    """A link's probes with its charts."""

    probes: LinkProbes
    timeline_svg: str = ""
    rtt_svg: str = ""
    headroom_svg: str = ""
    dscp_ok: bool | None = None
    dscp_path: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class UnverifiedRow:
    """One rule that could not be judged, over every subject where it could not."""

    id: str
    title: str
    severity: str
    subjects: list[str]
    reason: str


@dataclass
class CategoryView:
    """Findings of one category: failures in detail, unverified and passes in short tables."""

    key: Category
    title: str
    score: float | None
    open: list[Finding]
    unverified: list[UnverifiedRow]
    passed: list[Finding]


@dataclass
class SiteView:
    """Everything the site template reads."""

    result: SiteResult
    company: str
    consultant: str
    page_size: str
    date: str
    profile_title: str
    thresholds: Thresholds
    category_svg: str
    measurements: list[Measurement]
    actions: list[Action]
    actions_are_optional: bool
    checklist: list[ChecklistItem]
    categories: list[CategoryView]
    links: list[LinkView]
    pilots: list[PilotView]
    comparison: SiteComparison | None
    severity_counts: dict[str, int]


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def measurements(result: SiteResult, th: Thresholds) -> list[Measurement]:
    """Key link measurements against the thresholds, link by link."""
    rows: list[Measurement] = []
    for p in result.probes:
        if p.rtp is not None:
            r = p.rtp
            one_way = r.rtt_ms / 2
            rows += [
                Measurement(
                    p.link,
                    "Jitter (mean)",
                    _fmt(r.jitter_ms, " ms"),
                    f"≤ {th.jitter_ms:g} ms",
                    r.jitter_ms <= th.jitter_ms,
                ),
                Measurement(
                    p.link, "Packet loss", _fmt(r.loss_pct, " %", 2), f"≤ {th.loss_pct:g} %", r.loss_pct <= th.loss_pct
                ),
                Measurement(
                    p.link,
                    "One-way delay (RTT/2)",
                    _fmt(one_way, " ms"),
                    f"≤ {th.one_way_delay_ms:g} ms",
                    one_way <= th.one_way_delay_ms,
                ),
                Measurement(p.link, "MOS (E-model)", _fmt(r.mos, "", 2), f"≥ {th.mos_min:g}", r.mos >= th.mos_min),
            ]
            if th.rtt_ms is not None:
                rows.append(
                    Measurement(
                        p.link, "Round-trip time", _fmt(r.rtt_ms, " ms"), f"≤ {th.rtt_ms:g} ms", r.rtt_ms <= th.rtt_ms
                    )
                )
            ok = _dscp_ok(p)
            rows.append(
                Measurement(
                    p.link,
                    "DSCP EF kept both ways",
                    "yes" if ok else ("no" if ok is False else "not measured"),
                    "yes",
                    ok,
                )
            )
        voice_kbps = p.bandwidth.voice_load_kbps if p.bandwidth is not None else None
        if p.bandwidth is not None and voice_kbps:
            bw = p.bandwidth
            worst = min(bw.up_mbps, bw.down_mbps)
            free = 100 * (worst - voice_kbps / 1000) / worst if worst else 0.0
            rows.append(
                Measurement(
                    p.link,
                    "Headroom at peak voice",
                    _fmt(free, " %", 0),
                    f"≥ {th.min_headroom_pct:g} %",
                    free >= th.min_headroom_pct,
                )
            )
    return rows


def _dscp_ok(p: LinkProbes) -> bool | None:
    r = p.rtp
    if r is None or r.dscp_sent is None or r.dscp_at_far_end is None:
        return None
    return r.dscp_at_far_end == r.dscp_sent and (r.dscp_on_return in (None, r.dscp_sent))


def link_view(p: LinkProbes, th: Thresholds, with_charts: bool) -> LinkView:
    """Charts and DSCP path of one link."""
    view = LinkView(probes=p, dscp_ok=_dscp_ok(p))
    if p.rtp is not None:
        view.dscp_path = [
            ("sent", dscp_label(p.rtp.dscp_sent)),
            ("at far end", dscp_label(p.rtp.dscp_at_far_end)),
            ("on return", dscp_label(p.rtp.dscp_on_return)),
        ]
    if not with_charts:
        return view
    if p.rtp is not None and p.rtp.timeline:
        view.timeline_svg = charts.data_uri(charts.timeline_chart(p.rtp, th))
    if p.rtp is not None and p.rtp.rtt_samples_ms:
        view.rtt_svg = charts.data_uri(charts.rtt_chart(p.rtp, th))
    if p.bandwidth is not None:
        view.headroom_svg = charts.data_uri(charts.headroom_chart(p.bandwidth, th.min_headroom_pct))
    return view


def _finding_order(f: Finding) -> tuple[int, int, str]:
    return STATUS_ORDER.index(f.status), SEVERITY_ORDER.index(f.severity), f.id


def unverified_rows(findings: list[Finding]) -> list[UnverifiedRow]:
    """UNKNOWN findings grouped by rule (the same reason on many links reads once)."""
    rows: dict[str, UnverifiedRow] = {}
    for f in findings:
        reason = f.message if f.message and f.message != f.title else (f.evidence.strip().splitlines() or ["—"])[0]
        row = rows.setdefault(f.id, UnverifiedRow(f.id, f.title, str(f.severity), [], reason))
        row.subjects.append(f.device or f.link or "site")
        if reason != row.reason and reason not in row.reason:
            row.reason += f"; {reason}"
    return list(rows.values())


def category_views(result: SiteResult) -> list[CategoryView]:
    """Findings grouped by category, failures first by status then severity."""
    scores = {c.category: (c.score if c.assessed else None) for c in result.categories}
    views = []
    for cat in Category:
        found = sorted((f for f in result.findings if f.category == cat), key=_finding_order)
        views.append(
            CategoryView(
                key=cat,
                title=CATEGORY_TITLES[cat],
                score=scores.get(cat),
                open=[f for f in found if f.status in (Status.FAIL, Status.WARN)],
                unverified=unverified_rows([f for f in found if f.status == Status.UNKNOWN]),
                passed=[f for f in found if f.status in (Status.PASS, Status.NA)],
            )
        )
    return views


def site_view(
    result: SiteResult,
    *,
    company: str,
    consultant: str,
    page_size: str,
    previous: SiteResult | None = None,
    with_charts: bool = True,
) -> SiteView:
    """The view of one site report."""
    th = result.thresholds or thresholds_for_profile(result.profile)
    when = result.generated_at or datetime.now(UTC)
    actions = result.actions or improvements(result.findings)
    counts = {str(s): sum(1 for f in result.findings if f.severity == s and f.failed) for s in Severity}
    return SiteView(
        result=result,
        company=company,
        consultant=consultant,
        page_size=page_size,
        date=when.strftime("%d %B %Y"),
        profile_title=profile_title(result.profile),
        thresholds=th,
        category_svg=charts.data_uri(charts.category_chart(result.categories)) if with_charts else "",
        measurements=measurements(result, th),
        actions=actions,
        actions_are_optional=result.verdict == Verdict.GO,
        checklist=build_checklist(result),
        categories=category_views(result),
        links=[link_view(p, th, with_charts) for p in result.probes],
        pilots=pilot_views(result, th, with_charts),
        comparison=compare_sites(previous, result) if previous is not None else None,
        severity_counts=counts,
    )
