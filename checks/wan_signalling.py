"""WAN QoS: SIP signalling (CS3/AF31) has its own guaranteed class."""

from __future__ import annotations

from collections.abc import Iterator

from assess.models.common import Category, Severity, Status
from assess.models.facts import DeviceFacts
from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import na, wan_ports
from checks.platforms import WAN_QOS
from checks.qos import EF_NAMES, SIGNALLING_NAMES, dscp_aliases, flatten, output_policy, qos_evidence


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
    remediation = {
        "cisco_ios": "class-map match-any SIGNALLING\n match dscp cs3 af31\npolicy-map WAN-EDGE\n class SIGNALLING\n"
        "  bandwidth percent 5",
        "cisco_xe": "class-map match-any SIGNALLING\n match dscp cs3 af31\npolicy-map WAN-EDGE\n class SIGNALLING\n"
        "  bandwidth remaining percent 5",
        "juniper_junos": "set class-of-service schedulers SIG-SCHED transmit-rate percent 5\n"
        "set class-of-service scheduler-maps WAN forwarding-class network-control scheduler SIG-SCHED\n"
        "set class-of-service classifiers dscp WAN forwarding-class network-control loss-priority low "
        "code-points [ cs3 af31 ]",
        "arista_eos": "qos map dscp 24 26 to traffic-class 4\ninterface Ethernet1\n tx-queue 4\n"
        "  bandwidth guaranteed percent 5",
        "fortinet": "config firewall shaping-profile\n edit WAN-QOS\n  config shaping-entries\n   edit 2\n"
        "    set class-id 3\n    set priority high\n    set guaranteed-bandwidth-percentage 5\n   next\n  end\n"
        " next\nend",
        "paloalto_panos": "set network qos profile VOICE class class2 priority high "
        "class-bandwidth egress-guaranteed 5\n"
        "set rulebase qos rules SIP dscp-tos codepoints CS3 type cs codepoint cs3 action class 2",
        "mikrotik_routeros": "/ip firewall mangle add chain=postrouting dscp=24 action=mark-packet "
        "new-packet-mark=sip passthrough=no\n/queue tree add name=sip parent=ether1 packet-mark=sip priority=2 "
        "limit-at=256k",
        "linux": "tc class add dev eth0 parent 1: classid 1:15 htb rate 256kbit ceil 1mbit prio 1\n"
        "tc filter add dev eth0 parent 1: protocol ip prio 2 u32 match ip dsfield 0x60 0xfc flowid 1:15",
        "generic": "Give SIP signalling (DSCP CS3/AF31) its own class with a small bandwidth guarantee on the WAN.",
    }

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        wanted = {*SIGNALLING_NAMES, *dscp_aliases(ctx.voice.dscp_signalling)}
        ports = wan_ports(facts)
        if not ports:
            yield na("no WAN interface on this device")
        for port in ports:
            policy = output_policy(facts, port)
            evidence = qos_evidence(facts, port)
            if policy is None:
                yield Outcome(Status.FAIL, f"{port.name}: no output QoS policy, signalling unprotected", evidence)
                continue
            sig = [qc for qc in flatten(facts, policy) if wanted & set(qc.matches)]
            own = [qc for qc in sig if not any(m in EF_NAMES for m in qc.matches)]
            guaranteed = [qc for qc in own if qc.cls.bandwidth_kbps or qc.cls.bandwidth_pct or qc.cls.priority]
            if not sig:
                yield Outcome(Status.FAIL, f"{port.name}: no class matches signalling {sorted(wanted)}", evidence)
            elif not own:
                yield Outcome(Status.WARN, f"{port.name}: signalling shares the EF priority class", evidence)
            elif not guaranteed:
                yield Outcome(
                    Status.WARN, f"{port.name}: signalling class {own[0].cls.name} has no guarantee", evidence
                )
            else:
                yield Outcome(Status.PASS, f"{port.name}: signalling in class {guaranteed[0].cls.name}", evidence)
