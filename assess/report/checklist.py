"""The pre-cutover go/no-go checklist, each item marked from evidence where the tool has it.

Items the tool cannot judge (pilot issues, numbering, rollback, support cover)
stay open for the consultant to tick by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from assess.models.common import Category, Severity, Status
from assess.models.findings import Finding
from assess.models.site import SiteResult
from assess.report.pilot_view import pilot_period_note

Mark = Literal["done", "open", "manual"]


class ChecklistItem(BaseModel):
    """One line of the cutover checklist."""

    title: str
    mark: Mark = Field(description="done/open from evidence; manual = for the consultant to tick")
    basis: str = Field(description="the evidence behind the mark, or what the consultant must check")


def _judge(findings: Sequence[Finding], extra_fail: list[str], extra_pass: list[str], what: str) -> tuple[Mark, str]:
    """done when evidence exists and all of it passes; open on any failure; manual when unverifiable."""
    judged = [f for f in findings if f.status != Status.NA]
    failed = [f for f in judged if f.failed]
    unknown = [f for f in judged if f.status == Status.UNKNOWN]
    if failed or extra_fail:
        parts = [f"{f.id} {f.title} ({f.status})" for f in failed[:4]] + extra_fail
        return "open", "Not yet: " + "; ".join(parts) + "."
    if unknown:
        ids = ", ".join(dict.fromkeys(f.id for f in unknown))
        return "manual", f"Could not be verified automatically ({ids}); confirm by hand."
    if not judged and not extra_pass:
        return "manual", f"No evidence collected for {what}; confirm by hand."
    n = len(judged)
    parts = [f"{n} check{'s' if n != 1 else ''} passed"] if n else []
    return "done", "Verified: " + "; ".join(parts + extra_pass) + "."


def _dscp_evidence(site: SiteResult) -> tuple[list[str], list[str]]:
    fails: list[str] = []
    passes: list[str] = []
    for p in site.probes:
        rtp = p.rtp
        if rtp is None or rtp.dscp_sent is None or rtp.dscp_at_far_end is None:
            continue
        both = rtp.dscp_at_far_end == rtp.dscp_sent and rtp.dscp_on_return == rtp.dscp_sent
        (passes if both else fails).append(f"DSCP {'preserved' if both else 'not preserved'} on {p.link}")
    return fails, passes


def _port_evidence(site: SiteResult) -> tuple[list[str], list[str]]:
    fails: list[str] = []
    passes: list[str] = []
    for p in site.probes:
        if p.ports and p.ports.tested_udp + p.ports.tested_tcp:
            blocked = [f"{n}/udp" for n in p.ports.blocked_udp] + [f"{n}/tcp" for n in p.ports.blocked_tcp]
            if blocked:
                fails.append(f"{p.link} blocks {', '.join(blocked[:6])}")
            else:
                passes.append(f"all {len(p.ports.tested_udp) + len(p.ports.tested_tcp)} probed ports open on {p.link}")
        if p.sip_alg is not None:
            if p.sip_alg.sip_alg_detected:
                fails.append(f"SIP ALG rewrote {', '.join(p.sip_alg.rewritten) or 'SIP'} on {p.link}")
            else:
                passes.append(f"no SIP ALG on {p.link}")
    return fails, passes


def _in(*cats: Category) -> Callable[[Finding], bool]:
    return lambda f: f.category in cats


def build_checklist(site: SiteResult) -> list[ChecklistItem]:
    """The cutover checklist for ``site``."""
    findings = site.findings

    def pick(pred: Callable[[Finding], bool]) -> list[Finding]:
        return [f for f in findings if pred(f)]

    items: list[ChecklistItem] = []
    open_blockers = [f for f in findings if f.failed and f.severity in (Severity.CRITICAL, Severity.HIGH)]
    pilot = (
        f"{len(open_blockers)} critical/high finding(s) still open in this survey; resolve or defer them "
        "with the customer and record pilot users' issues."
        if open_blockers
        else "No critical or high finding open in this survey; confirm the pilot users' issues are closed or deferred."
    )
    items.append(ChecklistItem(title="Pilot issues resolved or formally deferred", mark="manual", basis=pilot))
    dscp_fail, dscp_pass = _dscp_evidence(site)
    mark, basis = _judge(pick(_in(Category.LAN_QOS, Category.WAN_QOS)), dscp_fail, dscp_pass, "QoS")
    items.append(
        ChecklistItem(
            title="QoS validated for signalling and RTP (marking, trust, priority queue)", mark=mark, basis=basis
        )
    )
    port_fail, port_pass = _port_evidence(site)
    mark, basis = _judge(pick(_in(Category.FIREWALL_NAT)), port_fail, port_pass, "firewall and NAT")
    items.append(ChecklistItem(title="Firewall and NAT rules validated for signalling and RTP", mark=mark, basis=basis))
    mark, basis = _judge(pick(_in(Category.LINK_QUALITY)), [], [], "link quality")
    basis += pilot_period_note(site)
    items.append(
        ChecklistItem(title="Every WAN link within the jitter, loss, delay and MOS targets", mark=mark, basis=basis)
    )
    capacity = pick(
        lambda f: f.category == Category.WAN_QOS and ("headroom" in f.title.lower() or "bandwidth" in f.title.lower())
    )
    mark, basis = _judge(capacity, [], [], "capacity")
    items.append(ChecklistItem(title="Capacity for the peak number of calls", mark=mark, basis=basis))
    items.append(
        ChecklistItem(
            title="Numbering, caller ID and call routing confirmed",
            mark="manual",
            basis="Place test calls: inbound DDIs, outbound caller ID, emergency calls, hunt groups.",
        )
    )
    resilience = pick(_in(Category.RESILIENCE))
    res_note = (_judge(resilience, [], [], "resilience")[1] + " ") if resilience else ""
    items.append(
        ChecklistItem(
            title="Fallback and rollback verified",
            mark="manual",
            basis=res_note + "Test failover to the backup path and rehearse the rollback plan.",
        )
    )
    items.append(
        ChecklistItem(
            title="Support coverage set for cutover day",
            mark="manual",
            basis="Named engineers on site and at the provider; escalation contacts shared.",
        )
    )
    return items
