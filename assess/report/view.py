"""What the templates show: a site result turned into rows, charts and marks, no logic in Jinja."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assess.report import charts
from assess.report.checklist import ChecklistItem, build_checklist
from assess.report.compare import SiteComparison, compare_sites
from assess.report.pilot_view import PilotView, pilot_views
from assess.report.remediation_view import DevicePlan, remediation_plans, step_numbers
from assess.scoring import improvements
from assess.scoring_config import profile_title, thresholds_for_profile
from checks.link_quality import judged_busy_hour
from core.models.common import CATEGORY_TITLES, Category, Severity, Status, Verdict
from core.models.findings import Finding
from core.models.pilot import HourProfile
from core.models.probes import RtpResult
from core.models.site import Action, CategoryScore, LinkProbes, SiteResult
from core.plan import Thresholds

DSCP_NAMES = {46: "EF", 34: "AF41", 26: "AF31", 24: "CS3", 0: "best effort", 40: "CS5", 48: "CS6"}
SEVERITY_ORDER = list(Severity)
STATUS_ORDER = [Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS, Status.NA]
DSCP_RULES = ("VQ406", "VQ407", "VQ209")  # kept upstream, kept downstream, not bleached by a config
STATUS_LABELS = {Status.FAIL: "fail", Status.WARN: "warn", Status.UNKNOWN: "unverified", Status.PASS: "pass"}


def dscp_label(value: int | None) -> str:
    """``46`` → ``EF (46)``; None → ``not measured``."""
    if value is None:
        return "not measured"
    name = DSCP_NAMES.get(value)
    return f"{name} ({value})" if name else str(value)


@dataclass
class Measurement:
    """One key measurement of a link against its target, marked by the finding of the rule that judged it."""

    link: str
    metric: str
    value: str
    target: str
    status: str = "unknown"
    rules: tuple[str, ...] = ()

    @property
    def ok(self) -> bool | None:
        """True only when every rule behind the row passed; False when one failed; None otherwise."""
        return {"pass": True, "fail": False}.get(self.status)


@dataclass
class LinkView:
    """A link's probes with its charts."""

    probes: LinkProbes
    timeline_svg: str = ""
    rtt_svg: str = ""
    headroom_svg: str = ""
    dscp_status: str = "unknown"
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
    score: float | None  # None: not assessed, or partial (its score is withheld)
    state: str
    gap: str  # the devices not collected that it needs and the checks they would have had ("" when none)
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
    status_counts: dict[str, int] = field(default_factory=dict)
    dscp_rules: tuple[str, ...] = DSCP_RULES
    remediation: list[DevicePlan] = field(default_factory=list)
    fix_steps: dict[tuple[str, str], int] = field(default_factory=dict)


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def _rtp(fmt: Callable[[RtpResult], str]) -> Callable[[LinkProbes], str | None]:
    return lambda p: fmt(p.rtp) if p.rtp is not None else None


def _dscp_value(p: LinkProbes) -> str | None:
    r = p.rtp
    if r is None or r.dscp_sent is None:
        return None
    return f"{dscp_label(r.dscp_at_far_end)} / {dscp_label(r.dscp_on_return)}"


@dataclass(frozen=True)
class KeyMeasurement:
    """A row of the key measurements: what is shown, and the rules whose findings mark it.

    The value is display only; the mark is never recomputed here: it is the status of the
    findings of ``rules`` on the link (and, for site- or device-wide rules, at the site).
    A row whose value comes from a rule's own words (``value`` None) shows that finding's message.
    """

    metric: str
    rules: tuple[str, ...]
    value: Callable[[LinkProbes], str | None] | None
    target: Callable[[Thresholds], str | None]
    busy: Callable[[HourProfile], str] | None = None  # the figure when the rules judge the pilot's busy hour


KEY_MEASUREMENTS: tuple[KeyMeasurement, ...] = (
    KeyMeasurement("Jitter (worse direction)", ("VQ402",),
                   _rtp(lambda r: _fmt(r.worst_jitter_ms, " ms")), lambda t: f"≤ {t.jitter_ms:g} ms",
                   lambda b: _fmt(b.jitter_ms, " ms")),
    KeyMeasurement("Packet loss (worse direction)", ("VQ401",),
                   _rtp(lambda r: _fmt(r.worst_loss_pct, " %", 2)), lambda t: f"≤ {t.loss_pct:g} %",
                   lambda b: _fmt(b.loss_pct, " %", 2)),
    KeyMeasurement("One-way delay (RTT/2)", ("VQ403",),
                   _rtp(lambda r: _fmt(r.one_way_delay_ms, " ms")), lambda t: f"≤ {t.one_way_delay_ms:g} ms",
                   lambda b: _fmt(None if b.rtt_ms is None else b.rtt_ms / 2, " ms")),
    KeyMeasurement("Round-trip time", ("VQ403",), _rtp(lambda r: _fmt(r.rtt_ms, " ms")),
                   lambda t: None if t.rtt_ms is None else f"≤ {t.rtt_ms:g} ms", lambda b: _fmt(b.rtt_ms, " ms")),
    KeyMeasurement("MOS (E-model)", ("VQ404",), _rtp(lambda r: _fmt(r.mos, "", 2)), lambda t: f"≥ {t.mos_min:g}",
                   lambda b: _fmt(b.mos, "", 2)),
    KeyMeasurement("DSCP EF at far end / on return (configs too)", DSCP_RULES,
                   _dscp_value, lambda t: "EF (46) / EF (46)"),
    KeyMeasurement("Headroom at peak voice", ("VQ408",), None, lambda t: f"≥ {t.min_headroom_pct:g} %"),
    KeyMeasurement("UDP loss at voice load (iperf3)", ("VQ409",),
                   lambda p: _fmt(p.bandwidth.udp_loss_pct, " %", 2) if p.bandwidth else None,
                   lambda t: f"≤ {t.loss_pct:g} %"),
)


