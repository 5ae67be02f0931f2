"""Arista EOS switches: evidence to DeviceFacts.

Inputs: ``show running-config``, ``show version``, ``show qos interfaces``
(trust when the config is silent on a port), ``show lldp neighbors detail``.
Interface settings are hand-read from indentation-tree blocks (config_tree.py) (EOS syntax is
IOS-like with 3-space indents); queuing is modelled in ``eos_qos``.

EOS defaults that matter for voice: switched ports trust CoS, routed ports
trust DSCP (``qos trust`` / ``no qos trust`` override); a voice VLAN is
``switchport phone vlan N`` and only takes effect with ``switchport mode trunk
phone``. EOS has no SIP ALG. LLDP-MED voice policy advertisement is left
unknown (None): EOS does not show it in the running config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.models.facts import DeviceFacts, Port, Trust
from platforms.parsers.cisco_acl import acl_bodies, applied_rules, interface_acls, parse_object_groups
from platforms.parsers.cisco_common import (
    blocks,
    canonical,
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
from platforms.parsers.cisco_mqc import interface_attachments, parse_mqc
from platforms.parsers.cisco_show import lldp_neighbors
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.eos_qos import dscp_classes, eos_queuing
from platforms.parsers.port_merge import mark_phones


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Facts of an Arista EOS switch."""
    text = config_text(outputs)
    version = first_group(r"^Software image version:\s+(\S+)", outputs.get("show version", "")) or first_group(
        r"^! device: .*EOS-([\w.]+)", text
    )
    facts = DeviceFacts(platform="arista_eos", vendor_os_version=version)
    facts.sip_alg, facts.sip_alg_evidence = "disabled", "EOS has no SIP ALG"
    facts.evidence["sip_alg"] = facts.sip_alg_evidence
    shown_trust = show_qos_trust(outputs.get("show qos interfaces", ""))
    if text.strip():
        apply_config(facts, text, shown_trust)
    else:
        facts.parse_warnings.append("no `show running-config`: facts come from show outputs only")
    lldp_text = outputs.get("show lldp neighbors detail", "")
    facts.lldp_neighbors = lldp_neighbors("arista_eos", lldp_text, facts.parse_warnings)
    mark_phones(facts, bool(lldp_text.strip()), {})
    return facts


def apply_config(facts: DeviceFacts, text: str, shown_trust: dict[str, Trust]) -> None:
    """Fill ``facts`` from an EOS running config (or a pasted part of one)."""
    conf = parse_config(text)
    set_hostname(facts, conf, text)
    facts.vlans = vlans(conf)
    default_routed = bool(top_lines(conf, r"^switchport default mode routed"))
    whole = is_whole_config(text)
    facts.qos_config_seen = whole
    profiles = qos_profiles(conf)
    interfaces = [(name, lines, ev, profile_lines(lines, profiles)) for name, lines, ev in interface_blocks(conf)]
    # the interface's own lines win over its service-profile: first match for settings, last for tx-queues
    facts.ports = [
        port(name, lines + prof, ev, default_routed, shown_trust.get(name)) for name, lines, ev, prof in interfaces
    ]
    inherit_from_port_channels(facts.ports, {name: lines for name, lines, _, _ in interfaces})
    mqc = parse_mqc(conf)
    classes, map_evidence = dscp_classes(conf)
    policies, attachments = eos_queuing([(name, prof + lines) for name, lines, _, prof in interfaces], whole)
    facts.class_maps = mqc.class_maps + classes
    facts.policies = mqc.policies + policies
    facts.attachments = attachments + [
        a for n, lines, _, prof in interfaces for a in interface_attachments(n, lines + prof)
    ]
    facts.dscp_remarks = mqc.remarks
    facts.evidence.update(mqc.evidence)
    facts.evidence["dscp_to_queue"] = map_evidence
    applied = interface_acls([(name, lines) for name, lines, _, _ in interfaces])
    facts.firewall_rules = applied_rules(acl_bodies(conf), applied, parse_object_groups(conf))
    facts.nat_enabled = bool(conf.find_objects(r"^\s*ip nat (source|destination) "))


def qos_profiles(conf: ConfigTree) -> dict[str, list[str]]:
    """``qos profile NAME`` blocks: what ``service-profile NAME`` on an interface applies."""
    return {m.group(1): lines for m, lines, _ in blocks(conf, r"^qos profile (\S+)\s*$")}


