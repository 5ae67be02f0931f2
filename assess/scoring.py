"""Findings → category scores, coverage, a 0–100 site score, a verdict with its rule, and the actions to GO.

The numbers (weights, penalties, bands, the coverage a verdict needs) come from
:mod:`assess.scoring_config`; the rules that use them are here and documented in
``docs/scoring.md``. Coverage comes before the verdict: a site whose evidence does
not cover what a verdict needs is INCOMPLETE, with no score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pydantic import BaseModel, Field

from assess.scoring_config import ScoringConfig, default_scoring_config, thresholds_for_profile
from checks.base import Rule
from checks.engine import rules_not_run
from core.models.common import CATEGORY_TITLES, Category, Severity, Status, Verdict
from core.models.device import DeviceRecord
from core.models.findings import Finding
from core.models.site import Action, CategoryScore, Coverage

__all__ = ["NotRun", "SiteScore", "score_site", "score_surveyed_site", "thresholds_for_profile"]

_NOT_PASS = (Status.FAIL, Status.WARN, Status.UNKNOWN)
_JUDGED = (Status.PASS, Status.WARN, Status.FAIL)  # an outcome drawn from evidence


class NotRun(NamedTuple):
    """A check a planned device that was not collected would have had: it applies, without evidence."""

    device: str
    rule_id: str
    category: Category


class SiteScore(BaseModel):
    """What scoring concluded about one site."""

    score: float | None = Field(description="None when the verdict is INCOMPLETE")
    raw_score: float = Field(ge=0, le=100, description="weighted mean before the verdict-band cap")
    verdict: Verdict
    verdict_reason: str
    verdict_so_far: Verdict | None = None
    coverage: Coverage
    categories: list[CategoryScore]
    actions: list[Action]
    profile: str = "g114"


def has_evidence(finding: Finding) -> bool:
    """True when the finding was judged from evidence (pass, warn or fail), not unknown or n/a."""
    return finding.status in _JUDGED


def score_site(
    findings: list[Finding],
    *,
    profile: str = "g114",
    weights: ScoringConfig | None = None,
    missing_devices: Sequence[str] = (),
    not_run: Sequence[NotRun] = (),
) -> SiteScore:
    """Score a site's findings and decide GO / CONDITIONAL / NO-GO, or INCOMPLETE without enough evidence.

    ``missing_devices`` are planned devices that gave no facts: their checks cannot even be listed;
    ``not_run`` are the checks they would have had (by planned platform), counted in their categories' coverage.
    """
    cfg = weights or default_scoring_config()
    categories = category_scores(findings, cfg, not_run)
    raw = raw_score(categories, cfg)
    covered = coverage(findings, categories, cfg, missing_devices, len(not_run))
    verdict, reason = decide_verdict(findings, categories, raw, cfg)
    so_far = None
    if not covered.complete:
        so_far, known = verdict_so_far(findings)
        verdict, reason = Verdict.INCOMPLETE, incomplete_reason(covered, so_far, known)
    return SiteScore(
        score=None if verdict == Verdict.INCOMPLETE else round(capped(raw, verdict, cfg), 1),
        raw_score=round(raw, 1),
        verdict=verdict,
        verdict_reason=reason,
        verdict_so_far=so_far,
        coverage=covered,
        categories=categories,
        actions=actions_to_go(findings, verdict, cfg, not_run),
        profile=profile,
    )


def score_surveyed_site(
    findings: list[Finding],
    devices: Sequence[DeviceRecord],
    rules: Sequence[type[Rule]],
    *,
    profile: str = "g114",
    weights: ScoringConfig | None = None,
) -> SiteScore:
    """:func:`score_site` for a site whose ``devices`` were judged by ``rules``: those without facts are missing.

    Their checks are the device rules of ``rules`` for each one's planned platform.
    """
    missing = [d.name for d in devices if d.facts is None]
    not_run = [NotRun(name, rule.id, rule.category) for name, rule in rules_not_run(rules, devices)]
    return score_site(findings, profile=profile, weights=weights, missing_devices=missing, not_run=not_run)


def verdict_so_far(findings: Sequence[Finding]) -> tuple[Verdict | None, str]:
    """The verdict failures already found hold a site at, whatever the missing evidence shows, and why.

    A critical failure is NO-GO so far, a high one CONDITIONAL so far; nothing else is known
    until the evidence is complete (a score over part of the checks claims too much).
    """
    for severity, verdict in ((Severity.CRITICAL, Verdict.NO_GO), (Severity.HIGH, Verdict.CONDITIONAL)):
        failed = [f for f in findings if f.severity == severity and f.status == Status.FAIL]
        if failed:
            n = _count(len({f.id for f in failed}), f"{severity} check")
            return verdict, f"{n} failed ({_ids(failed)})"
    return None, ""


def coverage(
    findings: Sequence[Finding],
    categories: Sequence[CategoryScore],
    cfg: ScoringConfig,
    missing_devices: Sequence[str] = (),
    not_run: int = 0,
) -> Coverage:
    """How many of the checks that apply had evidence, and which critical checks, categories or devices had none.

    A required category counts as without evidence when checks of it apply and none was judged; one
    with no applicable check at all is outside the plan's scope (the verdict rules make it CONDITIONAL).
    """
    applicable = [f for f in findings if f.status != Status.NA]
    evidenced = [f for f in applicable if has_evidence(f)]
    return Coverage(
        applicable=len(applicable),
        evidenced=len(evidenced),
        pct=round(100.0 * len(evidenced) / len(applicable), 1) if applicable else 0.0,
        required_pct=cfg.min_coverage_pct,
        critical_without_evidence=list(
            dict.fromkeys(f.id for f in applicable if f.severity == Severity.CRITICAL and not has_evidence(f))
        ),
        categories_without_evidence=[
            c.title
            for c in categories
            if c.category in cfg.required_categories and not c.assessed and c.coverage_pct is not None
        ],
        devices_without_evidence=list(missing_devices),
        not_run=not_run,
    )


def incomplete_reason(covered: Coverage, so_far: Verdict | None, known: str) -> str:
    """One line: why the verdict is INCOMPLETE, and the failure already known (``NO-GO so far``) if any."""
    parts = []
    if covered.critical_without_evidence:
        ids = covered.critical_without_evidence
        parts.append(f"no evidence for {_count(len(ids), 'critical check')} ({', '.join(ids[:4])})")
    if covered.devices_without_evidence:
        devices = covered.devices_without_evidence
        not_run = f" ({_count(covered.not_run, 'check')} not run)" if covered.not_run else ""
        parts.append(f"{'device' if len(devices) == 1 else 'devices'} {', '.join(devices)} not collected{not_run}")
    if covered.categories_without_evidence:
        parts.append(f"no evidence for {', '.join(covered.categories_without_evidence)}")
    if covered.applicable == 0:
        parts.append("nothing at this site could be assessed")
    elif covered.pct < covered.required_pct:
        parts.append(
            f"{covered.evidenced} of {covered.applicable} applicable checks had evidence "
            f"({covered.pct:.0f} %, {covered.required_pct:.0f} % needed)"
        )
    head = "INCOMPLETE"
    if so_far is not None:
        head += f" ({so_far} so far: {known})"
    return f"{head}: {'; '.join(parts)}"


def category_scores(
    findings: Iterable[Finding], cfg: ScoringConfig, not_run: Sequence[NotRun] = ()
) -> list[CategoryScore]:
    """One score per category: 100 minus the costs of its findings that are not a pass.

    Checks ``not_run`` (of devices not collected) apply without evidence: they lower coverage and make a
    category with evidence partial, but cost nothing, since nothing was judged.
    """
    by_cat: dict[Category, list[Finding]] = defaultdict(list)
    for f in findings:
        by_cat[f.category].append(f)
    out = []
    for cat in Category:
        applicable = [f for f in by_cat[cat] if f.status != Status.NA]
        evidenced = sum(has_evidence(f) for f in applicable)
        missing = [n for n in not_run if n.category == cat]
        counted = len(applicable) + len(missing)
        out.append(
            CategoryScore(
                category=cat,
                title=CATEGORY_TITLES[cat],
                score=round(max(0.0, 100.0 - _category_cost(applicable, cfg)), 1),
                weight=round(cfg.weight(cat), 4),
                failed=sum(f.status == Status.FAIL for f in applicable),
                warned=sum(f.status == Status.WARN for f in applicable),
                passed=sum(f.status == Status.PASS for f in applicable),
                unknown=sum(f.status == Status.UNKNOWN for f in applicable),
                assessed=evidenced > 0,
                coverage_pct=round(100.0 * evidenced / counted, 1) if counted else None,
                not_run=len(missing),
                not_collected=list(dict.fromkeys(n.device for n in missing)),
            )
        )
    return out


def _category_cost(findings: Sequence[Finding], cfg: ScoringConfig) -> float:
    """Sum of costs; a rule's repeats on other subjects cost ``repeat_factor`` of theirs."""
    by_rule: dict[str, list[float]] = defaultdict(list)
    for f in findings:
        by_rule[f.id].append(cfg.cost(f.severity, f.status))
    total = 0.0
    for costs in by_rule.values():
        costs.sort(reverse=True)
        total += costs[0] + cfg.repeat_factor * sum(costs[1:])
    return total


