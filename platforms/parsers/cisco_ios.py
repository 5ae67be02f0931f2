"""Cisco IOS and IOS-XE (routers and Catalyst switches): evidence to DeviceFacts.

Inputs (any subset): ``show running-config`` (the source of truth),
``show version``, ``show interfaces switchport``, ``show mls qos interface``,
``show lldp neighbors detail``, ``show power inline``. ``show policy-map
interface`` holds counters only and is kept as evidence, not parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.models.facts import ClassMatch, DeviceFacts, PolicyClass, Port, QosPolicy
from platforms.parsers.cisco_acl import acl_bodies, applied_rules, parse_object_groups
from platforms.parsers.cisco_common import (
    canonical,
    config_text,
    dscp_name,
    first_group,
    interface_blocks,
    is_whole_config,
    parse_config,
    set_hostname,
    top_lines,
    vlans,
)
from platforms.parsers.cisco_mqc import parse_mqc, policy_shape_kbps
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.ios_nat import nat_facts
from platforms.parsers.ios_ports import InterfaceResult, IosContext, build_port, interface_unread
from platforms.parsers.port_merge import merge_show_outputs
from platforms.parsers.unread import warn_unread
from platforms.parsers.wan_egress import is_management, mark_wan, ports_holding

# Catalyst 2960/3560/3750 default egress map: DSCP 40-47 go to queue 1 (the expedite queue).
DEFAULT_QUEUE1_DSCP = range(40, 48)
EXPEDITE = "priority-queue out"


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Facts of a classic IOS device (Catalyst switch or ISR router)."""
    return parse_ios_family(outputs, "cisco_ios")


def parse_xe(outputs: Mapping[str, str]) -> DeviceFacts:
    """Facts of an IOS-XE device (Catalyst 9000 / 3850 switch, ISR 4000 / C8000 router)."""
    return parse_ios_family(outputs, "cisco_xe")


def parse_ios_family(outputs: Mapping[str, str], platform: str) -> DeviceFacts:
    """The shared IOS / IOS-XE parser; ``platform`` selects the defaults that differ."""
    facts = DeviceFacts(platform=platform, vendor_os_version=os_version(outputs.get("show version", "")))
    text = config_text(outputs)
    if text.strip():
        apply_config(facts, text, platform == "cisco_xe")
    else:
        facts.parse_warnings.append("no `show running-config`: facts come from show outputs only")
    merge_show_outputs(facts, outputs, "cisco_ios", "show interfaces switchport")
    return facts


def os_version(show_version: str) -> str | None:
    """``Version 15.2(7)E4`` from ``show version``'s first line."""
    return first_group(r"Cisco IOS.*?Version\s+([^\s,]+)", show_version)


def apply_config(facts: DeviceFacts, text: str, is_xe: bool) -> None:
    """Fill ``facts`` from a running config (or a pasted part of one)."""
    conf = parse_config(text)
    set_hostname(facts, conf, text)
    if not facts.vendor_os_version and (ver := top_lines(conf, r"^version\s+(\S+)")):
        facts.vendor_os_version = ver[0].group(1)
    facts.vlans = vlans(conf)
    ctx = context(conf, is_xe, is_whole_config(text))
    # A whole router config without LLQ is a definite "EF not prioritised"; a Catalyst's egress queues
    # are modelled only through `priority-queue out`, so a switch without it stays "not seen".
    facts.qos_config_seen = ctx.whole_config and not ctx.is_switch
    mqc = parse_mqc(conf)
    facts.class_maps, facts.policies, facts.dscp_remarks = mqc.class_maps, mqc.policies, mqc.remarks
    facts.evidence.update(mqc.evidence)
    interfaces = interface_blocks(conf)
    results = [build_port(name, lines, ev, ctx) for name, lines, ev in interfaces]
    facts.ports = [r.port for r in results]
    mark_default_route_egress(conf, interfaces, {p.name: p for p in facts.ports})
    facts.attachments = [a for r in results for a in r.attachments]
    if ctx.mls_qos and not is_xe and any(a.policy == EXPEDITE for a in facts.attachments):
        add_expedite_queue(facts, conf)
    policies = {p.name: p for p in facts.policies}
    ports = {p.name: p for p in facts.ports}
    untrust_remarked_ports(facts, policies, ports)
    for att in facts.attachments:
        shape = policy_shape_kbps(policies.get(att.policy))
        port = ports.get(att.interface)
        if att.direction == "output" and shape and port is not None:
            port.shape_kbps = shape
    groups = parse_object_groups(conf)
    facts.firewall_rules = applied_rules(acl_bodies(conf), _acls(results), groups)
    nat_facts(facts, conf)
    ports_unread = ((f"interface {name}", interface_unread(lines)) for name, lines, _ in interfaces)
    warn_unread(facts, [*mqc.unread, *ports_unread])