def profile_lines(lines: list[str], profiles: dict[str, list[str]]) -> list[str]:
    """The lines an interface's ``service-profile`` brings (empty when none or unknown)."""
    m = first_match(lines, r"^service-profile (\S+)$")
    return profiles.get(m.group(1), []) if m else []


def inherit_from_port_channels(ports: list[Port], lines_of: dict[str, list[str]]) -> None:
    """A ``channel-group N`` member is configured through Port-Channel N: not a port of its own."""
    by_name = {p.name: p for p in ports}
    for member in ports:
        m = first_match(lines_of.get(member.name, []), r"^channel-group (\d+) mode")
        if m is None:
            continue
        channel = by_name.get(f"Port-Channel{m.group(1)}")
        member.mode, member.access_vlan, member.voice_vlan, member.trust = "unknown", None, None, "unknown"
        member.portfast = member.storm_control = None
        member.evidence += f"\n(member of Port-Channel{m.group(1)}: switching and QoS come from the channel" + (
            ")" if channel is not None else ", whose config is not in the file)"
        )


def port(name: str, lines: list[str], evidence: str, default_routed: bool, shown: Trust | None) -> Port:
    """One EOS interface block as a Port."""
    mode_line = first_match(lines, r"^switchport mode (access|trunk phone|trunk|routed)")
    routed = (
        bool(first_match(lines, r"^no switchport$"))
        or not re.match(r"^(Ethernet|Port-Channel)", name)
        or "." in name  # a subinterface is routed
    )
    mode = "routed" if routed or (default_routed and mode_line is None) else "access"
    if mode_line is not None and not routed:
        mode = "trunk" if mode_line.group(1) == "trunk" else "access"
    phone_mode = bool(mode_line and mode_line.group(1) == "trunk phone")
    phone_vlan = first_match(lines, r"^switchport phone vlan (\d+)$")
    access = first_match(lines, r"^switchport access vlan (\d+)$")
    if phone_mode:  # the PC's data VLAN on a phone trunk is its native VLAN
        access = first_match(lines, r"^switchport trunk native vlan (\d+)$")
    notes: list[str] = []
    if phone_vlan and not phone_mode:
        notes.append("(`switchport phone vlan` has no effect without `switchport mode trunk phone`)")
    trust, note = port_trust(name, lines, mode, shown)
    notes += [note] if note else []
    desc = first_match(lines, r"^description (.*)")
    return Port(
        name=name,
        description=desc.group(1) if desc else "",
        mode=mode,  # type: ignore[arg-type]
        access_vlan=(int(access.group(1)) if access else 1) if mode == "access" else None,
        voice_vlan=int(phone_vlan.group(1)) if phone_vlan and phone_mode and int(phone_vlan.group(1)) <= 4094 else None,
        trust=trust,
        shutdown=bool(first_match(lines, r"^shutdown$")),
        bandwidth_kbps=interface_speed_kbps(name, lines)[0],
        poe=False if first_match(lines, r"^poe disabled") else None,
        portfast=bool(first_match(lines, r"^spanning-tree portfast$")) if mode == "access" else None,
        storm_control=bool(first_match(lines, r"^storm-control ")) if mode == "access" else None,
        evidence="\n".join([evidence, *notes]),
    )


def port_trust(name: str, lines: list[str], mode: str, shown: Trust | None) -> tuple[Trust, str]:
    """Trust from ``qos trust``/``no qos trust``, else ``show qos interfaces``, else the EOS default."""
    if m := first_match(lines, r"^qos trust (dscp|cos)$"):
        return m.group(1), ""  # type: ignore[return-value]
    if first_match(lines, r"^no qos trust$"):
        return "none", ""
    if shown is not None:
        return shown, "(trust from `show qos interfaces`)"
    if not re.match(r"^(Ethernet|Port-Channel)", name):
        return "unknown", "(virtual/management interface: no port trust)"
    if mode == "routed":
        return "dscp", "(default: EOS routed ports trust DSCP)"
    return "cos", "(default: EOS switched ports trust CoS)"


def show_qos_trust(text: str) -> dict[str, Trust]:
    """``show qos interfaces``: interface -> trust mode."""
    found: dict[str, Trust] = {}
    for m in re.finditer(r"(?m)^(\S+):\s*\n\s+Trust Mode:\s*(\S+)", text):
        mode = m.group(2).upper()
        found[canonical(m.group(1))] = "dscp" if mode == "DSCP" else "cos" if mode == "COS" else "none"
    return found
