"""Juniper Junos (EX switches, SRX firewalls) evidence to DeviceFacts.

Reads ``show configuration | display set`` (or the curly-brace ``show
configuration``, reduced to the same set-paths by junos_config), plus the
optional ``show class-of-service interface`` and ``show security flow status``.
The set-paths are walked directly: no template library models Junos
class-of-service or security policies, and set-paths are already structured.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence

from core.models.facts import DeviceFacts, PolicyAttachment, Port, Vlan
from platforms.juniper_junos import PLATFORM as UNIT
from platforms.parsers import junos_cos, junos_security
from platforms.parsers.common import add_evidence, check_text, pick_output, status_field, vlan_ids
from platforms.parsers.junos_config import (
    Path,
    SetPaths,
    as_set_line,
    is_whole_config,
    load_paths,
    looks_like_junos,
    with_prefix,
)
from platforms.parsers.unread import warn_unread
from platforms.parsers.wan_egress import is_management, mark_wan, ports_holding

PLATFORM = "juniper_junos"
CONFIG_COMMANDS = UNIT.config_outputs  # the set form first
WAN_ZONES = ("untrust", "internet", "outside", "wan")
COS_COMMAND = "show class-of-service interface"
FLOW_COMMAND = "show security flow status"
# class-of-service hierarchies that say how queues are served (a classifiers-only paste does not)
COS_QUEUEING = frozenset({"schedulers", "scheduler-maps", "interfaces", "traffic-control-profiles"})


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Junos evidence -> DeviceFacts."""
    command, text = pick_output(outputs, CONFIG_COMMANDS, looks_like_junos, "Junos configuration")
    paths = SetPaths(load_paths(text))
    whole = is_whole_config(paths)
    is_srx = any(p[0] == "security" for p in paths) or "Flow forwarding mode" in outputs.get(FLOW_COMMAND, "")
    # SRX defaults (SIP ALG on, 60 s UDP) hold for a whole SRX configuration, not for one pasted hierarchy.
    srx_defaults = is_srx and (whole or "Flow forwarding mode" in outputs.get(FLOW_COMMAND, ""))
    cos_seen = any(p[:1] == ("class-of-service",) and p[1:2] and p[1] in COS_QUEUEING for p in paths)
    cos_seen = cos_seen or bool(outputs.get(COS_COMMAND, "").strip())
    facts = DeviceFacts(platform=PLATFORM, qos_config_seen=whole or cos_seen)
    facts.hostname = next((p[2] for p in with_prefix(paths, "system", "host-name", None)), None)
    facts.vendor_os_version = next((p[1] for p in with_prefix(paths, "version", None)), None)
    version_text = outputs.get("show version", "")
    facts.vendor_os_version = facts.vendor_os_version or status_field(version_text, "Junos", "JUNOS OS Kernel")
    facts.hostname = facts.hostname or status_field(version_text, "Hostname")
    _fill_switching(facts, paths)
    cos_text = outputs.get(COS_COMMAND, "")
    if cos_text.strip():
        check_text(cos_text, f"output of {COS_COMMAND!r}")  # a binary show output is refused, not skipped
    _fill_cos(facts, paths, cos_text)
    _fill_security(facts, paths, srx_defaults)
    if not paths:
        facts.parse_warnings.append(f"no configuration statements in the output of {command!r}")
    return facts


