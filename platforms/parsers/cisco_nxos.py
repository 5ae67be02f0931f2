"""Cisco NX-OS (Nexus) switches: evidence to DeviceFacts.

Inputs: ``show running-config``, ``show version``, ``show interface
switchport`` (ntc-templates), ``show lldp neighbors detail`` (ntc-templates).
Interface settings are hand-read from indentation-tree blocks (config_tree.py); QoS is modelled
in ``nxos_qos`` because NX-OS has no per-port trust: classification policies
decide what a DSCP means. NX-OS has no SIP ALG.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.models.facts import DeviceFacts, PolicyAttachment, Port, Trust
from platforms.parsers.cisco_acl import acl_bodies, applied_rules, interface_acls, parse_object_groups
from platforms.parsers.cisco_common import (
    blocks,
    config_text,
    first_group,
    first_match,
    interface_blocks,
    interface_speed_kbps,
    is_whole_config,
    parse_config,
    set_hostname,
    top_lines,
    vlans,
)
from platforms.parsers.cisco_mqc import Mqc, interface_attachments, parse_mqc
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.nxos_qos import qos_group_dscps, queuing_classes, system_queuing
from platforms.parsers.port_merge import merge_show_outputs

PHYSICAL = re.compile(r"^(Ethernet|port-channel|Port-channel)")


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Facts of a Nexus switch."""
    version = first_group(r"^\s*(?:NXOS|system):\s+version\s+(\S+)", outputs.get("show version", ""))
    facts = DeviceFacts(platform="cisco_nxos", vendor_os_version=version)
    facts.sip_alg, facts.sip_alg_evidence = "disabled", "NX-OS has no SIP ALG"
    facts.evidence["sip_alg"] = facts.sip_alg_evidence
    text = config_text(outputs)
    if text.strip():
        apply_config(facts, text)
    else:
        facts.parse_warnings.append("no `show running-config`: facts come from show outputs only")
    merge_show_outputs(facts, outputs, "cisco_nxos", "show interface switchport")
    return facts


def apply_config(facts: DeviceFacts, text: str) -> None:
    """Fill ``facts`` from an NX-OS running config (or a pasted part of one)."""
    conf = parse_config(text)
    set_hostname(facts, conf, text)
    facts.vendor_os_version = facts.vendor_os_version or first_group(r"^version\s+(\S+)", "\n".join(
        m.group(0) for m in top_lines(conf, r"^version\s+\S+")
    ))  # fmt: skip
    facts.vlans = vlans(conf)
    mqc = parse_mqc(conf)
    interfaces = interface_blocks(conf)
    system_lines = [line for _, lines, _ in blocks(conf, r"^system qos\s*$") for line in lines]
    attachments = [a for name, lines, _ in interfaces for a in interface_attachments(name, lines)]
    applied_qos = {a.policy for a in attachments if a.direction == "input"}
    default_switchport = bool(top_lines(conf, r"^system default switchport$"))
    facts.ports = [
        port(name, lines, ev, default_switchport, _input_trust(mqc, attachments, name))
        for name, lines, ev in interfaces
    ]
    policies, system_att, note = system_queuing(system_lines, mqc, is_whole_config(text))
    facts.qos_config_seen = is_whole_config(text)
    facts.class_maps = mqc.class_maps + queuing_classes(mqc, qos_group_dscps(mqc, applied_qos))
    facts.policies = mqc.policies + policies
    facts.attachments = attachments + system_att
    facts.dscp_remarks = mqc.remarks
    facts.evidence.update(mqc.evidence)
    facts.evidence["queuing"] = note
    applied = interface_acls([(name, lines) for name, lines, _ in interfaces])
    facts.firewall_rules = applied_rules(acl_bodies(conf), applied, parse_object_groups(conf))
    nat(facts, conf)


def _input_trust(mqc: Mqc, attachments: list[PolicyAttachment], name: str) -> Trust:
    """dscp/cos when an input ``type qos`` policy on the port classifies on it, else none."""
    matches = {c.name: c for c in mqc.class_maps}
    for att in attachments:
        if att.interface != name or att.direction != "input":
            continue
        for policy in (p for p in mqc.policies if p.name == att.policy):
            classes = [matches[c.name] for c in policy.classes if c.name in matches]
            if any(c.match_dscp for c in classes):
                return "dscp"
            if any(o.startswith("cos") for c in classes for o in c.match_other):
                return "cos"
    return "none"


def port(name: str, lines: list[str], evidence: str, default_switchport: bool, trust: Trust) -> Port:
    """One NX-OS interface block as a Port."""
    switched = bool(first_match(lines, r"^switchport( |$)")) or (
        default_switchport and not first_match(lines, r"^no switchport")
    )
    mode = "routed"
    if PHYSICAL.match(name) and switched:
        trunk = first_match(lines, r"^switchport mode trunk")
        mode = "trunk" if trunk else "access"
    access = first_match(lines, r"^switchport access vlan (\d+)$")
    voice = first_match(lines, r"^switchport voice vlan (\d+)$")
    desc = first_match(lines, r"^description (.*)")
    nat_side = first_match(lines, r"^ip nat (inside|outside)$")
    virtual = not PHYSICAL.match(name)
    note = (
        "(virtual interface: no port classification)"
        if virtual
        else "(NX-OS: no input `type qos` policy, so every packet is qos-group 0 (q-default) whatever its DSCP)"
        if trust == "none"
        else "(classified by the input `type qos` policy)"
    )
    return Port(
        name=name,
        description=desc.group(1) if desc else "",
        mode=mode,  # type: ignore[arg-type]
        access_vlan=(int(access.group(1)) if access else 1) if mode == "access" else None,
        voice_vlan=int(voice.group(1)) if voice and int(voice.group(1)) <= 4094 else None,
        trust="unknown" if virtual else trust,
        shutdown=bool(first_match(lines, r"^shutdown$")),
        bandwidth_kbps=interface_speed_kbps(name, lines)[0],
        nat_side=nat_side.group(1) if nat_side else None,  # type: ignore[arg-type]
        is_wan=bool(nat_side and nat_side.group(1) == "outside"),
        portfast=bool(first_match(lines, r"^spanning-tree port type edge(?! trunk)")) if mode == "access" else None,
        storm_control=bool(first_match(lines, r"^storm-control ")) if mode == "access" else None,
        evidence="\n".join([evidence, note]),
    )


def nat(facts: DeviceFacts, conf: ConfigTree) -> None:
    """NAT presence and an explicit UDP translation timeout (no default assumed on NX-OS)."""
    rules = [m.group(0) for m in top_lines(conf, r"^ip nat (inside|outside) source .*")]
    facts.nat_enabled = bool(rules) and any(p.nat_side == "outside" for p in facts.ports)
    facts.evidence["nat_enabled"] = "\n".join(rules) or "no `ip nat ... source` rule"
    if found := top_lines(conf, r"^ip nat translation udp-timeout (\d{1,9})$"):
        facts.udp_timeout_s = int(found[0].group(1))
        facts.evidence["udp_timeout_s"] = found[0].group(0)