def raw_score(categories: Sequence[CategoryScore], cfg: ScoringConfig) -> float:
    """Weighted mean of the assessed categories (0 when nothing could be assessed)."""
    assessed = [c for c in categories if c.assessed]
    total_weight = sum(cfg.weights[c.category] for c in assessed)
    if total_weight <= 0:
        return 0.0
    return sum(c.score * cfg.weights[c.category] for c in assessed) / total_weight


def capped(raw: float, verdict: Verdict, cfg: ScoringConfig) -> float:
    """The raw score held inside the band of its verdict (NO-GO < no_go_below <= CONDITIONAL < go_at).

    Only for GO, CONDITIONAL and NO-GO: an INCOMPLETE site has no score.
    """
    if verdict == Verdict.NO_GO:
        return min(raw, cfg.no_go_below - 1)
    if verdict == Verdict.CONDITIONAL:
        return min(raw, cfg.go_at - 1)
    return raw


def _ids(findings: Iterable[Finding]) -> str:
    ids = list(dict.fromkeys(f.id for f in findings))
    shown = ", ".join(ids[:4])
    return shown + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def decide_verdict(
    findings: Sequence[Finding], categories: Sequence[CategoryScore], raw: float, cfg: ScoringConfig
) -> tuple[Verdict, str]:
    """The verdict the evidence supports and the first rule (in order) that decided it.

    Coverage is judged apart (:func:`coverage`): without enough evidence the site is INCOMPLETE
    and this verdict is kept only as what a failure already found holds it at.
    """
    crit_fail = [f for f in findings if f.severity == Severity.CRITICAL and f.status == Status.FAIL]
    if crit_fail:
        rules = {f.id for f in crit_fail}
        return Verdict.NO_GO, f"NO-GO: {_count(len(rules), 'critical check')} failed ({_ids(crit_fail)})"
    if raw < cfg.no_go_below:
        return Verdict.NO_GO, f"NO-GO: score {raw:.0f} is below {cfg.no_go_below:.0f}"
    high_fail = [f for f in findings if f.severity == Severity.HIGH and f.status == Status.FAIL]
    if high_fail:
        n = _count(len({f.id for f in high_fail}), "high-severity check")
        return Verdict.CONDITIONAL, f"CONDITIONAL: {n} failed ({_ids(high_fail)})"
    crit_open = [f for f in findings if f.severity == Severity.CRITICAL and f.status == Status.WARN]
    if crit_open:
        return Verdict.CONDITIONAL, (
            f"CONDITIONAL: critical {_count(len({f.id for f in crit_open}), 'check')} "
            f"not confirmed as passed ({_ids(crit_open)})"
        )
    missing = [c.title for c in categories if c.category in cfg.required_categories and not c.assessed]
    if missing:  # nothing in the plan for it (with checks that lacked evidence the site is INCOMPLETE)
        return Verdict.CONDITIONAL, f"CONDITIONAL: no evidence for {', '.join(missing)}"
    if raw < cfg.go_at:
        return Verdict.CONDITIONAL, f"CONDITIONAL: score {raw:.0f} is below {cfg.go_at:.0f}"
    return Verdict.GO, f"GO: no critical or high-severity failures and score {raw:.0f} ≥ {cfg.go_at:.0f}"