def _vlan_ids(paths: Sequence[Path]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for path in with_prefix(paths, "vlans", None, "vlan-id", None):
        if path[3].isdecimal() and 1 <= int(path[3]) <= 4094:
            ids[path[1]] = int(path[3])
    return ids


def _vlan_ref(ref: str, ids: Mapping[str, int]) -> list[int]:
    """VLAN ids a member reference names (a VLAN name, an id or a range)."""
    return [ids[ref]] if ref in ids else vlan_ids(ref)


def _fill_switching(facts: DeviceFacts, paths: Sequence[Path]) -> None:
    """VLANs, ports, voice VLANs (switch-options voip) and LLDP-MED."""
    ids = _vlan_ids(paths)
    facts.vlans = [Vlan(id=v, name=n) for n, v in ids.items()]
    ports: dict[str, Port] = {}
    for path in with_prefix(paths, "interfaces", None):
        name, rest = path[1], path[2:]
        if name in ("interface-range",) or not rest:
            continue
        port = ports.setdefault(name, Port(name=name))
        if rest[0] == "description" and len(rest) > 1:
            port.description = rest[1]
        elif rest[0] == "disable":
            port.shutdown = True
        elif rest[:1] == ("unit",) and len(rest) > 4 and rest[2:4] == ("family", "ethernet-switching"):
            _switching_unit(port, rest[4:], ids, as_set_line(path))
        elif rest[:1] == ("unit",) and "inet" in rest and "address" in rest and port.mode == "unknown":
            port.mode = "routed"
    voip_roots = (("switch-options", "voip"), ("ethernet-switching-options", "voip"))
    for path in paths:
        if path[:2] not in voip_roots or len(path) < 6 or path[2] != "interface" or path[4] != "vlan":
            continue
        name = path[3].split(".")[0]
        port = ports.setdefault(name, Port(name=name))
        port.voice_vlan = next(iter(_vlan_ref(path[5], ids)), None)
        port.evidence = f"{port.evidence}\n{as_set_line(path)}".strip()
        add_evidence(facts.evidence, "voice_vlans", as_set_line(path))
    for path in with_prefix(paths, "protocols", "lldp-med", "interface", None):
        if path[3] in ports:
            ports[path[3]].lldp_med_voice = True
    for path in with_prefix(paths, "security", "zones", "security-zone", None, "interfaces", None):
        name = path[5].split(".")[0]
        if path[3].lower() in WAN_ZONES and name in ports:
            ports[name].is_wan = True
            ports[name].nat_side = "outside"
    _mark_default_route_egress(paths, ports)
    for path in with_prefix(paths, "class-of-service", "interfaces", None, "shaping-rate", None):
        if path[2] in ports:
            ports[path[2]].shape_kbps = junos_cos.rate_kbps(path[4])
    facts.ports = list(ports.values())


def _mark_default_route_egress(paths: Sequence[Path], ports: Mapping[str, Port]) -> None:
    """The ports default routes leave by (``next-hop`` or a floating ``qualified-next-hop ... preference``, in the
    main table or a routing instance) face a provider: a dual-WAN SRX's backup is one of them."""
    addresses = [
        (p[1], p[7]) for p in with_prefix(paths, "interfaces", None, "unit", None, "family", "inet", "address", None)
    ]
    for path in paths:
        in_instance = path[:1] == ("routing-instances",) and len(path) > 1
        if in_instance and is_management(path[1]):
            continue
        at = 2 if in_instance else 0
        if path[at : at + 4] != ("routing-options", "static", "route", "0.0.0.0/0") or len(path) < at + 6:
            continue
        if path[at + 4] not in ("next-hop", "qualified-next-hop"):
            continue
        hop = path[at + 5]
        names = ports_holding(hop, addresses) or [hop.split(".")[0]]
        for port in (ports[n] for n in names if n in ports and not is_management(n)):
            mark_wan(port, f"a default route leaves here: {as_set_line(path)}", nat_outside=True)


def _switching_unit(port: Port, rest: Path, ids: Mapping[str, int], line: str) -> None:
    if rest[:1] in (("interface-mode",), ("port-mode",)) and len(rest) > 1:
        port.mode = "trunk" if rest[1] == "trunk" else "access"
    elif rest[:2] == ("vlan", "members") and len(rest) > 2 and port.mode != "trunk":
        port.access_vlan = next(iter(_vlan_ref(rest[2], ids)), port.access_vlan)
        port.mode = "access" if port.mode == "unknown" else port.mode
    port.evidence = f"{port.evidence}\n{line}".strip()


def _fill_cos(facts: DeviceFacts, paths: Sequence[Path], cos_output: str) -> None:
    """Classifiers, scheduler-maps, their attachments and DSCP rewrites."""
    facts.class_maps = junos_cos.class_maps(paths)
    facts.policies = junos_cos.policies(paths)
    configured = _on_ports(junos_cos.attachments(paths), [p.name for p in facts.ports])
    facts.attachments = configured + _cos_show_attachments(cos_output, configured)
    for name, trust in junos_cos.trusting_interfaces(paths).items():
        port = next((p for p in facts.ports if p.name == name), None)
        if port is None:
            port = Port(name=name)
            facts.ports.append(port)
        port.trust = "dscp" if trust == "dscp" else "cos"
    ef_classes = {c.name for c in facts.class_maps if "ef" in c.match_dscp}
    facts.dscp_remarks = junos_cos.dscp_remarks(paths, ef_classes)
    for path in with_prefix(paths, "class-of-service"):
        if path[1:2] in (
            ("schedulers",),
            ("scheduler-maps",),
            ("classifiers",),
            ("interfaces",),
            ("traffic-control-profiles",),
        ):
            add_evidence(facts.evidence, "ef_priority", as_set_line(path))
    warn_unread(facts, junos_cos.unread(paths))


def _on_ports(found: Sequence[PolicyAttachment], ports: Sequence[str]) -> list[PolicyAttachment]:
    """Attachments on the ports the audit judges: a unit's scheduler map (``ae0 unit 0``, ``irb unit 100``)
    shapes that unit's traffic out of its port, and a wildcard (``ge-0/0/*``, ``all``) covers every port it
    matches."""
    out: list[PolicyAttachment] = []
    for att in found:
        name = att.interface.split(".")[0]
        wildcard = name == "all" or any(c in name for c in "*?[")
        targets = [p for p in ports if name == "all" or fnmatch.fnmatchcase(p, name)] if wildcard else [name]
        for target in targets:
            moved = att.model_copy(update={"interface": target})
            if moved not in out:
                out.append(moved)
    return out


def _cos_show_attachments(text: str, known: Sequence[PolicyAttachment]) -> list[PolicyAttachment]:
    """Scheduler maps that ``show class-of-service interface`` reports on interfaces the config did not name."""
    found: list[PolicyAttachment] = []
    interface = ""
    for line in text.splitlines():
        if match := re.match(r"\s*(?:Physical|Logical) interface:\s*(\S+?),", line):
            interface = match.group(1)
        elif (match := re.match(r"\s*Scheduler map:\s*([^,\s]+)", line)) and interface:
            att = PolicyAttachment(interface=interface, direction="output", policy=match.group(1))
            if match.group(1) != "<default>" and all(a.interface != interface for a in [*known, *found]):
                found.append(att)
    return found


def _fill_security(facts: DeviceFacts, paths: Sequence[Path], is_srx: bool) -> None:
    """SIP ALG, NAT, security policies and UDP timeout."""
    facts.sip_alg, facts.sip_alg_evidence = junos_security.sip_alg(paths, is_srx)
    add_evidence(facts.evidence, "sip_alg", facts.sip_alg_evidence)
    facts.nat_enabled, nat_line = junos_security.nat_enabled(paths, is_srx)
    add_evidence(facts.evidence, "nat_enabled", nat_line)
    apps = junos_security.applications(paths)
    facts.firewall_rules = junos_security.firewall_rules(paths, apps) + junos_security.filter_rules(paths)
    for rule in facts.firewall_rules:
        add_evidence(facts.evidence, "firewall_rules", rule.evidence.splitlines()[0] if rule.evidence else "")
    facts.udp_timeout_s, timeout_line = junos_security.udp_timeout(paths, apps, is_srx)
    add_evidence(facts.evidence, "udp_timeout_s", timeout_line)
