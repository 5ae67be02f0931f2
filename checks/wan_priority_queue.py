"""WAN QoS: EF reaches a strict-priority queue on every WAN egress, sized for the plan."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import link_for_port, na, names, port_names, same_interface, wan_ports
from checks.platforms import WAN_QOS
from checks.qos import EF_NAMES, ef_queue, egress_rate_kbps, flatten, output_policy, qos_evidence, queue_size_kbps
from checks.voice_load import peak_voice_kbps, per_call_kbps
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts

MAX_PRIORITY_SHARE = 0.33  # Cisco QoS SRND: strict priority at most ~33 % of the link


class EfPriorityOnWanEgress(DeviceRule):
    """EF reaches a strict-priority queue on every WAN egress.

    What it does:
        For every WAN interface, checks the output QoS policy puts DSCP EF (46) into a
        strict-priority (LLQ) class, directly or in a child policy.
    Why it matters:
        The WAN edge is where voice meets congestion: without a priority queue a single
        upload fills the buffer and every call gets jitter and loss.
    Example:
        interface Gi0/0 (WAN)   (no service-policy output, or EF only in class-default)
    Fix:
        policy-map WAN-EDGE / class VOICE / priority percent 30 ; service-policy output WAN-EDGE
    """

    id = "VQ201"
    title = "EF in a strict-priority queue on every WAN egress"
    severity = Severity.CRITICAL
    category = Category.WAN_QOS
    rationale = "Without a priority queue at the WAN edge any upload makes voice jitter and drop."
    platforms = (*WAN_QOS, "cisco_asa")
    remediation = "Put DSCP EF into a strict-priority queue on every WAN interface."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = wan_ports(facts)
        if not ports:
            yield na("no WAN interface on this device")
            return
        egresses = facts.ef_priority_egresses()
        missing = [p for p in ports if not any(same_interface(e, p.name) for e in egresses)]
        evidence = "\n".join(qos_evidence(facts, p) for p in (missing or ports))
        if missing:
            yield Outcome(
                Status.FAIL,
                f"EF not in a priority queue on WAN egress {names(missing)}",
                evidence,
                subjects=port_names(missing),
            )
        else:
            yield Outcome(Status.PASS, f"EF prioritised on all {len(ports)} WAN egress(es)", evidence)


class PriorityQueueFitsPeakCalls(DeviceRule):
    """The priority queue holds the plan's peak calls.

    What it does:
        Compares the EF priority queue size (kbit/s, or percent of the shaped/contracted
        rate) with peak calls × per-call bandwidth of the plan's codec and ptime.
    Why it matters:
        LLQ polices its class under congestion: call N+1 beyond the queue size makes
        every call in the queue lose packets, not just the new one.
    Example:
        priority 256   (20 calls × 87.2 kbit/s G.711 = 1744 kbit/s needed)
    Fix:
        priority 2000 (or priority percent large enough for the peak calls)
    """

    id = "VQ202"
    title = "Priority queue large enough for peak calls"
    severity = Severity.HIGH
    category = Category.WAN_QOS
    rationale = "A priority queue smaller than the peak voice load drops packets of every active call."
    platforms = WAN_QOS
    remediation = (
        "Size the EF priority queue to at least peak calls x per-call bandwidth (e.g. 87.2 kbit/s G.711/20 ms)."
    )

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        for port in wan_ports(facts):
            policy = output_policy(facts, port)
            queue = ef_queue(facts, policy) if policy else None
            if queue is None:
                yield Outcome(Status.NA, f"{port.name}: no EF priority queue (see VQ201)", qos_evidence(facts, port))
                continue
            link = link_for_port(port, ctx, facts)
            need = peak_voice_kbps(ctx.voice, link)
            size = queue_size_kbps(queue, egress_rate_kbps(facts, port, link))
            per_call = per_call_kbps(ctx.voice, link.link_type if link else "ethernet")
            evidence = (
                f"{qos_evidence(facts, port)}\nneed {ctx.voice.peak_calls} calls x {per_call} kbit/s = {need:.0f}"
            )
            if size is None and (queue.cls.priority_pct is not None or queue.cls.bandwidth_pct is not None):
                yield Outcome(Status.UNKNOWN, f"{port.name}: priority queue in percent of an unknown rate", evidence)
            elif size is None:
                yield Outcome(Status.PASS, f"{port.name}: priority queue not rate-limited (fits {need:.0f})", evidence)
            elif size < need:
                calls = int(size // per_call)
                yield Outcome(
                    Status.FAIL,
                    f"{port.name}: priority queue {size:.0f} kbit/s < {need:.0f} kbit/s for "
                    f"{ctx.voice.peak_calls} calls (fits {calls})",
                    evidence,
                    subjects=(port.name,),
                )
            else:
                yield Outcome(Status.PASS, f"{port.name}: priority queue {size:.0f} >= {need:.0f} kbit/s", evidence)


class PriorityQueueNotOversized(DeviceRule):
    """The strict-priority queue is bounded to about a third of the link.

    What it does:
        Checks the EF priority queue is limited and at most ~33 % of the egress rate.
    Why it matters:
        A strict-priority queue is served first: unbounded or oversized, it can starve
        signalling, routing protocols and business traffic (and mis-marked traffic abuses it).
    Example:
        priority percent 80   or   priority (no rate)
    Fix:
        priority percent 33 (move video/other traffic to bandwidth classes)
    """

    id = "VQ203"
    title = "Priority queue at most a third of the link"
    severity = Severity.MEDIUM
    category = Category.WAN_QOS
    rationale = "An unbounded or oversized priority queue starves every other class, signalling included."
    platforms = WAN_QOS
    remediation = "Limit the strict-priority queue to about 33 % of the link rate."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        for port in wan_ports(facts):
            policy = output_policy(facts, port)
            queue = ef_queue(facts, policy) if policy else None
            if queue is None:
                yield Outcome(Status.NA, f"{port.name}: no EF priority queue (see VQ201)", qos_evidence(facts, port))
                continue
            rate = egress_rate_kbps(facts, port, link_for_port(port, ctx, facts))
            size = queue_size_kbps(queue, rate)
            evidence = f"{qos_evidence(facts, port)}\negress rate {rate or '?'} kbit/s"
            if size is None and queue.cls.priority_pct is None:
                yield Outcome(
                    Status.WARN,
                    f"{port.name}: strict-priority queue has no rate limit",
                    evidence,
                    subjects=(port.name,),
                )
            elif size is None or not rate:
                yield Outcome(Status.UNKNOWN, f"{port.name}: egress rate unknown, cannot size the queue", evidence)
            elif size > MAX_PRIORITY_SHARE * rate * 1.001:
                yield Outcome(
                    Status.WARN,
                    f"{port.name}: priority queue {100 * size / rate:.0f} % of link",
                    evidence,
                    subjects=(port.name,),
                )
            else:
                yield Outcome(Status.PASS, f"{port.name}: priority queue {100 * size / rate:.0f} % of link", evidence)


class QosPolicyAttached(DeviceRule):
    """A voice QoS policy that exists is also applied.

    What it does:
        Flags policies with a strict-priority class that are attached to no interface.
    Why it matters:
        A policy-map written but never applied (or removed during a change) looks right
        in a config review and does nothing; it is one of the commonest audit findings.
    Example:
        policy-map WAN-EDGE / class VOICE / priority 2000   (no service-policy anywhere)
    Fix:
        interface Gi0/0 / service-policy output WAN-EDGE
    """

    id = "VQ204"
    title = "Voice QoS policy is applied to an interface"
    severity = Severity.HIGH
    category = Category.WAN_QOS
    rationale = "A priority policy that is defined but not attached gives voice no protection at all."
    platforms = WAN_QOS
    remediation = "Attach the voice QoS policy outbound on the WAN interface(s)."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        voice = [p for p in facts.policies if any(c.priority for c in p.classes)]
        if not voice:
            yield na("no policy with a priority class")
            return
        attached = {a.policy for a in facts.attachments}
        children = {c.child_policy for p in facts.policies for c in p.classes if c.child_policy}
        idle = [p.name for p in voice if p.name not in attached and p.name not in children]
        evidence = "\n".join(f"{a.interface}: {a.direction} {a.policy}" for a in facts.attachments) or "(none attached)"
        if idle:
            yield Outcome(
                Status.FAIL,
                f"priority policy {', '.join(idle)} is not attached anywhere",
                evidence,
                subjects=tuple(idle),
            )
        else:
            yield Outcome(Status.PASS, "every priority policy is attached", evidence)


class PriorityQueueOnlyVoice(DeviceRule):
    """The strict-priority queue carries only voice media.

    What it does:
        Flags priority classes that also match DSCP values other than EF (video AF41,
        signalling CS3, any traffic).
    Why it matters:
        Video and bulk traffic in the voice priority queue are bursty; they add delay
        to the voice packets behind them and exhaust the queue's policer.
    Example:
        class-map match-any VOICE / match dscp ef af41   → priority
    Fix:
        class-map VOICE / match dscp ef  (video in its own bandwidth class)
    """

    id = "VQ205"
    title = "Only voice media in the priority queue"
    severity = Severity.MEDIUM
    category = Category.WAN_QOS
    rationale = "Bursty video or data in the priority queue delays voice and trips the LLQ policer."
    platforms = WAN_QOS
    remediation = "Match only DSCP EF (46) into the strict-priority queue; give video and signalling own classes."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        media = (*EF_NAMES, ctx.voice.dscp_media.lower())
        maps = {cm.name: cm for cm in facts.class_maps}
        # only WAN egress queues: switch hardware queues (e.g. DSCP 40-47 to the expedite queue) are platform defaults
        wan = [pol for port in wan_ports(facts) if (pol := output_policy(facts, port)) is not None]
        prio = [maps[q.cls.name] for pol in wan for q in flatten(facts, pol) if q.cls.priority and q.cls.name in maps]
        if not prio:
            yield na("no priority class on a WAN egress")
            return
        mixed = [
            cm
            for cm in prio
            if any(d.lower() not in media for d in cm.match_dscp) or any(o.lower() == "any" for o in cm.match_other)
        ]
        evidence = "\n".join(
            f"class {cm.name}: match {' '.join([*cm.match_dscp, *cm.match_other]) or '(nothing)'}" for cm in prio
        )
        if mixed:
            yield Outcome(
                Status.WARN,
                f"priority class(es) carry more than EF: {', '.join(cm.name for cm in mixed)}",
                evidence,
                subjects=tuple(cm.name for cm in mixed),
            )
        else:
            yield Outcome(Status.PASS, "priority classes carry voice media only", evidence)
