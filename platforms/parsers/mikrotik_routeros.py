"""MikroTik RouterOS ``/export verbose`` (or ``/export``) to DeviceFacts.

RouterOS has no voice-VLAN setting: a VLAN counts as the voice VLAN when LLDP-MED
advertises it (``lldp-med-net-policy-vlan``) or its VLAN interface or bridge
VLAN entry is named/commented voice, voip or phone; ports that carry it tagged
next to an untagged data PVID are its voice ports. Destination-NAT port
forwards are reported as permit rules (the default firewall accepts
dst-NATed connections).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.models.facts import DeviceFacts, Port, Vlan
from platforms.mikrotik_routeros import PLATFORM as UNIT
from platforms.parsers import mikrotik_firewall, mikrotik_qos
from platforms.parsers.common import add_evidence, duration_s, pick_output, status_field, vlan_ids
from platforms.parsers.routeros_export import (
    RosCommand,
    in_menu,
    is_whole_export,
    load_export,
    looks_like_routeros,
    routeros_version,
)
from platforms.parsers.wan_egress import mark_wan, ports_holding

PLATFORM = "mikrotik_routeros"
CONFIG_COMMANDS = UNIT.config_outputs
_VOICE_WORDS = re.compile(r"\b(voice|voip)\b", re.I)
# RouterOS' udp-stream-timeout default (3m in v6 and v7): the timer of every UDP flow that saw a reply.
DEFAULT_UDP_STREAM_TIMEOUT_S = 180


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """RouterOS evidence -> DeviceFacts."""
    _, text = pick_output(outputs, CONFIG_COMMANDS, looks_like_routeros, "RouterOS export")
    commands = load_export(text)
    whole = is_whole_export(text)
    queues_seen = any(c.menu.startswith("queue") or c.menu == "ip firewall mangle" for c in commands)
    facts = DeviceFacts(platform=PLATFORM, qos_config_seen=whole or queues_seen)
    identity = in_menu(commands, "system identity")
    facts.hostname = identity[0].get("name") or None if identity else None
    version = routeros_version(text) or status_field(outputs.get("/system resource print", ""), "version")
    facts.vendor_os_version = f"RouterOS {version}" if version else None
    _fill_ports(facts, commands)
    facts.class_maps, facts.policies, facts.attachments = mikrotik_qos.queues(commands)
    if marking := mikrotik_qos.marking_policy(commands):
        facts.policies.append(marking)
    facts.dscp_remarks = mikrotik_qos.dscp_remarks(commands)
    facts.dscp_remarks_all_traffic = mikrotik_qos.whole_traffic_remarks(commands)
    facts.firewall_rules = mikrotik_firewall.firewall_rules(commands)
    for rule in facts.firewall_rules:
        add_evidence(facts.evidence, "firewall_rules", rule.evidence)
    nat = [c for c in in_menu(commands, "ip firewall nat") if c.get("action") in ("masquerade", "src-nat")]
    # a pasted section or script without NAT rules says nothing about the device's NAT; a whole export does
    facts.nat_enabled = True if nat else (False if whole else None)
    add_evidence(facts.evidence, "nat_enabled", nat[0].source if nat else "no masquerade/src-nat rule")
    _fill_sip_alg(facts, commands, whole)
    _fill_udp_timeout(facts, commands, whole)
    return facts


def _fill_sip_alg(facts: DeviceFacts, commands: list[RosCommand], whole: bool) -> None:
    """The SIP helper (service-port sip) is enabled unless set disabled=yes (unknown in a pasted section)."""
    sip = next(
        (c for c in in_menu(commands, "ip firewall service-port", enabled_only=False) if c.target == "sip"), None
    )
    if sip is None and not whole:
        facts.sip_alg_evidence = "no /ip firewall service-port sip line in this partial export"
    elif sip is None:
        facts.sip_alg, facts.sip_alg_evidence = "enabled", "/ip firewall service-port sip not changed (on by default)"
    else:
        facts.sip_alg = "enabled" if sip.enabled else "disabled"
        facts.sip_alg_evidence = sip.source
        facts.sip_timeout_s = duration_s(sip.get("sip-timeout")) if sip.get("sip-timeout") else None
    add_evidence(facts.evidence, "sip_alg", facts.sip_alg_evidence)


def _fill_udp_timeout(facts: DeviceFacts, commands: list[RosCommand], whole: bool) -> None:
    """The idle timer of replied UDP flows (RTP, SIP with keep-alives): ``udp-stream-timeout``.

    ``udp-timeout`` (10s by default) only covers flows that never saw a reply, so it says nothing
    about a call or a registration; it is kept as evidence next to the stream timer.
    """
    tracking = in_menu(commands, "ip firewall connection tracking")
    stream = next((c for c in reversed(tracking) if "udp-stream-timeout" in c.attrs), None)
    for command in tracking:
        add_evidence(facts.evidence, "udp_timeout_s", command.source)
    if stream is not None:
        facts.udp_timeout_s = duration_s(stream.get("udp-stream-timeout"))
    elif whole:
        facts.udp_timeout_s = DEFAULT_UDP_STREAM_TIMEOUT_S
        add_evidence(facts.evidence, "udp_timeout_s", "udp-stream-timeout not changed (3m by default)")


def _voice_vlan_ids(commands: list[RosCommand]) -> dict[int, str]:
    """VLAN id -> the line that makes it a voice VLAN."""
    found: dict[int, str] = {}
    for command in in_menu(commands, "ip neighbor discovery-settings"):
        advertised = command.get("lldp-med-net-policy-vlan")
        if advertised.isdecimal():
            found[int(advertised)] = command.source
    for command in in_menu(commands, "interface vlan"):
        named_voice = _VOICE_WORDS.search(f"{command.get('name')} {command.get('comment')}")
        if named_voice and command.get("vlan-id").isdecimal():
            found.setdefault(int(command.get("vlan-id")), command.source)
    for command in in_menu(commands, "interface bridge vlan"):
        if _VOICE_WORDS.search(command.get("comment")):
            for vlan in vlan_ids(command.get("vlan-ids")):
                found.setdefault(vlan, command.source)
    return found


def _fill_ports(facts: DeviceFacts, commands: list[RosCommand]) -> None:
    """Ethernet and bridge ports, PVIDs, tagged VLANs, voice VLANs, WAN ports."""
    ports: dict[str, Port] = {}
    for command in in_menu(commands, "interface ethernet", enabled_only=False):
        name = command.get("name") or command.target.removeprefix("default-name=")
        ports[name] = Port(name=name, description=command.get("comment"), shutdown=not command.enabled)
    for command in in_menu(commands, "interface bridge port"):
        port = ports.setdefault(command.get("interface"), Port(name=command.get("interface")))
        pvid = command.get("pvid", "1")
        port.mode, port.access_vlan = "access", int(pvid) if pvid.isdecimal() else 1
        if command.get("frame-types") == "admit-only-vlan-tagged":
            port.mode, port.access_vlan = "trunk", None
        port.evidence = command.source
    vlans = in_menu(commands, "interface vlan")
    names = {int(c.get("vlan-id")): c.get("name") for c in vlans if c.get("vlan-id").isdecimal()}
    voice = _voice_vlan_ids(commands)
    bridge_vlans = in_menu(commands, "interface bridge vlan")
    # Data VLANs first, so a port already known as a trunk is not taken for a phone port.
    bridge_vlans.sort(key=lambda c: any(v in voice for v in vlan_ids(c.get("vlan-ids"))))
    for command in bridge_vlans:
        for vlan in vlan_ids(command.get("vlan-ids")):
            names.setdefault(vlan, command.get("comment"))
            for name in command.get("tagged").split(","):
                if name in ports:
                    _tagged(ports[name], vlan, vlan in voice, f"{command.source}\n{voice.get(vlan, '')}".strip())
    facts.vlans = [Vlan(id=v, name=n) for v, n in sorted(names.items())]
    for line in voice.values():
        add_evidence(facts.evidence, "voice_vlans", line)
    wan = {c.get("interface") for c in in_menu(commands, "interface list member") if c.get("list") == "WAN"}
    # A WAN member need not appear under /interface ethernet (unchanged ports, pppoe-out1, lte1 ...).
    for name in sorted(wan - {""}):
        port = ports.setdefault(name, Port(name=name))
        port.is_wan, port.nat_side, port.mode = True, "outside", "routed"
    _mark_wan_egress(commands, ports)
    facts.ports = list(ports.values())


def _mark_wan_egress(commands: list[RosCommand], ports: dict[str, Port]) -> None:
    """Interfaces a default route leaves by (any ``distance``: a floating backup at 2 is still a provider link) face
    a provider, listed in the WAN interface list or not.

    A masquerade's ``out-interface`` alone is not taken for a WAN: RouterOS exports masquerade towards server and
    hairpin segments too (an aggregation router's ``out-interface=vlan12-Servers``)."""
    addresses = [(c.get("interface"), c.get("address")) for c in in_menu(commands, "ip address")]
    egress: list[tuple[str, str]] = []
    for route in in_menu(commands, "ip route"):
        if route.get("dst-address", "0.0.0.0/0") != "0.0.0.0/0":
            continue
        for gateway in filter(None, route.get("gateway").split(",")):
            hop, _, via = gateway.partition("%")  # 192.0.2.1%ether2: the hop and the interface it is reached by
            names = [via] if via else ports_holding(hop, addresses) or ([hop] if hop[:1].isalpha() else [])
            egress += [(name, route.source) for name in names]
    for name, line in egress:
        port = ports.setdefault(name, Port(name=name, mode="routed"))
        mark_wan(port, f"a default route leaves here: {line}", nat_outside=True)


def _tagged(port: Port, vlan: int, is_voice: bool, line: str) -> None:
    """A VLAN tagged on a port: the voice VLAN next to a data PVID, else the port is a trunk."""
    if is_voice and port.mode == "access" and port.access_vlan not in (None, vlan):
        port.voice_vlan = vlan
        port.lldp_med_voice = "lldp-med-net-policy-vlan" in line or None
    else:
        port.mode = "trunk"
    port.evidence = f"{port.evidence}\n{line}".strip()
