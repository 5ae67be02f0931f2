"""FortiOS firewall policies with address, VIP and service objects (and their groups) resolved."""

from __future__ import annotations

import ipaddress

from core.models.facts import FirewallRule
from core.service_ports import SIP_PORT
from platforms.parsers.common import port_range
from platforms.parsers.firewall import ANY_SERVICE, Action, Service, build_rules, resolve_members, resolve_services
from platforms.parsers.fortios_config import FortiNode, section

ANY_ADDRESS = ("all", "any", "all6")
# Predefined services a plain ``show`` may reference without listing them.
PREDEFINED_SERVICES: dict[str, list[Service]] = {
    "ALL": [ANY_SERVICE],
    "ALL_TCP": [Service("tcp")],
    "ALL_UDP": [Service("udp")],
    "ALL_ICMP": [Service("other")],
    "PING": [Service("other")],
    "SIP": [Service("udp", ((SIP_PORT, SIP_PORT),))],
    "DNS": [Service("tcp", ((53, 53),)), Service("udp", ((53, 53),))],
    "NTP": [Service("tcp", ((123, 123),)), Service("udp", ((123, 123),))],
    "HTTP": [Service("tcp", ((80, 80),))],
    "HTTPS": [Service("tcp", ((443, 443),))],
}


def _subnet(values: list[str]) -> str:
    """'10.0.0.0 255.255.255.0' (or '10.0.0.0/24') as CIDR text."""
    try:
        return str(ipaddress.ip_interface("/".join(values[:2])).network)
    except ValueError:
        return " ".join(values)


def addresses(root: FortiNode) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(address and VIP name -> values, group name -> members)."""
    leaves: dict[str, list[str]] = {name: ["any"] for name in ANY_ADDRESS}
    for name, entry in section(root, "firewall address").entries.items():
        kind = entry.get("type", "ipmask")
        if kind == "iprange":
            leaves[name] = [f"{entry.get('start-ip')}-{entry.get('end-ip')}"]
        elif kind == "fqdn":
            leaves[name] = [entry.get("fqdn")]
        elif "subnet" in entry.settings:
            leaves[name] = [_subnet(entry.values("subnet"))]
    for name, entry in section(root, "firewall vip").entries.items():
        leaves[name] = entry.values("mappedip") or [name]
    groups = {name: e.values("member") for name, e in section(root, "firewall addrgrp").entries.items()}
    groups |= {name: e.values("member") for name, e in section(root, "firewall vipgrp").entries.items()}
    return leaves, groups


def _port_list(values: list[str]) -> tuple[tuple[int, int], ...]:
    """Destination ranges of a FortiOS portrange ('5060', '10000-20000:1024-65535' is dst:src)."""
    ranges = [port_range(v.split(":")[0]) for v in values]
    return tuple(r for r in ranges if r is not None)


def services(root: FortiNode) -> tuple[dict[str, list[Service]], dict[str, list[str]]]:
    """(custom service name -> Services, service group -> members)."""
    found: dict[str, list[Service]] = dict(PREDEFINED_SERVICES)
    for name, entry in section(root, "firewall service custom").entries.items():
        protocol = entry.get("protocol", "TCP/UDP/SCTP").upper()
        if protocol == "IP":
            found[name] = [ANY_SERVICE] if entry.get("protocol-number", "0") == "0" else [Service("other")]
        elif protocol in ("ICMP", "ICMP6"):
            found[name] = [Service("other")]
        else:
            tcp, udp = _port_list(entry.values("tcp-portrange")), _port_list(entry.values("udp-portrange"))
            found[name] = [s for s in (Service("tcp", tcp), Service("udp", udp)) if s.ports]
    groups = {name: e.values("member") for name, e in section(root, "firewall service group").entries.items()}
    return found, groups


def load_balancer_tunnels(root: FortiNode) -> set[str]:
    """Geneve tunnels (a cloud Gateway Load Balancer's) and the zones made only of them.

    Behind a GWLB every flow of the protected networks, the Internet's included, reaches the FortiGate inside
    these tunnels and leaves by them again: a policy from such a zone to itself applies to all traffic.
    """
    tunnels = set(section(root, "system geneve").entries)
    zones = {
        name
        for name, entry in section(root, "system zone").entries.items()
        if entry.values("interface") and set(entry.values("interface")) <= tunnels
    }
    return tunnels | zones


def _direction(entry: FortiNode, tunnels: set[str]) -> str:
    """'srcintf->dstintf', or 'global' for a policy that stays inside load balancer tunnels (every flow)."""
    sources, destinations = entry.values("srcintf"), entry.values("dstintf")
    if sources and destinations and set(sources) | set(destinations) <= tunnels:
        return "global"
    return f"{','.join(sources)}->{','.join(destinations)}"


def firewall_rules(root: FortiNode) -> list[FirewallRule]:
    """Enabled firewall policies as FirewallRule facts (policy order kept)."""
    leaves, addr_groups = addresses(root)
    svc, svc_groups = services(root)
    tunnels = load_balancer_tunnels(root)
    rules: list[FirewallRule] = []
    for policy_id, entry in section(root, "firewall policy").entries.items():
        if entry.get("status", "enable") == "disable":
            continue
        action: Action = "permit" if entry.get("action", "deny") == "accept" else "deny"
        keys = ("name", "srcintf", "dstintf", "srcaddr", "dstaddr", "service", "action")
        lines = [entry.lines[k] for k in keys if k in entry.lines]
        rules.extend(
            build_rules(
                entry.get("name", policy_id) or policy_id,
                action,
                resolve_services(entry.values("service"), svc_groups, svc),
                resolve_members(entry.values("srcaddr"), addr_groups, leaves),
                resolve_members(entry.values("dstaddr"), addr_groups, leaves),
                _direction(entry, tunnels),
                f"config firewall policy / edit {policy_id}\n" + "\n".join(lines),
            )
        )
    return rules


def nat_enabled(root: FortiNode) -> tuple[bool, str]:
    """Whether any policy (or central SNAT) translates source addresses."""
    for policy_id, entry in section(root, "firewall policy").entries.items():
        if entry.get("nat") == "enable" and entry.get("status", "enable") != "disable":
            return True, f"config firewall policy / edit {policy_id}: set nat enable"
    if section(root, "firewall central-snat-map").entries:
        return True, "config firewall central-snat-map has entries"
    return False, "no firewall policy with 'set nat enable'"