def _blocks(group: Sequence[Finding]) -> Verdict | None:
    """The verdict this group of findings alone holds the site at, if any."""
    if any(f.severity == Severity.CRITICAL and f.status == Status.FAIL for f in group):
        return Verdict.NO_GO
    if any(f.severity == Severity.HIGH and f.status == Status.FAIL for f in group):
        return Verdict.CONDITIONAL
    if any(f.severity == Severity.CRITICAL and f.status == Status.UNKNOWN for f in group):
        return Verdict.INCOMPLETE
    if any(f.severity == Severity.CRITICAL and f.status == Status.WARN for f in group):
        return Verdict.CONDITIONAL
    return None


def _resolved(findings: Sequence[Finding], rule_ids: set[str]) -> list[Finding]:
    """The findings as they would be with every finding of ``rule_ids`` passing."""
    return [f.model_copy(update={"status": Status.PASS}) if f.id in rule_ids else f for f in findings]


def _subject(f: Finding) -> str | None:
    return f.device or f.link


def _action(rule_id: str, group: Sequence[Finding], gain: float) -> Action:
    worst = min(group, key=lambda f: list(Severity).index(f.severity))
    unverified = all(f.status == Status.UNKNOWN for f in group)
    subjects = list(dict.fromkeys(s for f in group if (s := _subject(f))))
    return Action(
        finding_id=rule_id,
        title=("Verify: " if unverified else "") + worst.title,
        severity=str(worst.severity),
        device=worst.device,
        link=worst.link,
        remediation=worst.remediation,
        score_gain=round(gain, 1),
        kind="verify" if unverified else "fix",
        subjects=subjects,
        blocks=_blocks(group),
    )


