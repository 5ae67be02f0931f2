"""Palo Alto PAN-OS ``show config running`` (XML) to DeviceFacts.

The XML is read with lxml (panos_xml). Only the first vsys is assessed (branch
firewalls have one). QoS maps as: a QoS policy rule sending DSCP X to class N
is ClassMatch(name="classN", match_dscp=[X]); a QoS profile is a QosPolicy
whose ``real-time`` classes are strict priority; a QoS-enabled interface's
default-group profile is an output attachment. The SIP ALG is on unless
``shared alg-override application sip alg-disabled yes`` or an
application-override rule takes UDP/TCP 5060 away from App-ID.
Set-format output (``set cli config-output-format set``; ``show``) is rebuilt
into the same XML by panos_setformat.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.errors import UserError
from core.models.facts import ClassMatch, DeviceFacts, PolicyAttachment, PolicyClass, Port, QosPolicy, Vlan
from core.service_ports import SIP_PORT
from platforms.paloalto_panos import PLATFORM as UNIT
from platforms.parsers import panos_policy
from platforms.parsers.common import add_evidence, dscp_name, pick_output, port_ranges, status_field
from platforms.parsers.panos_setformat import (
    looks_like_panos_set,
    looks_like_panos_text,
    set_lines_to_config,
    text_to_set_lines,
)
from platforms.parsers.panos_xml import Element, entries, line_of, load_config, looks_like_panos, members, text_of
from platforms.parsers.wan_egress import mark_wan, ports_holding

PLATFORM = "paloalto_panos"
CONFIG_COMMANDS = UNIT.config_outputs
DEFAULT_UDP_TIMEOUT_S = 30  # PAN-OS default session timeout-udp
WAN_ZONES = ("untrust", "outside", "internet", "wan")


def _looks_right(text: str) -> bool:
    return looks_like_panos(text) or looks_like_panos_set(text) or looks_like_panos_text(text)


def _config(text: str) -> Element:
    """The config tree of XML, set-format or curly-brace text output."""
    if "<config" in text or looks_like_panos(text):
        return load_config(text)
    if looks_like_panos_text(text) and not looks_like_panos_set(text):
        return set_lines_to_config(text_to_set_lines(text))
    if looks_like_panos_set(text):
        return set_lines_to_config(text)
    raise UserError("the configuration holds no PAN-OS <config> element, set commands or configuration text")


def is_whole_config(text: str) -> bool:
    """True for a whole configuration (device settings, network and policy all present, if empty):
    what it omits is at its default. A section (system settings, users, one rulebase) says nothing
    about the rest, so the defaults are not assumed there."""
    return all(re.search(rf"\b{word}\b", text) for word in ("deviceconfig", "network")) and bool(
        re.search(r"\b(rulebase|zone)\b", text)
    )


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """PAN-OS evidence -> DeviceFacts."""
    _, text = pick_output(outputs, CONFIG_COMMANDS, _looks_right, "PAN-OS configuration")
    config = _config(text)
    whole = is_whole_config(text)
    device = config.find("devices/entry")
    vsys = device.find("vsys/entry") if device is not None else None
    qos_seen = device is not None and device.find("network/qos") is not None
    facts = DeviceFacts(platform=PLATFORM, qos_config_seen=whole or qos_seen)
    facts.hostname = text_of(device, "deviceconfig/system/hostname") or None
    version = config.get("detail-version") or config.get("version")
    version = version or status_field(outputs.get("show system info", ""), "sw-version")
    facts.vendor_os_version = f"PAN-OS {version}" if version else None
    facts.hostname = facts.hostname or status_field(outputs.get("show system info", ""), "hostname")
    _fill_interfaces(facts, device, vsys)
    _mark_default_route_egress(facts, device)
    _fill_qos(facts, device, vsys)
    facts.firewall_rules = panos_policy.firewall_rules(config, vsys, facts.parse_warnings)
    for rule in facts.firewall_rules:
        add_evidence(facts.evidence, "firewall_rules", rule.evidence)
    facts.nat_enabled, nat_line = panos_policy.nat_enabled(vsys)
    add_evidence(facts.evidence, "nat_enabled", nat_line)
    _fill_sip_alg(facts, config, vsys, whole)
    timeout = text_of(device, "deviceconfig/setting/session/timeout-udp")
    if timeout.isdecimal():
        facts.udp_timeout_s = int(timeout)
        add_evidence(facts.evidence, "udp_timeout_s", f"deviceconfig setting session timeout-udp {timeout}")
    elif whole:
        facts.udp_timeout_s = DEFAULT_UDP_TIMEOUT_S
        add_evidence(facts.evidence, "udp_timeout_s", "PAN-OS default timeout-udp 30 s")
    return facts


def _fill_interfaces(facts: DeviceFacts, device: Element | None, vsys: Element | None) -> None:
    """Ethernet interfaces and sub-interfaces; VLAN tags; WAN zones."""
    wan = {
        m for z in entries(vsys, "zone") if z.get("name", "").lower() in WAN_ZONES for m in members(z, "network/layer3")
    }
    for eth in entries(device, "network/interface/ethernet"):
        for node in [eth, *entries(eth, "layer3/units"), *entries(eth, "layer2/units")]:
            name = node.get("name", "")
            port = Port(
                name=name,
                description=text_of(node, "comment"),
                mode="routed" if node.find("layer3") is not None or node is not eth else "unknown",
                is_wan=name in wan,
                nat_side="outside" if name in wan else None,
                evidence=line_of(node),
            )
            facts.ports.append(port)
            tag = text_of(node, "tag")
            if tag.isdecimal() and 1 <= int(tag) <= 4094 and all(v.id != int(tag) for v in facts.vlans):
                facts.vlans.append(Vlan(id=int(tag), name=name))


# Static routes of the legacy virtual routers and of advanced routing's logical routers.
STATIC_ROUTES = (
    "network/virtual-router/entry/routing-table/ip/static-route",
    "network/logical-router/entry/vrf/entry/routing-table/ip/static-route",
)


def _mark_default_route_egress(facts: DeviceFacts, device: Element | None) -> None:
    """The interfaces default routes leave by face a provider, whatever their zone is called (a second ISP's
    ``lte`` zone, a floating default at metric 200)."""
    ports = {p.name: p for p in facts.ports}
    addresses = [
        (name, ip.get("name", ""))
        for eth in entries(device, "network/interface/ethernet")
        for node in [eth, *entries(eth, "layer3/units")]
        if (name := node.get("name", ""))
        for ip in [*entries(node, "layer3/ip"), *entries(node, "ip")]
    ]
    for route in (r for path in STATIC_ROUTES for r in entries(device, path)):
        if text_of(route, "destination") != "0.0.0.0/0":
            continue
        hop = text_of(route, "nexthop/ip-address")
        names = [text_of(route, "interface")] if text_of(route, "interface") else ports_holding(hop, addresses)
        for port in (ports[n] for n in names if n in ports):
            mark_wan(port, f"a default route leaves here: {line_of(route)}", nat_outside=True)


def _fill_qos(facts: DeviceFacts, device: Element | None, vsys: Element | None) -> None:
    """QoS profiles (real-time = strict priority), QoS-enabled interfaces and QoS policy rules."""
    for profile in entries(device, "network/qos/profile"):
        policy = QosPolicy(name=profile.get("name", ""))
        percent = profile.find("class-bandwidth-type/percentage") is not None
        for node in profile.iterfind(".//class/entry"):
            policy.classes.append(_profile_class(node, percent))
        facts.policies.append(policy)
    for intf in entries(device, "network/qos/interface"):
        profile_name = text_of(intf, "regular-traffic/default-group/qos-profile")
        if text_of(intf, "enabled") == "yes" and profile_name:
            facts.attachments.append(
                PolicyAttachment(interface=intf.get("name", ""), direction="output", policy=profile_name)
            )
            add_evidence(facts.evidence, "ef_priority", f"{line_of(intf)} qos-profile {profile_name}")
    classes: dict[str, ClassMatch] = {}
    for rule in entries(vsys, "rulebase/qos/rules"):
        number = text_of(rule, "action/class")
        if not number or text_of(rule, "disabled") == "yes":
            continue
        cls = classes.setdefault(number, ClassMatch(name=f"class{number}"))
        for point in rule.iterfind("dscp-tos/codepoints/entry//codepoint"):
            name = dscp_name(point.text or "")
            if name and name not in cls.match_dscp:
                cls.match_dscp.append(name)
        cls.match_other.extend(f"application {a}" for a in members(rule, "application") if a != "any")
        add_evidence(facts.evidence, "ef_priority", f"{line_of(rule)} -> class {number}")
    facts.class_maps = list(classes.values())


def _profile_class(node: Element, percent: bool) -> PolicyClass:
    """A QoS profile class: real-time is strict priority, capped by its egress-max; egress-guaranteed
    is its guarantee (Mbit/s or percent, as the profile's class-bandwidth-type says)."""
    cls = PolicyClass(name=node.get("name", ""), priority=text_of(node, "priority") == "real-time")
    for field, tag in (("guaranteed", "class-bandwidth/egress-guaranteed"), ("max", "class-bandwidth/egress-max")):
        try:
            value = float(text_of(node, tag))
        except ValueError:
            continue
        if field == "guaranteed":
            cls.bandwidth_pct, cls.bandwidth_kbps = (value, None) if percent else (None, int(value * 1000))
        elif cls.priority:
            cls.priority_pct, cls.priority_kbps = (value, None) if percent else (None, int(value * 1000))
    return cls


def _fill_sip_alg(facts: DeviceFacts, config: Element, vsys: Element | None, whole: bool) -> None:
    override = config.find("shared/alg-override/application/entry[@name='sip']")
    overrides = entries(vsys, "rulebase/application-override/rules")
    if override is not None and text_of(override, "alg-disabled") == "yes":
        facts.sip_alg, facts.sip_alg_evidence = "disabled", "set shared alg-override application sip alg-disabled yes"
    elif not whole and override is None and not overrides:
        facts.sip_alg_evidence = "partial configuration: no alg-override or application-override to judge by"
    else:
        facts.sip_alg, facts.sip_alg_evidence = "enabled", "no alg-override for sip: the SIP ALG is on by default"
        for rule in overrides:
            ports = port_ranges(text_of(rule, "port"), ",")
            if text_of(rule, "disabled") != "yes" and any(lo <= SIP_PORT <= hi for lo, hi in ports):
                app = text_of(rule, "application")
                facts.sip_alg = "disabled"
                facts.sip_alg_evidence = f"{line_of(rule)}: application-override of port {SIP_PORT} to {app!r} (no ALG)"
                break
    add_evidence(facts.evidence, "sip_alg", facts.sip_alg_evidence)
