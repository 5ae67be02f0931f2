"""WAN QoS: EF reaches a strict-priority queue on every WAN egress, sized for the plan."""

from __future__ import annotations

from collections.abc import Iterator

from assess.models.common import Category, Severity, Status
from assess.models.facts import DeviceFacts
from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import link_for_port, na, names, same_interface, wan_ports
from checks.platforms import WAN_QOS
from checks.qos import EF_NAMES, ef_queue, egress_rate_kbps, flatten, output_policy, qos_evidence, queue_size_kbps
from checks.voice_load import peak_voice_kbps, per_call_kbps

MAX_PRIORITY_SHARE = 0.33  # Cisco QoS SRND: strict priority at most ~33 % of the link

LLQ_FIX: dict[str, str] = {
    "cisco_ios": "class-map match-any VOICE\n match dscp ef\npolicy-map WAN-EDGE\n class VOICE\n  priority {size}\n"
    " class class-default\n  fair-queue\ninterface GigabitEthernet0/0\n service-policy output WAN-EDGE",
    "cisco_xe": "class-map match-any VOICE\n match dscp ef\npolicy-map WAN-EDGE\n class VOICE\n  priority {size}\n"
    " class class-default\n  fair-queue\ninterface GigabitEthernet0/0/0\n service-policy output WAN-EDGE",
    "juniper_junos": "set class-of-service schedulers EF-SCHED priority strict-high transmit-rate {pct} percent\n"
    "set class-of-service scheduler-maps WAN forwarding-class expedited-forwarding scheduler EF-SCHED\n"
    "set class-of-service interfaces ge-0/0/0 scheduler-map WAN",
    "arista_eos": "qos map dscp 46 to traffic-class 5\ninterface Ethernet1\n tx-queue 5\n  priority strict\n"
    "  shape rate {pct} percent",
    "fortinet": "config firewall shaping-profile\n edit WAN-QOS\n  config shaping-entries\n   edit 1\n"
    "    set class-id 2\n    set priority top\n    set guaranteed-bandwidth-percentage {pct}\n"
    "    set maximum-bandwidth-percentage 33\n   next\n  end\n next\nend\n"
    "config system interface\n edit wan1\n  set egress-shaping-profile WAN-QOS\n next\nend",
    "paloalto_panos": "set network qos profile VOICE class-bandwidth-type percentage class class1 priority real-time "
    "class-bandwidth egress-guaranteed {pct} egress-max 33\n"
    "set network qos interface ethernet1/1 enabled yes regular-traffic default-group qos-profile VOICE\n"
    "set rulebase qos rules VOICE-EF dscp-tos codepoints EF type ef codepoint ef action class 1",
    "mikrotik_routeros": "/ip firewall mangle add chain=postrouting dscp=46 action=mark-packet "
    "new-packet-mark=voice passthrough=no\n/queue tree add name=voice parent=ether1 packet-mark=voice "
    "priority=1 limit-at={size} max-limit={size}",
    "linux": "tc qdisc replace dev eth0 root handle 1: htb default 20\n"
    "tc class add dev eth0 parent 1: classid 1:10 htb rate {size} ceil {size} prio 0\n"
    "tc filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
}


def llq_fix(size: str, pct: str, generic: str) -> dict[str, str]:
    """The strict-priority recipe per platform with a size filled in."""
    fixes = {k: v.format(size=size, pct=pct) for k, v in LLQ_FIX.items()}
    return {**fixes, "generic": generic}


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
    remediation = {
        **llq_fix("percent 30", "30", "Put DSCP EF into a strict-priority queue on every WAN interface."),
        "cisco_asa": "class-map VOICE-EF\n match dscp ef\npolicy-map OUTSIDE-QOS\n class VOICE-EF\n  priority\n"
        "service-policy OUTSIDE-QOS interface outside\npriority-queue outside",
    }

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = wan_ports(facts)
        if not ports:
            yield na("no WAN interface on this device")
            return
        egresses = facts.ef_priority_egresses()
        missing = [p for p in ports if not any(same_interface(e, p.name) for e in egresses)]
        evidence = "\n".join(qos_evidence(facts, p) for p in (missing or ports))
        if missing:
            yield Outcome(Status.FAIL, f"EF not in a priority queue on WAN egress {names(missing)}", evidence)
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
    remediation = llq_fix(
        "<peak calls x per-call kbps>",
        "<peak load % of link>",
        "Size the EF priority queue to at least peak calls x per-call bandwidth (e.g. 87.2 kbit/s G.711/20 ms).",
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
    remediation = llq_fix("percent 33", "33", "Limit the strict-priority queue to about 33 % of the link rate.")

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
                yield Outcome(Status.WARN, f"{port.name}: strict-priority queue has no rate limit", evidence)
            elif size is None or not rate:
                yield Outcome(Status.UNKNOWN, f"{port.name}: egress rate unknown, cannot size the queue", evidence)
            elif size > MAX_PRIORITY_SHARE * rate * 1.001:
                yield Outcome(Status.WARN, f"{port.name}: priority queue {100 * size / rate:.0f} % of link", evidence)
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
    remediation = {
        "cisco_ios": "interface GigabitEthernet0/0\n service-policy output WAN-EDGE",
        "cisco_xe": "interface GigabitEthernet0/0/0\n service-policy output WAN-EDGE",
        "juniper_junos": "set class-of-service interfaces ge-0/0/0 scheduler-map WAN",
        "arista_eos": "interface Ethernet1\n service-policy type qos input VOICE-MARK",
        "fortinet": "config system interface\n edit wan1\n  set egress-shaping-profile WAN-QOS\n next\nend",
        "paloalto_panos": "set network qos interface ethernet1/1 enabled yes regular-traffic default-group "
        "qos-profile VOICE",
        "mikrotik_routeros": "/queue tree set [find name=voice] parent=ether1",
        "linux": "tc qdisc replace dev eth0 root handle 1: htb default 20   # and re-add the voice class/filter",
        "generic": "Attach the voice QoS policy outbound on the WAN interface(s).",
    }

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
            yield Outcome(Status.FAIL, f"priority policy {', '.join(idle)} is not attached anywhere", evidence)
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
    remediation = {
        "cisco_ios": "class-map match-any VOICE\n no match dscp af41\n match dscp ef",
        "cisco_xe": "class-map match-any VOICE\n no match dscp af41\n match dscp ef",
        "juniper_junos": "set class-of-service classifiers dscp WAN forwarding-class expedited-forwarding "
        "loss-priority low code-points ef   # map af41 to its own class",
        "arista_eos": "qos map dscp 46 to traffic-class 5\nqos map dscp 34 to traffic-class 4",
        "fortinet": "config firewall shaping-policy\n edit 1\n  set tos 0xb8\n  set tos-mask 0xfc\n"
        "  set class-id 2\n next\nend",
        "paloalto_panos": "set rulebase qos rules VOICE-EF dscp-tos codepoints EF type ef codepoint ef action class 1",
        "mikrotik_routeros": "/ip firewall mangle set [find new-packet-mark=voice] dscp=46",
        "linux": "tc filter replace dev eth0 parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
        "generic": "Match only DSCP EF (46) into the strict-priority queue; give video and signalling own classes.",
    }

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
                Status.WARN, f"priority class(es) carry more than EF: {', '.join(cm.name for cm in mixed)}", evidence
            )
        else:
            yield Outcome(Status.PASS, "priority classes carry voice media only", evidence)