def candidate_actions(findings: Sequence[Finding], cfg: ScoringConfig) -> list[Action]:
    """One action per rule not passing, with the raw-score gain of fixing it everywhere."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.status in _NOT_PASS:
            groups[f.id].append(f)
    base = raw_score(category_scores(findings, cfg), cfg)
    out = []
    for rule_id, group in groups.items():
        gain = raw_score(category_scores(_resolved(findings, {rule_id}), cfg), cfg) - base
        out.append(_action(rule_id, group, gain))
    level = {Verdict.NO_GO: 3, Verdict.INCOMPLETE: 2, Verdict.CONDITIONAL: 1, Verdict.GO: 0, None: 0}
    out.sort(key=lambda a: (-level[a.blocks], -a.score_gain, a.finding_id))
    return out


def actions_to_go(
    findings: Sequence[Finding], verdict: Verdict, cfg: ScoringConfig, not_run: Sequence[NotRun] = ()
) -> list[Action]:
    """The shortest list of actions that turns the verdict to GO, most impact first.

    Every action that alone holds the verdict below GO is needed; categories without
    evidence must be assessed; then the biggest score gains until the score reaches GO.
    """
    if verdict == Verdict.GO:
        return []
    candidates = candidate_actions(findings, cfg)
    chosen = [a for a in candidates if a.blocks is not None]
    rest = [a for a in candidates if a.blocks is None]
    done = {a.finding_id for a in chosen}
    categories = category_scores(_resolved(findings, done), cfg, not_run)
    for cat in categories:
        if cat.category in cfg.required_categories and not cat.assessed:
            chosen.append(
                Action(
                    finding_id="",
                    title=f"Collect evidence for {cat.title}",
                    severity="high",
                    remediation=_to_collect(cat),
                    kind="assess",
                    blocks=Verdict.CONDITIONAL if cat.coverage_pct is None else Verdict.INCOMPLETE,
                )
            )
    while rest and raw_score(category_scores(_resolved(findings, done), cfg), cfg) < cfg.go_at:
        nxt = rest.pop(0)  # sorted by gain already
        chosen.append(nxt)
        done.add(nxt.finding_id)
    return chosen


def _to_collect(cat: CategoryScore) -> str:
    """What gives a category without evidence something to judge."""
    if cat.not_collected:
        return f"Collect {', '.join(cat.not_collected)} (see what could not be assessed) and run the survey again."
    return "Give the plan the devices or links this category needs and run the survey again."


def improvements(findings: Sequence[Finding], cfg: ScoringConfig | None = None) -> list[Action]:
    """Every open rule as an action, most impact first (for sites already GO)."""
    return candidate_actions(findings, cfg or default_scoring_config())
