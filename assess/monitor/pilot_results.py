"""A site's results with the pilot monitoring folded in: each monitored link's summary, link quality re-judged.

Used by the survey and by `assess report` when the survey folder holds a monitoring store. Only the
findings of the rules that read the pilot (the RTP rules and VQ411), on monitored links, are judged
again (on the busy hour and the failing share); everything else stays as the survey judged it: the
bandwidth rules need the plan's voice load and contract, which saved results do not carry.
"""

from __future__ import annotations

from pathlib import Path

from assess.monitor.analysis import summarise_store
from assess.monitor.store import Store
from assess.scoring import score_surveyed_site
from assess.scoring_config import ScoringConfig, thresholds_for_profile
from checks.base import SiteContext
from checks.engine import run_rules
from checks.profiles import rules_for_profile
from core.models.site import LinkProbes, SiteResult


def with_pilots(result: SiteResult, store: Store, weights: ScoringConfig | None = None) -> SiteResult:
    """``result`` with the store's pilot summary on each monitored link and link quality judged on it."""
    th = result.thresholds or thresholds_for_profile(result.profile)
    probes = {p.link: p.model_copy() for p in result.probes}
    monitored: set[str] = set()
    for site, link, _provider in store.links():
        if site != result.site:
            continue
        summary = summarise_store(store, site, link, th)
        if summary is None:
            continue
        entry = probes.setdefault(link, LinkProbes(link=link, source="monitor"))
        entry.pilot = summary
        monitored.add(link)
    if not monitored:
        return result
    ctx = SiteContext(site=result.site, thresholds=th, devices=tuple(result.devices), probes=tuple(probes.values()))
    rules = rules_for_profile(result.rules)
    pilot_rules = tuple(r for r in rules if r.reads_pilot)
    judged = [f for f in run_rules(pilot_rules, ctx) if f.link in monitored]
    ids = {r.id for r in pilot_rules}
    kept = [f for f in result.findings if not (f.id in ids and f.link in monitored)]
    findings = kept + judged
    scored = score_surveyed_site(findings, result.devices, rules, profile=result.profile, weights=weights)
    return result.model_copy(update={
        "probes": list(probes.values()), "findings": findings, "score": scored.score, "verdict": scored.verdict,
        "verdict_reason": scored.verdict_reason, "verdict_so_far": scored.verdict_so_far,
        "coverage": scored.coverage, "categories": scored.categories, "actions": scored.actions,
    })


def apply_store(results: list[SiteResult], path: Path, weights: ScoringConfig | None = None) -> list[SiteResult]:
    """Every site's results with the pilot of the store at ``path`` (unchanged when there is none).

    ``weights``: the plan's scoring (the survey passes it; `assess report` has no plan and scores by the defaults).
    """
    if not path.is_file():
        return results
    store = Store(path, create=False)
    try:
        return [with_pilots(r, store, weights) for r in results]
    finally:
        store.close()
