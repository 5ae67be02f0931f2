"""FortiGate (FortiOS) ``show full-configuration`` (or ``show``) to DeviceFacts.

FortiOS configuration is read into a keyword tree by fortios_config (see there
why not an indentation parser); this module maps the tree to facts. A
FortiGate without managed FortiSwitches has no switch ports, so no voice VLAN
or port trust facts are produced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.models.facts import DeviceFacts, Port, SipAlgState, Vlan
from core.service_ports import SIP_PORT
from platforms.fortinet import PLATFORM as UNIT
from platforms.parsers import fortinet_policy, fortinet_qos
from platforms.parsers.common import add_evidence, pick_output, status_field
from platforms.parsers.fortios_config import FortiNode, load_tree, looks_like_fortios, section
from platforms.parsers.wan_egress import is_management, mark_wan

PLATFORM = "fortinet"
CONFIG_COMMANDS = UNIT.config_outputs
# FortiOS' UDP session TTL when neither session-ttl nor udp-idle-timer says otherwise.
DEFAULT_UDP_TTL_S = 180


_SHAPING_SECTIONS = ("firewall shaping-policy", "firewall shaper traffic-shaper", "firewall shaping-profile")


def is_whole_backup(text: str) -> bool:
    """True for a whole backup, which FortiOS always starts with ``#config-version=``: what it omits is at its
    default. Sections copied out of one (no header) say nothing about the rest."""
    return bool(re.search(r"^#config-version=", text[:20_000], re.M))


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """FortiGate evidence -> DeviceFacts."""
    _, text = pick_output(outputs, CONFIG_COMMANDS, looks_like_fortios, "FortiOS configuration")
    root = load_tree(text)
    whole = is_whole_backup(text)
    shaping_seen = any(section(root, name).entries or section(root, name).settings for name in _SHAPING_SECTIONS)
    facts = DeviceFacts(platform=PLATFORM, qos_config_seen=whole or shaping_seen)
    facts.hostname = section(root, "system global").get("hostname") or None
    if match := re.search(r"#config-version=(\w+)-(\d+\.\d+\.\d+)-FW-build(\d+)", text[:400]):
        facts.vendor_os_version = f"FortiOS {match.group(2)} build{match.group(3)} ({match.group(1)})"
    status = outputs.get("get system status", "")
    if facts.vendor_os_version is None and (version := status_field(status, "Version")):
        facts.vendor_os_version = version
    facts.hostname = facts.hostname or status_field(status, "Hostname")
    _fill_interfaces(facts, root)
    _mark_wan_members(facts, root)
    facts.class_maps, facts.policies, facts.attachments = fortinet_qos.shaping(root)
    facts.dscp_remarks = fortinet_qos.dscp_remarks(root)
    facts.firewall_rules = fortinet_policy.firewall_rules(root)
    for rule in facts.firewall_rules:
        add_evidence(facts.evidence, "firewall_rules", rule.evidence.splitlines()[0])
    facts.nat_enabled, nat_line = fortinet_policy.nat_enabled(root)
    add_evidence(facts.evidence, "nat_enabled", nat_line)
    facts.sip_alg, facts.sip_alg_evidence = sip_alg(root) if whole or _alg_configured(root) else _partial()
    add_evidence(facts.evidence, "sip_alg", facts.sip_alg_evidence)
    facts.udp_timeout_s, timeout_line = udp_timeout(root)
    if not whole and facts.udp_timeout_s == DEFAULT_UDP_TTL_S and timeout_line.startswith("FortiOS default"):
        facts.udp_timeout_s, timeout_line = None, "partial configuration: no session-ttl or udp-idle-timer"
    add_evidence(facts.evidence, "udp_timeout_s", timeout_line)
    if not facts.policies:
        add_evidence(facts.evidence, "ef_priority", "no firewall shaping-policy: no traffic is prioritised")
    return facts


def _fill_interfaces(facts: DeviceFacts, root: FortiNode) -> None:
    """Interfaces as routed ports; VLAN sub-interfaces as VLANs."""
    for name, entry in section(root, "system interface").entries.items():
        port = Port(
            name=name,
            description=entry.get("description") or entry.get("alias"),
            mode="routed" if entry.get("ip", "0.0.0.0") != "0.0.0.0" or entry.get("mode") == "dhcp" else "unknown",
            shutdown=entry.get("status") == "down",
            is_wan=entry.get("role") == "wan",
            nat_side="outside" if entry.get("role") == "wan" else None,
            bandwidth_kbps=_int(entry.get("estimated-upstream-bandwidth")),
            shape_kbps=_int(entry.get("outbandwidth")),
            evidence=entry.lines.get("role", ""),
        )
        facts.ports.append(port)
        vlan_id = _int(entry.get("vlanid"))
        if vlan_id and 1 <= vlan_id <= 4094 and all(v.id != vlan_id for v in facts.vlans):
            facts.vlans.append(Vlan(id=vlan_id, name=name))


def _mark_wan_members(facts: DeviceFacts, root: FortiNode) -> None:
    """SD-WAN members and the devices of default static routes face a provider, whatever their role.

    A dual-WAN FortiGate's LTE or DSL link often keeps the default (undefined) role: only its SD-WAN membership
    (``config system sdwan`` / ``virtual-wan-link`` ``config members``) or a floating default route
    (``set device "port5"`` with a higher ``distance``, no ``dst``) says it is a WAN link.
    """
    ports = {p.name: p for p in facts.ports}
    for name in ("system sdwan", "system virtual-wan-link"):
        members = section(root, name).sections.get("members")
        for member in members.entries.values() if members else []:
            if (port := ports.get(member.get("interface"))) is not None:
                why = f"an SD-WAN member: config {name} members: {member.lines.get('interface', '')}"
                mark_wan(port, why, nat_outside=True)
    for route in section(root, "router static").entries.values():
        destination = route.values("dst")
        default = not destination or destination[:2] == ["0.0.0.0", "0.0.0.0"] or destination[:1] == ["0.0.0.0/0"]
        port = ports.get(route.get("device"))
        if default and port is not None and not is_management(port.name):
            why = f"a default route leaves here: config router static: {route.lines.get('device', '')}"
            mark_wan(port, why, nat_outside=True)


def _int(text: str) -> int | None:
    return int(text) if text.isdecimal() and int(text) > 0 else None


def _alg_configured(root: FortiNode) -> bool:
    """True when the text says something about the SIP ALG or helper (so a section can be judged)."""
    settings = section(root, "system settings")
    voip_policy = any(e.get("voip-profile") for e in section(root, "firewall policy").entries.values())
    said = settings.get("default-voip-alg-mode") or settings.get("sip-helper")
    return bool(said or section(root, "system session-helper").entries or voip_policy)


def _partial() -> tuple[SipAlgState, str]:
    return "unknown", "partial configuration: no system settings, session helpers or VoIP profiles to judge by"


def sip_alg(root: FortiNode) -> tuple[SipAlgState, str]:
    """Is SIP rewritten by the SIP ALG (proxy) or the SIP session helper?

    ``default-voip-alg-mode proxy-based`` (the default) sends all SIP through the
    ALG. In ``kernel-helper-based`` mode SIP is rewritten by the ``sip``
    session-helper unless it is deleted, and by the ALG for policies carrying a
    VoIP profile whose SIP inspection is enabled.
    """
    settings = section(root, "system settings")
    where = "config system settings"
    mode = settings.get("default-voip-alg-mode", "proxy-based")
    if mode == "proxy-based":
        line = settings.evidence("default-voip-alg-mode", where) or "default-voip-alg-mode proxy-based (default)"
        return "enabled", f"{line}: SIP goes through the SIP ALG"
    helpers = section(root, "system session-helper").entries
    sip_helper = next((i for i, e in helpers.items() if e.get("name") == "sip"), None)
    if sip_helper is not None and settings.get("sip-helper", "enable") == "enable":
        return "enabled", f"config system session-helper / edit {sip_helper}: set name sip (kernel helper rewrites SIP)"
    profiles = section(root, "voip profile").entries
    for policy_id, entry in section(root, "firewall policy").entries.items():
        name = entry.get("voip-profile")
        sip_section = profiles.get(name, FortiNode()).sections.get("sip")
        if sip_section is not None and sip_section.get("status", "enable") == "enable":
            return "enabled", f"config firewall policy / edit {policy_id}: set voip-profile {name!r} (SIP ALG)"
    return "disabled", f"{where}: set default-voip-alg-mode kernel-helper-based, no sip session-helper"


def udp_timeout(root: FortiNode) -> tuple[int | None, str]:
    """UDP session TTL for SIP: a session-ttl port entry covering 5060, else udp-idle-timer, else 180 s."""
    for entry_id, entry in section(root, "system session-ttl").sections.get("port", FortiNode()).entries.items():
        start, end = _int(entry.get("start-port", "0")) or 0, _int(entry.get("end-port", "0")) or 0
        timeout = entry.get("timeout")
        if entry.get("protocol") == "17" and start <= SIP_PORT <= end and timeout.isdecimal():
            where = f"config system session-ttl / config port / edit {entry_id}"
            return int(timeout), f"{where}: protocol 17 timeout {timeout}"
    glob = section(root, "system global")
    if glob.get("udp-idle-timer").isdecimal():
        return int(glob.get("udp-idle-timer")), glob.evidence("udp-idle-timer", "config system global")
    return DEFAULT_UDP_TTL_S, "FortiOS default UDP session TTL (180 s)"
