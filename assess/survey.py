"""A whole survey: collect → probe → check → score → results.json and reports, per site.

Evidence is written to ``OUT/evidence`` as it is collected; results and
reports are written once every site is gathered (drift needs all sites).
A device or link that fails becomes "not assessed — reason"; nothing already
collected is lost, and ``resume`` reuses what an interrupted run saved.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assess.link_survey import LinkProbeOptions, ProbeSpan, RunningProbes, load_link_probes, save_link_probes
from assess.monitor.pilot_results import apply_store
from assess.monitor.store import STORE_NAME
from assess.report import build_portfolio, render_portfolio
from assess.report.parallel import SiteReportJob, render_sites
from assess.report.versions import tool_versions
from assess.scoring import score_surveyed_site
from assess.scoring_config import (
    ScoringConfig,
    default_scoring_config,
    profile_sources,
    thresholds_for_profile,
    with_overrides,
)
from assess.site_probes import far_ends_checked_meanwhile, probe_site_links
from checks.base import SiteContext
from checks.engine import run_rules
from checks.profiles import rules_for_profile
from collectors.base import CollectOptions, DeviceCollection
from collectors.runner import collect_site
from core.atomic import remove_stale, write_atomic
from core.errors import UserError
from core.models.pcap import PcapResult
from core.models.site import DeviceRecord, LinkProbes, NotAssessed, Portfolio, SiteResult
from core.plan import Plan, Site, Thresholds
from core.safe_names import inside
from platforms.parsers.registry import detect, parse_device

EVIDENCE = "evidence"
Notify = Callable[[str], None]


@dataclass(frozen=True)
class SurveyOptions:
    """How a survey runs (the command line's options)."""

    out_dir: Path
    offline_evidence: Path | None = None
    resume: bool = False
    collect: CollectOptions = field(default_factory=CollectOptions)
    probes: LinkProbeOptions = field(default_factory=LinkProbeOptions)
    formats: tuple[str, ...] | None = None
    plan_dir: Path | None = None  # the plan's folder: a site's `captures` are relative to it
    monitor_store: Path | None = None  # `assess monitor`'s store (default: OUT/monitor.sqlite when present)


@dataclass(frozen=True)
class ProbePhase:
    """How long a site's live probe phase took, and when each of its probes ran."""

    seconds: float
    spans: list[ProbeSpan]

    @property
    def longest(self) -> ProbeSpan | None:
        """The site's longest single probe."""
        return max(self.spans, key=lambda span: span.seconds, default=None)


@dataclass
class SiteEvidence:
    """What was gathered at one site before judging it."""

    site: Site
    devices: list[DeviceRecord] = field(default_factory=list)
    probes: list[LinkProbes] = field(default_factory=list)
    not_assessed: list[NotAssessed] = field(default_factory=list)
    captures: list[PcapResult] = field(default_factory=list)
    probe_phase: ProbePhase | None = None  # None: offline, nothing probed live


@dataclass(frozen=True)
class SurveyOutcome:
    """Where the survey wrote its results."""

    results: list[SiteResult]
    portfolio: Portfolio
    written: list[Path]
    probe_phases: dict[str, ProbePhase] = field(default_factory=dict)  # site -> its live probe phase


def device_record(collection: DeviceCollection, platform_hint: str | None) -> tuple[DeviceRecord, str | None]:
    """Parse one collected device; the second value is why it could not be assessed, if so."""
    record = DeviceRecord(
        name=collection.device,
        platform=collection.platform or platform_hint or "unknown",
        host=collection.host,
        collected_via=collection.via,
        commands=list(collection.commands),
    )
    if not collection.ok:
        return record, collection.reason or "collection failed"
    platform, why = collection.platform or platform_hint, "given in the plan or the evidence manifest"
    if platform is None:
        detection = detect(collection.outputs)
        platform, why = detection.platform, detection.summary()
    if platform is None:
        return record, f"platform not recognisable from the outputs ({why}); set `platform:` in the plan"
    record.platform = platform
    try:
        record.facts = parse_device(platform, collection.outputs)
    except UserError as exc:
        return record, str(exc)
    record.facts.platform_evidence = why
    return record, None


def gather_devices(site: Site, evidence: SiteEvidence, opts: SurveyOptions) -> None:
    """Collect (live or offline) and parse every device of ``site``."""
    offline = opts.offline_evidence
    collect_opts = opts.collect.model_copy(update={"resume": opts.resume or opts.collect.resume})
    hints = {d.name: d.platform for d in site.devices}
    for collection in collect_site(site, opts.out_dir / EVIDENCE, offline_from=offline, options=collect_opts):
        record, problem = device_record(collection, hints.get(collection.device))
        evidence.devices.append(record)
        if problem:
            fix = device_fix(collection, offline / site.name if offline is not None else None)
            evidence.not_assessed.append(NotAssessed(item=f"device {collection.device}", reason=problem, to_finish=fix))


def device_fix(collection: DeviceCollection, offline_site: Path | None) -> str:
    """What finishes a device that gave no facts: collect it again, or (offline) save its outputs."""
    if offline_site is not None:  # --offline re-reads the saved evidence: there is nothing to resume
        return f"save {collection.device}'s outputs in {offline_site / collection.device}, then run the survey again"
    where = f" ({collection.host})" if collection.host else ""
    return f"fix what stopped the collection from {collection.device}{where}, then run the survey with --resume"


def gather_links(plan: Plan, site: Site, evidence: SiteEvidence, opts: SurveyOptions, notify: Notify) -> None:
    """Recorded probe results (offline) or live measurements of every link of ``site``."""
    root = opts.out_dir / EVIDENCE
    if opts.offline_evidence is None:
        running = RunningProbes(site.name, notify)
        start = time.monotonic()
        for probes, missing in probe_site_links(site.name, site.links, plan.voice_for(site), root, opts.probes,
                                                resume=opts.resume, running=running):
            evidence.probes.append(probes)
            evidence.not_assessed.extend(missing)
        evidence.probe_phase = ProbePhase(time.monotonic() - start, running.spans)
        return
    for link in site.links:
        recorded = load_link_probes(opts.offline_evidence, site.name, link.name)
        if recorded is None:
            reason = "no recorded probe results in the offline evidence"
            fix = f"probe link {link.name} live (run the survey without --offline)"
            evidence.not_assessed.append(NotAssessed(item=f"link {link.name}", reason=reason, to_finish=fix))
            continue
        save_link_probes(root, site.name, recorded)
        evidence.probes.append(recorded)


def gather_captures(site: Site, evidence: SiteEvidence, opts: SurveyOptions) -> None:
    """`assess pcap` of the site's captures; an unreadable file is "not assessed", not fatal."""
    if not site.captures:
        return
    from collectors.pcap.analyse import analyse_site_captures  # numpy: only when a site has captures

    results, problems = analyse_site_captures(site.captures, opts.plan_dir or Path.cwd())
    evidence.captures = results
    evidence.not_assessed += [NotAssessed(item="capture", reason=problem) for problem in problems]


CUSTOM_TARGETS = "custom"


def thresholds_for(plan: Plan, site: Site) -> Thresholds:
    """The site's targets: its own or the plan's, a profile's figures or figures written in the plan."""
    targets = plan.targets_for(site)
    return thresholds_for_profile(targets) if isinstance(targets, str) else targets


def target_profile(plan: Plan, site: Site) -> str:
    """The name of the site's target profile, or ``custom`` for figures written in the plan."""
    targets = plan.targets_for(site)
    return targets if isinstance(targets, str) else CUSTOM_TARGETS


def context_for(plan: Plan, evidence: SiteEvidence) -> SiteContext:
    """The rule context of one site (without the other sites)."""
    site = evidence.site
    return SiteContext(
        site=site.name,
        voice=plan.voice_for(site),
        thresholds=thresholds_for(plan, site),
        devices=tuple(evidence.devices),
        links=tuple(site.links),
        probes=tuple(evidence.probes),
    )


def scoring_config(plan: Plan) -> ScoringConfig:
    """The default scoring with the plan's changes."""
    return with_overrides(default_scoring_config(), plan.scoring)


def judge(plan: Plan, gathered: list[SiteEvidence]) -> list[SiteResult]:
    """Run the site's rule set on every site (each sees the others, for drift) and score it."""
    contexts = [context_for(plan, ev) for ev in gathered]
    results: list[SiteResult] = []
    now = datetime.now(UTC)
    config = scoring_config(plan)
    for ev, ctx in zip(gathered, contexts, strict=True):
        others = tuple(c for c in contexts if c is not ctx)
        ctx = SiteContext(**{**ctx.__dict__, "other_sites": others})
        rule_set = plan.rules_for(ev.site)
        rules = rules_for_profile(rule_set)
        findings = run_rules(rules, ctx)
        profile = target_profile(plan, ev.site)
        scored = score_surveyed_site(findings, ev.devices, rules, profile=profile, weights=config)
        results.append(
            SiteResult(
                site=ev.site.name,
                title=ev.site.title or ev.site.name,
                score=scored.score,
                verdict=scored.verdict,
                verdict_reason=scored.verdict_reason,
                verdict_so_far=scored.verdict_so_far,
                coverage=scored.coverage,
                findings=findings,
                probes=ev.probes,
                devices=ev.devices,
                categories=scored.categories,
                actions=scored.actions,
                not_assessed=ev.not_assessed,
                generated_at=now,
                captures=ev.captures,
                profile=profile,
                thresholds=ctx.thresholds,
                target_sources=profile_sources(profile),
                rules=rule_set,
                scoring_overrides=plan.scoring.describe(),
                tool_versions=tool_versions(),
            )
        )
    return results


STALE_SITE_REPORTS = ("report.pdf", "report.html", "comparison.json")
STALE_PORTFOLIO_REPORTS = ("portfolio.pdf", "portfolio.html")


def write_reports(plan: Plan, results: list[SiteResult], opts: SurveyOptions, notify: Notify) -> SurveyOutcome:
    """results.json and reports per site, then the portfolio."""
    formats = opts.formats or tuple(plan.report.formats)
    written: list[Path] = []
    jobs: list[SiteReportJob] = []
    for result in results:
        site_dir = inside(opts.out_dir, result.site)
        remove_stale(site_dir, STALE_SITE_REPORTS)  # never a new results.json beside an old report
        path = site_dir / "results.json"
        write_atomic(path, result.model_dump_json(indent=2))
        written.append(path)
        jobs.append(SiteReportJob(result, site_dir, plan.company, plan.consultant, plan.report.page_size, formats))
    notify(f"rendering {len(jobs)} site report(s)")
    for files in render_sites(jobs):
        written.extend(files)
    portfolio = build_portfolio(results, plan.company, consultant=plan.consultant, page_size=plan.report.page_size)
    remove_stale(opts.out_dir, STALE_PORTFOLIO_REPORTS)
    write_atomic(opts.out_dir / "portfolio.json", portfolio.model_dump_json(indent=2))
    written.append(opts.out_dir / "portfolio.json")
    notify("rendering portfolio")
    written.extend(
        render_portfolio(
            portfolio,
            results,
            opts.out_dir,
            company=plan.company,
            consultant=plan.consultant,
            page_size=plan.report.page_size,
            formats=formats,
        )
    )
    return SurveyOutcome(results=results, portfolio=portfolio, written=written)


def run_survey(plan: Plan, opts: SurveyOptions, notify: Notify | None = None) -> SurveyOutcome:
    """The whole survey of ``plan``."""
    say = notify or (lambda _msg: None)
    gathered: list[SiteEvidence] = []
    for site in plan.sites:
        evidence = SiteEvidence(site=site)
        say(f"{site.name}: collecting {len(site.devices)} device(s)")
        with far_ends_checked_meanwhile(site.links if opts.offline_evidence is None else [], opts.probes):
            gather_devices(site, evidence, opts)
        say(f"{site.name}: probing {len(site.links)} link(s)")
        gather_links(plan, site, evidence, opts, say)
        if site.captures:
            say(f"{site.name}: analysing {len(site.captures)} capture(s)")
        gather_captures(site, evidence, opts)
        gathered.append(evidence)
    say("checking and scoring")
    results = apply_store(judge(plan, gathered), opts.monitor_store or opts.out_dir / STORE_NAME, scoring_config(plan))
    outcome = write_reports(plan, results, opts, say)
    phases = {ev.site.name: ev.probe_phase for ev in gathered if ev.probe_phase is not None}
    return dataclasses.replace(outcome, probe_phases=phases)