def untrust_remarked_ports(facts: DeviceFacts, policies: dict[str, QosPolicy], ports: dict[str, Port]) -> None:
    """A port whose input policy re-marks class-default does not trust the markings it receives."""
    for att in facts.attachments:
        policy = policies.get(att.policy)
        if att.direction != "input" or policy is None:
            continue
        remark = next((c.set_dscp for c in policy.classes if c.name == "class-default" and c.set_dscp), None)
        port = ports.get(att.interface)
        if remark and port is not None and port.mode in ("access", "trunk"):
            port.trust, port.trust_device_phone = "none", False
            port.evidence += f"\n(input policy {policy.name} sets DSCP {remark} on class-default: markings not trusted)"


def _acls(results: list[InterfaceResult]) -> list[tuple[str, str]]:
    return [a for r in results for a in r.acls]


def mark_default_route_egress(
    conf: ConfigTree, interfaces: list[tuple[str, list[str], str]], ports: dict[str, Port]
) -> None:
    """The interfaces default routes leave by face a provider: WAN egresses.

    Floating (``... Dialer1 250``), tracked and front-door VRF (``ip route vrf INET2 0.0.0.0 ...``) defaults
    count too: a dual-WAN site's backup link is one of them.
    """
    addresses = [
        (name, f"{m.group(1)}/{m.group(2)}")
        for name, lines, _ in interfaces
        for m in (re.match(r"^ip address (\d+\.\d+\.\d+\.\d+) (\d+\.\d+\.\d+\.\d+)", line) for line in lines)
        if m
    ]
    for route in top_lines(conf, r"^ip route (?:vrf (\S+) )?0\.0\.0\.0 0\.0\.0\.0 (\S+)"):
        vrf, target = route.group(1) or "", route.group(2)
        if is_management(vrf) or is_management(target):
            continue
        names = [canonical(target)] if target[:1].isalpha() else ports_holding(target, addresses)
        for port in (ports[n] for n in names if n in ports):
            mark_wan(port, f"a default route leaves here: {route.group(0)}")


def context(conf: ConfigTree, is_xe: bool, whole_config: bool) -> IosContext:
    """Device-wide defaults that interface parsing needs."""
    return IosContext(
        is_xe=is_xe,
        whole_config=whole_config,
        is_switch=bool(conf.find_objects(r"^\s+switchport")),
        mls_qos=bool(top_lines(conf, r"^mls qos$")),
        portfast_default=bool(top_lines(conf, r"^spanning-tree portfast (edge )?default")),
        lldp_run=bool(top_lines(conf, r"^lldp run")),
    )


def add_expedite_queue(facts: DeviceFacts, conf: ConfigTree) -> None:
    """Model Catalyst ``priority-queue out`` as a strict-priority class fed by queue 1's DSCPs."""
    queue_of = {d: 1 for d in DEFAULT_QUEUE1_DSCP}
    lines = [m.group(0) for m in top_lines(conf, r"^mls qos srr-queue output dscp-map queue (\d) threshold \d (.+)")]
    for line in lines:
        m = re.match(r"^mls qos srr-queue output dscp-map queue (\d) threshold \d (.+)", line)
        if m is None:
            continue
        for value in m.group(2).split():
            if value.isdecimal() and int(value) < 64:
                queue_of[int(value)] = int(m.group(1))
    dscps = [dscp_name(str(d)) for d in sorted(queue_of) if queue_of[d] == 1]
    facts.class_maps.append(ClassMatch(name="expedite-queue-1", match_dscp=dscps))
    facts.policies.append(QosPolicy(name=EXPEDITE, classes=[PolicyClass(name="expedite-queue-1", priority=True)]))
    facts.evidence["expedite-queue-1"] = (
        "\n".join(lines or ["(default Catalyst egress map: DSCP 40-47 to queue 1)"])
        + "\n`priority-queue out` makes egress queue 1 strict priority"
    )
