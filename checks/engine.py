"""Runs the registered rules over a site and turns outcomes into findings."""

from __future__ import annotations

from collections.abc import Iterable

from assess.models.common import Status
from assess.models.findings import Finding
from checks.base import Outcome, Rule, SiteContext


def _finding(rule: type[Rule], outcome: Outcome) -> Finding:
    return Finding(
        id=rule.id,
        title=rule.title,
        severity=rule.severity,
        category=rule.category,
        status=outcome.status,
        message=outcome.message,
        evidence=outcome.evidence,
        remediation=rule.remediation_for(outcome.platform),
        rationale=rule.rationale,
        device=outcome.device,
        link=outcome.link,
        compared=dict(outcome.compared),
    )


def run_rules(rules: Iterable[type[Rule]], ctx: SiteContext) -> list[Finding]:
    """Evaluate ``rules`` on ``ctx``; a crashing rule becomes an UNKNOWN finding."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(_finding(rule, o) for o in rule().evaluate(ctx))
        except Exception as exc:  # a broken rule must be visible, never a pass
            findings.append(
                _finding(rule, Outcome(Status.UNKNOWN, f"rule error: {type(exc).__name__}: {exc}", repr(exc)))
            )
    return findings
