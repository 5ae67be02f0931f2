"""Configuration drift across sites, drawn from the cross-site findings themselves (VQ504-VQ508).

Each drift rule compares one standardised setting of its site with the other sites and
records the per-site values it compared (``Finding.compared``); the portfolio shows a
setting as drift when some site's finding of that rule warns. No value is computed here
again, so the portfolio and the site reports cannot disagree. What the plan sets per
site (its voice VLAN, its provider addresses) is compared as "as planned" by the rules,
so following the plan is never drift.
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.registry import ALL_RULES
from core.models.common import Status
from core.models.findings import Finding
from core.models.site import DriftItem, SiteResult

NOT_SEEN = "not seen"


def drift_aspects() -> dict[str, str]:
    """Rule id -> the setting it compares across sites, for every cross-site rule."""
    return {rule.id: aspect for rule in ALL_RULES if isinstance(aspect := getattr(rule, "aspect", None), str)}


def per_site_values(findings: Sequence[tuple[str, Finding]]) -> dict[str, str]:
    """Site -> value, from the values each finding compared; a site's own finding has the last word."""
    values: dict[str, str] = {}
    for _, finding in findings:
        values.update(finding.compared)
    for site, finding in findings:
        if site in finding.compared:
            values[site] = finding.compared[site]
    return values


def compute_drift(sites: Sequence[SiteResult]) -> list[DriftItem]:
    """One item per compared setting on which some site's drift finding warns."""
    items = []
    for rule_id, aspect in drift_aspects().items():
        found = [(s.site, f) for s in sites for f in s.findings if f.id == rule_id]
        warned = {site: f for site, f in found if f.status == Status.WARN}
        if not warned:
            continue
        values = per_site_values(found)
        items.append(
            DriftItem(
                layer=aspect[:1].upper() + aspect[1:],
                rule=rule_id,
                values={s.site: values.get(s.site, NOT_SEEN) for s in sites},
                details={site: [f.message] for site, f in warned.items()},
            )
        )
    return items
