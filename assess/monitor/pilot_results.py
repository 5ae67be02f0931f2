"""A site's results with the pilot monitoring folded in: each monitored link's summary, link quality re-judged.

Used by the survey and by `assess report` when the survey folder holds a monitoring store. Only the
link-quality findings of monitored links are judged again (on the busy hour and the failing share);
everything else in the results stays as the survey judged it.
"""

from __future__ import annotations

from pathlib import Path

from assess.monitor.analysis import summarise_store
from assess.monitor.store import Store
from assess.scoring import score_site
from assess.scoring_config import thresholds_for_profile
from checks.base import SiteContext
from checks.engine import run_rules
from checks.registry import ALL_RULES
from core.models.common import Category
from core.models.site import LinkProbes, SiteResult

LINK_QUALITY_RULES = tuple(r for r in ALL_RULES if r.category == Category.LINK_QUALITY)


def with_pilots(result: SiteResult, store: Store) -> SiteResult:
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
    judged = [f for f in run_rules(LINK_QUALITY_RULES, ctx) if f.link in monitored]
    ids = {r.id for r in LINK_QUALITY_RULES}
    kept = [f for f in result.findings if not (f.id in ids and f.link in monitored)]
    findings = kept + judged
    scored = score_site(findings, profile=result.profile)
    return result.model_copy(update={
        "probes": list(probes.values()), "findings": findings, "score": scored.score, "verdict": scored.verdict,
        "verdict_reason": scored.verdict_reason, "categories": scored.categories, "actions": scored.actions,
    })


def apply_store(results: list[SiteResult], path: Path) -> list[SiteResult]:
    """Every site's results with the pilot of the store at ``path`` (unchanged when there is none)."""
    if not path.is_file():
        return results
    store = Store(path, create=False)
    try:
        return [with_pilots(r, store) for r in results]
    finally:
        store.close()
