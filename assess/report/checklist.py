"""The pre-cutover go/no-go checklist, each item marked from evidence where the tool has it.

Items the tool cannot judge (pilot issues, numbering, rollback, support cover)
stay open for the consultant to tick by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from assess.report.pilot_view import pilot_period_note
from core.models.common import Severity, Status
from core.models.findings import Finding
from core.models.site import SiteResult

Mark = Literal["done", "open", "manual"]


class ChecklistItem(BaseModel):
    """One line of the cutover checklist."""

    title: str
    mark: Mark = Field(description="done/open from evidence; manual = for the consultant to tick")
    basis: str = Field(description="the evidence behind the mark, or what the consultant must check")
    rules: list[str] = Field(default_factory=list, description="the rules whose findings decide or inform it")


def _ids(*ranges: tuple[int, int]) -> tuple[str, ...]:
    return tuple(f"VQ{n}" for lo, hi in ranges for n in range(lo, hi + 1))


@dataclass(frozen=True)
class ChecklistSpec:
    """A checklist line: its title and the rules whose findings decide it (none: for the consultant)."""

    title: str
    rules: tuple[str, ...] = ()
    what: str = ""
    manual_basis: str = ""
    pilot_note: bool = False  # judged on the pilot's monitoring when there is one: say which period


# The checklist is declared here, by rule id; nothing is picked by a finding's title.
CHECKLIST: tuple[ChecklistSpec, ...] = (
    ChecklistSpec("Pilot issues resolved or formally deferred"),
    ChecklistSpec(
        "QoS validated for signalling and RTP (marking, trust, priority queue)",
        _ids((101, 110), (201, 209), (406, 407)),
        "QoS",
    ),
    ChecklistSpec("Firewall and NAT rules validated for signalling and RTP", _ids((301, 314)), "firewall and NAT"),
    ChecklistSpec(
        "Every WAN link within the jitter, loss, delay and MOS targets",
        (*_ids((401, 405)), "VQ411"),
        "link quality",
        pilot_note=True,
    ),
    ChecklistSpec("Capacity for the peak number of calls", ("VQ202", "VQ210", "VQ408", "VQ409", "VQ410"), "capacity"),
    ChecklistSpec(
        "Numbering, caller ID and call routing confirmed",
        manual_basis="Place test calls: inbound DDIs, outbound caller ID, emergency calls, hunt groups.",
    ),
    ChecklistSpec(
        "Fallback and rollback verified",
        ("VQ501", "VQ502", "VQ509"),
        "resilience",
        "Test failover to the backup path and rehearse the rollback plan.",
    ),
    ChecklistSpec(
        "Support coverage set for cutover day",
        manual_basis="Named engineers on site and at the provider; escalation contacts shared.",
    ),
)


def _judge(findings: Sequence[Finding], what: str) -> tuple[Mark, str]:
    """done when evidence exists and all of it passes; open on any failure or warning; manual when unverifiable."""
    judged = [f for f in findings if f.status != Status.NA]
    failed = [f for f in judged if f.failed]
    unknown = [f for f in judged if f.status == Status.UNKNOWN]
    if failed:
        parts = [f"{f.id} {f.title} ({f.status})" for f in failed[:4]]
        more = f"; and {len(failed) - 4} more" if len(failed) > 4 else ""
        return "open", "Not yet: " + "; ".join(parts) + more + "."
    if unknown:
        ids = ", ".join(dict.fromkeys(f.id for f in unknown))
        return "manual", f"Could not be verified automatically ({ids}); confirm by hand."
    if not judged:
        return "manual", f"No evidence collected for {what}; confirm by hand."
    ids = ", ".join(dict.fromkeys(f.id for f in judged))
    n = len(judged)
    return "done", f"Verified: {n} check{'s' if n != 1 else ''} passed ({ids})."


def _pilot_basis(findings: Sequence[Finding]) -> str:
    open_blockers = [f for f in findings if f.failed and f.severity in (Severity.CRITICAL, Severity.HIGH)]
    if open_blockers:
        return (
            f"{len(open_blockers)} critical/high finding(s) still open in this survey; resolve or defer them "
            "with the customer and record pilot users' issues."
        )
    return "No critical or high finding open in this survey; confirm the pilot users' issues are closed or deferred."


def checklist_item(spec: ChecklistSpec, findings: Sequence[Finding]) -> ChecklistItem:
    """One checklist line: judged from the findings of its rules, or left for the consultant."""
    if not spec.rules:
        basis = spec.manual_basis or _pilot_basis(findings)
        return ChecklistItem(title=spec.title, mark="manual", basis=basis, rules=[])
    mine = [f for f in findings if f.id in spec.rules]
    mark, basis = _judge(mine, spec.what)
    if spec.manual_basis:  # judged findings inform the consultant; the box stays theirs to tick
        note = f"{basis} " if mine else ""
        return ChecklistItem(title=spec.title, mark="manual", basis=note + spec.manual_basis, rules=list(spec.rules))
    return ChecklistItem(title=spec.title, mark=mark, basis=basis, rules=list(spec.rules))


def build_checklist(site: SiteResult) -> list[ChecklistItem]:
    """The cutover checklist for ``site``."""
    items = [checklist_item(spec, site.findings) for spec in CHECKLIST]
    # the link-quality line cites the pilot's monitoring period when link quality was judged on it
    return [
        item.model_copy(update={"basis": item.basis + pilot_period_note(site)}) if spec.pilot_note else item
        for spec, item in zip(CHECKLIST, items, strict=True)
    ]
