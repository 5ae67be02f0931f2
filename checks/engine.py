"""Runs the registered rules over a site and turns outcomes into findings."""

from __future__ import annotations

from collections.abc import Iterable

from checks.base import DeviceRule, Outcome, Rule, SiteContext
from checks.remediation import render_block
from core.models.common import Status
from core.models.device import DeviceRecord
from core.models.findings import Finding
from core.models.remediation import RemediationBlock
from core.platform_names import NAMES as PLATFORM_NAMES

_TO_FIX = (Status.FAIL, Status.WARN)


def _fix(rule: type[Rule], outcome: Outcome, ctx: SiteContext) -> RemediationBlock | None:
    """The device-specific fix of a failing outcome (None for links, sites and passes)."""
    if outcome.status not in _TO_FIX or outcome.device is None:
        return None
    record = next((d for d in ctx.devices if d.name == outcome.device), None)
    if record is None or record.facts is None:
        return None
    return render_block(rule.id, outcome, record.facts, ctx)


def _finding(rule: type[Rule], outcome: Outcome, ctx: SiteContext) -> Finding:
    fix = _fix(rule, outcome, ctx)
    return Finding(
        id=rule.id,
        title=rule.title,
        severity=rule.severity,
        category=rule.category,
        status=outcome.status,
        message=outcome.message,
        evidence=outcome.evidence,
        remediation=fix.as_text() if fix is not None else rule.remediation,
        fix=fix,
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
            findings.extend(_finding(rule, o, ctx) for o in rule().evaluate(ctx))
        except Exception as exc:  # a broken rule must be visible, never a pass
            findings.append(
                _finding(rule, Outcome(Status.UNKNOWN, f"rule error: {type(exc).__name__}: {exc}", repr(exc)), ctx)
            )
    return findings


def rules_not_run(rules: Iterable[type[Rule]], devices: Iterable[DeviceRecord]) -> list[tuple[str, type[Rule]]]:
    """(device, rule) for every device rule that would have judged a device with no facts (not collected).

    The device's planned platform picks the rules; when it is not known every device rule could have applied.
    Some of them might have found nothing to judge (n/a): without the evidence that cannot be told.
    """
    device_rules = [r for r in rules if issubclass(r, DeviceRule)]
    return [
        (dev.name, rule)
        for dev in devices
        if dev.facts is None
        for rule in device_rules
        if dev.platform not in PLATFORM_NAMES or rule.judges(dev.platform)
    ]
