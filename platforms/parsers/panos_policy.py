"""PAN-OS security rules with address and service objects (shared and vsys) resolved.

``application-default`` ports come from a small table of the applications voice
cares about; other applications with ``application-default`` add no port facts
(their rules are still listed, with a parse warning).
"""

from __future__ import annotations

from core.models.facts import FirewallRule
from core.service_ports import SIP_PORT, SIPS_PORT
from platforms.parsers.common import port_ranges
from platforms.parsers.firewall import ANY_SERVICE, Action, Service, build_rules, resolve_members, resolve_services
from platforms.parsers.panos_xml import Element, entries, line_of, members, text_of

# Ports of PAN-OS App-IDs under service "application-default" (App-ID definitions).
APP_DEFAULT_PORTS: dict[str, list[Service]] = {
    "sip": [Service("udp", ((SIP_PORT, SIP_PORT),)), Service("tcp", ((SIP_PORT, SIPS_PORT),))],
    "dns": [Service("udp", ((53, 53),)), Service("tcp", ((53, 53),))],
    "ntp": [Service("udp", ((123, 123),))],
    "web-browsing": [Service("tcp", ((80, 80),))],
    "ssl": [Service("tcp", ((443, 443),))],
    "stun": [Service("udp", ((3478, 3479),))],
}
PREDEFINED_SERVICES: dict[str, list[Service]] = {
    "any": [ANY_SERVICE],
    "service-http": [Service("tcp", ((80, 80), (8080, 8080)))],
    "service-https": [Service("tcp", ((443, 443),))],
}


def _scopes(config: Element, vsys: Element | None) -> list[Element]:
    shared = config.find("shared")
    return [s for s in (shared, vsys) if s is not None]


def addresses(config: Element, vsys: Element | None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(address name -> values, address-group name -> members) from shared and the vsys."""
    leaves: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for scope in _scopes(config, vsys):
        for entry in entries(scope, "address"):
            value = next((text_of(entry, k) for k in ("ip-netmask", "ip-range", "fqdn") if text_of(entry, k)), "")
            leaves[entry.get("name", "")] = [value or entry.get("name", "")]
        for entry in entries(scope, "address-group"):
            groups[entry.get("name", "")] = members(entry, "static")
    return leaves, groups


def services(config: Element, vsys: Element | None) -> tuple[dict[str, list[Service]], dict[str, list[str]]]:
    """(service name -> Services, service-group name -> members)."""
    found: dict[str, list[Service]] = dict(PREDEFINED_SERVICES)
    groups: dict[str, list[str]] = {}
    for scope in _scopes(config, vsys):
        for entry in entries(scope, "service"):
            found[entry.get("name", "")] = [
                Service(proto, tuple(port_ranges(text_of(entry, f"protocol/{proto}/port"), ",")))
                for proto in ("udp", "tcp")
                if entry.find(f"protocol/{proto}") is not None
            ]
        for entry in entries(scope, "service-group"):
            groups[entry.get("name", "")] = members(entry, "members")
    return found, groups


def _rule_services(rule: Element, svc: dict[str, list[Service]], groups: dict[str, list[str]]) -> list[Service]:
    names = members(rule, "service") or ["any"]
    apps = members(rule, "application") or ["any"]
    if "application-default" not in names:
        resolved = resolve_services(names, groups, svc)
        if "any" in apps or "sip" in apps or not all(a in APP_DEFAULT_PORTS for a in apps):
            return resolved
        # App-ID admits only the named applications whatever the service's ports: SIP or RTP never matches
        # `web-browsing` on `any-tcp`, so such a rule counts with its applications' own ports only
        return [s for app in apps for s in APP_DEFAULT_PORTS[app]]
    if "any" in apps:
        return [ANY_SERVICE]
    return [s for app in apps for s in APP_DEFAULT_PORTS.get(app, [])]


def firewall_rules(config: Element, vsys: Element | None, warnings: list[str]) -> list[FirewallRule]:
    """Enabled security rules as FirewallRule facts, in rulebase order."""
    leaves, addr_groups = addresses(config, vsys)
    svc, svc_groups = services(config, vsys)
    rules: list[FirewallRule] = []
    for rule in entries(vsys, "rulebase/security/rules"):
        if text_of(rule, "disabled") == "yes":
            continue
        name = rule.get("name", "")
        action: Action = "permit" if text_of(rule, "action", "allow") == "allow" else "deny"
        resolved = _rule_services(rule, svc, svc_groups)
        unknown = [a for a in members(rule, "application") if a not in APP_DEFAULT_PORTS and a != "any"]
        if "application-default" in members(rule, "service") and unknown:
            warnings.append(f"rule {name!r}: application-default ports of {', '.join(unknown)} not known")
        rules.extend(
            build_rules(
                name,
                action,
                resolved,
                resolve_members(members(rule, "source"), addr_groups, leaves),
                resolve_members(members(rule, "destination"), addr_groups, leaves),
                f"{','.join(members(rule, 'from'))}->{','.join(members(rule, 'to'))}",
                f"{line_of(rule)} application {members(rule, 'application')} service {members(rule, 'service')}",
            )
        )
    return rules


def nat_enabled(vsys: Element | None) -> tuple[bool, str]:
    """Whether some NAT rule translates source addresses."""
    for rule in entries(vsys, "rulebase/nat/rules"):
        if rule.find("source-translation") is not None and text_of(rule, "disabled") != "yes":
            return True, f"{line_of(rule)} with source-translation"
    return False, "no NAT rule with source-translation"
