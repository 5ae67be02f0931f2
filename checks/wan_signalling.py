"""WAN QoS: SIP signalling (CS3/AF31) has its own guaranteed class."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import na, wan_ports
from checks.platforms import WAN_QOS
from checks.qos import EF_NAMES, SIGNALLING_NAMES, dscp_aliases, flatten, output_policy, qos_evidence
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts


class SignallingClassOnWan(DeviceRule):
    """SIP signalling has its own bandwidth class on the WAN egress.

    What it does:
        Looks in each WAN output policy for a class matching the plan's signalling DSCP
        (CS3 or AF31) with a bandwidth guarantee, separate from the EF priority class.
    Why it matters:
        Signalling left in class-default is dropped under congestion: calls fail to set
        up, re-INVITEs and BYEs are lost, registrations expire while media still flows.
    Example:
        policy-map WAN-EDGE / class VOICE / priority 2000 / class class-default / fair-queue
    Fix:
        class-map SIGNALLING / match dscp cs3 af31 ; policy-map WAN-EDGE / class SIGNALLING / bandwidth percent 5
    """

    id = "VQ206"
    title = "Signalling CS3/AF31 in its own class"
    severity = Severity.MEDIUM
    category = Category.WAN_QOS
    rationale = "Signalling in class-default is dropped under load: calls fail to set up and registrations expire."
    platforms = WAN_QOS
    remediation = "Give SIP signalling (DSCP CS3/AF31) its own class with a small bandwidth guarantee on the WAN."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        wanted = {*SIGNALLING_NAMES, *dscp_aliases(ctx.voice.dscp_signalling)}
        ports = wan_ports(facts)
        if not ports:
            yield na("no WAN interface on this device")
        for port in ports:
            policy = output_policy(facts, port)
            evidence = qos_evidence(facts, port)
            if policy is None:
                yield Outcome(
                    Status.FAIL,
                    f"{port.name}: no output QoS policy, signalling unprotected",
                    evidence,
                    subjects=(port.name,),
                )
                continue
            sig = [qc for qc in flatten(facts, policy) if wanted & set(qc.matches)]
            own = [qc for qc in sig if not any(m in EF_NAMES for m in qc.matches)]
            guaranteed = [qc for qc in own if qc.cls.bandwidth_kbps or qc.cls.bandwidth_pct or qc.cls.priority]
            if not sig:
                yield Outcome(
                    Status.FAIL,
                    f"{port.name}: no class matches signalling {sorted(wanted)}",
                    evidence,
                    subjects=(port.name,),
                )
            elif not own:
                yield Outcome(
                    Status.WARN,
                    f"{port.name}: signalling shares the EF priority class",
                    evidence,
                    subjects=(port.name,),
                )
            elif not guaranteed:
                yield Outcome(
                    Status.WARN,
                    f"{port.name}: signalling class {own[0].cls.name} has no guarantee",
                    evidence,
                    subjects=(port.name,),
                )
            else:
                yield Outcome(Status.PASS, f"{port.name}: signalling in class {guaranteed[0].cls.name}", evidence)