def rows_status(findings: Sequence[Finding]) -> str:
    """One mark for several findings: fail over warn over unknown; pass only when all judged ones passed."""
    statuses = {f.status for f in findings if f.status != Status.NA}
    for status in (Status.FAIL, Status.WARN, Status.UNKNOWN):
        if status in statuses:
            return str(status)
    return "pass" if statuses else "unknown"


def _findings_for(result: SiteResult, rules: tuple[str, ...], link: str) -> list[Finding]:
    """Findings of ``rules`` on ``link``, plus those of the same rules judged on a device or the site."""
    return [f for f in result.findings if f.id in rules and (f.link == link or f.link is None)]


def measurements(result: SiteResult, th: Thresholds) -> list[Measurement]:
    """Key link measurements against the targets, link by link, each marked by its rules' findings."""
    rows: list[Measurement] = []
    for p in result.probes:
        for spec in KEY_MEASUREMENTS:
            target = spec.target(th)
            found = _findings_for(result, spec.rules, p.link)
            busy = judged_busy_hour(p)
            if spec.value is None:
                own = [f for f in found if f.link == p.link and f.status != Status.NA]
                value = own[0].message if own and own[0].status != Status.UNKNOWN else None
            elif spec.busy is not None and busy is not None:  # show what the rule judged, the survey's beside it
                survey = spec.value(p)
                value = f"{spec.busy(busy)} in the pilot's busy hour" + (f" ({survey} at survey)" if survey else "")
            else:
                value = spec.value(p)
            if value is None or target is None:
                continue
            rows.append(Measurement(p.link, spec.metric, value, target, rows_status(found), spec.rules))
    return rows


def link_view(
    result: SiteResult, p: LinkProbes, th: Thresholds, with_charts: bool, chart: charts.ChartSink = charts.drawn_here
) -> LinkView:
    """Charts and DSCP path of one link (the DSCP mark is its rules' outcome)."""
    view = LinkView(probes=p, dscp_status=rows_status(_findings_for(result, DSCP_RULES, p.link)))
    if p.rtp is not None:
        view.dscp_path = [
            ("sent", dscp_label(p.rtp.dscp_sent)),
            ("at far end", dscp_label(p.rtp.dscp_at_far_end)),
            ("on return", dscp_label(p.rtp.dscp_on_return)),
        ]
    if not with_charts:
        return view
    if p.rtp is not None and p.rtp.timeline:
        view.timeline_svg = chart(charts.timeline_chart, p.rtp, th)
    if p.rtp is not None and p.rtp.rtt_samples_ms:
        view.rtt_svg = chart(charts.rtt_chart, p.rtp, th)
    if p.bandwidth is not None:
        view.headroom_svg = chart(charts.headroom_chart, p.bandwidth, th.min_headroom_pct)
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


def category_gap(category: CategoryScore) -> str:
    """Which planned devices a category needed that were not collected, and how many of its checks did not run."""
    if not category.not_collected:
        return ""
    devices = ", ".join(category.not_collected)
    checks = f"{category.not_run} check{'' if category.not_run == 1 else 's'}"
    return f"{devices} not collected: {checks} not run"


def category_views(result: SiteResult) -> list[CategoryView]:
    """Findings grouped by category, failures first by status then severity; a partial category has no score."""
    scores = {c.category: c for c in result.categories}
    views = []
    for cat in Category:
        found = sorted((f for f in result.findings if f.category == cat), key=_finding_order)
        scored = scores.get(cat)
        views.append(
            CategoryView(
                key=cat,
                title=CATEGORY_TITLES[cat],
                score=scored.score if scored is not None and scored.state == "assessed" else None,
                state=scored.state if scored is not None else "not assessed",
                gap=category_gap(scored) if scored is not None else "",
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
    chart: charts.ChartSink = charts.drawn_here,
) -> SiteView:
    """The view of one site report; ``chart`` draws its charts (here, or in a worker: see chart_worker)."""
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
        profile_title="set in the plan" if result.profile == "custom" else profile_title(result.profile),
        thresholds=th,
        category_svg=chart(charts.category_chart, result.categories) if with_charts else "",
        measurements=measurements(result, th),
        actions=actions,
        actions_are_optional=result.verdict == Verdict.GO,
        checklist=build_checklist(result),
        categories=category_views(result),
        links=[link_view(result, p, th, with_charts, chart) for p in result.probes],
        pilots=pilot_views(result, th, with_charts, chart),
        comparison=compare_sites(previous, result) if previous is not None else None,
        severity_counts=counts,
        status_counts={STATUS_LABELS[s]: sum(1 for f in result.findings if f.status == s) for s in STATUS_LABELS},
        remediation=remediation_plans(result),
        fix_steps=step_numbers(result),
    )
