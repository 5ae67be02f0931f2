"""Junos SRX security set-paths: policies (with address books and applications resolved), NAT, SIP ALG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from core.models.facts import FirewallRule, SipAlgState
from core.service_ports import SIP_PORT
from platforms.parsers.common import port_range
from platforms.parsers.firewall import (
    ANY_SERVICE,
    Action,
    Protocol,
    Service,
    build_rules,
    resolve_members,
    resolve_services,
)
from platforms.parsers.junos_config import Path, as_set_line, with_prefix

# SRX's default inactivity timeout for UDP flows without an application-specific one.
SRX_DEFAULT_UDP_TIMEOUT_S = 60

# Predefined Junos applications that matter for voice (and the common catch-alls).
PREDEFINED: dict[str, list[Service]] = {
    "any": [ANY_SERVICE],
    "junos-sip": [Service("udp", ((SIP_PORT, SIP_PORT),)), Service("tcp", ((SIP_PORT, SIP_PORT),))],
    "junos-udp-any": [Service("udp")],
    "junos-tcp-any": [Service("tcp")],
    "junos-dns-udp": [Service("udp", ((53, 53),))],
    "junos-ntp": [Service("udp", ((123, 123),))],
    "junos-http": [Service("tcp", ((80, 80),))],
    "junos-https": [Service("tcp", ((443, 443),))],
    "junos-ssh": [Service("tcp", ((22, 22),))],
    "junos-icmp-all": [Service("other")],
    "junos-ping": [Service("other")],
}
_PORT_NAMES = {"sip": SIP_PORT, "http": 80, "https": 443, "ssh": 22, "domain": 53, "ntp": 123}


class JunosApplications(NamedTuple):
    """Custom applications and sets, with their inactivity timeouts."""

    services: dict[str, list[Service]]
    groups: dict[str, list[str]]
    timeouts: dict[str, int]


def sip_alg(paths: Sequence[Path], is_srx: bool) -> tuple[SipAlgState, str]:
    """SIP ALG state: SRX enables it by default unless ``security alg sip disable``."""
    disabled = next(with_prefix(paths, "security", "alg", "sip", "disable"), None)
    if disabled is not None:
        return "disabled", as_set_line(disabled)
    if is_srx:
        return "enabled", "no 'set security alg sip disable': the SRX SIP ALG is on by default"
    return "unknown", "no security (flow) configuration: not an SRX, SIP ALG state unknown"


def nat_enabled(paths: Sequence[Path], is_srx: bool) -> tuple[bool | None, str]:
    """Whether source/destination/static NAT rules exist (None when the box has no NAT config at all)."""
    for path in paths:
        if path[:2] == ("security", "nat") and "rule" in path and "then" in path:
            return True, as_set_line(path)
        if path[:2] == ("services", "nat"):
            return True, as_set_line(path)
    return (False, "no 'security nat' rules") if is_srx else (None, "")


def _addresses(paths: Sequence[Path]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(address name -> values, address-set name -> member names) from global and zone address books."""
    leaves: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    for path in paths:
        if path[:2] == ("security", "address-book") and len(path) > 4:
            rest = path[3:]
        elif path[:3] == ("security", "zones", "security-zone") and "address-book" in path:
            rest = path[path.index("address-book") + 1 :]
        else:
            continue
        if not rest:
            continue
        if rest[0] == "address" and len(rest) > 2:
            value = rest[3] if rest[2] in ("dns-name", "wildcard-address") and len(rest) > 3 else rest[2]
            if rest[2] == "range-address" and len(rest) > 5:
                value = f"{rest[3]}-{rest[5]}"
            leaves.setdefault(rest[1], []).append(value)
        elif rest[0] == "address-set" and len(rest) > 3 and rest[2] in ("address", "address-set"):
            groups.setdefault(rest[1], []).append(rest[3])
    return leaves, groups


def _port(text: str) -> tuple[int, int] | None:
    if text in _PORT_NAMES:
        return _PORT_NAMES[text], _PORT_NAMES[text]
    return port_range(text)


def applications(paths: Sequence[Path]) -> JunosApplications:
    """Custom applications (with terms) and application-sets."""
    protos: dict[tuple[str, str], str] = {}
    ports: dict[tuple[str, str], list[tuple[int, int]]] = {}
    apps = JunosApplications({}, {}, {})
    for path in with_prefix(paths, "applications", None, None):
        kind, name, rest = path[1], path[2], path[3:]
        if kind == "application-set" and len(rest) > 1 and rest[0] in ("application", "application-set"):
            apps.groups.setdefault(name, []).append(rest[1])
            continue
        term = rest[1] if rest[:1] == ("term",) and len(rest) > 1 else ""
        rest = rest[2:] if term else rest
        # a term is one statement per attribute, or all on one line (``term t1 protocol udp destination-port 53;``)
        for key, value in zip(rest[::2], rest[1::2], strict=False):
            if key == "protocol":
                protos[(name, term)] = value
            elif key == "destination-port" and (rng := _port(value)) is not None:
                ports.setdefault((name, term), []).append(rng)
            elif key == "inactivity-timeout" and value.isdecimal():
                apps.timeouts[name] = int(value)
    for (name, term), proto in protos.items():
        protocol: Protocol = "udp" if proto == "udp" else "tcp" if proto == "tcp" else "other"
        apps.services.setdefault(name, []).append(Service(protocol, tuple(ports.get((name, term), []))))
    return apps


def firewall_rules(paths: Sequence[Path], apps: JunosApplications) -> list[FirewallRule]:
    """Security policies (zone pairs and global) resolved to FirewallRule facts."""
    leaves, groups = _addresses(paths)
    services = PREDEFINED | apps.services
    policies: dict[tuple[str, str], dict[str, list[str]]] = {}
    lines: dict[tuple[str, str], list[str]] = {}
    for path in with_prefix(paths, "security", "policies"):
        if path[2:3] == ("from-zone",) and len(path) > 7 and path[6] == "policy":
            key, rest = (f"{path[3]}->{path[5]}", path[7]), path[8:]
        elif path[2:4] == ("global", "policy") and len(path) > 4:
            key, rest = ("global", path[4]), path[5:]
        else:
            continue
        fields = policies.setdefault(key, {})
        lines.setdefault(key, []).append(as_set_line(path))
        if len(rest) >= 3 and rest[0] == "match":
            fields.setdefault(rest[1], []).append(rest[2])
        elif len(rest) >= 2 and rest[0] == "then":
            fields.setdefault("action", []).append(rest[1])
    rules: list[FirewallRule] = []
    for (direction, name), fields in policies.items():
        verdicts = fields.get("action", [])
        action: Action = "permit" if "permit" in verdicts else "deny"
        if not verdicts:
            continue
        rules.extend(
            build_rules(
                name,
                action,
                _services(fields.get("application", ["any"]), apps, services),
                resolve_members(fields.get("source-address", ["any"]), groups, leaves),
                resolve_members(fields.get("destination-address", ["any"]), groups, leaves),
                direction,
                "\n".join(lines[(direction, name)]),
            )
        )
    return rules + _default_policy(paths)


def _services(names: list[str], apps: JunosApplications, services: dict[str, list[Service]]) -> list[Service]:
    """The applications' services; a predefined application this parser does not list (junos-dhcp-relay,
    junos-finger ...) is one narrow application, not 'no traffic' and not every port."""
    known = resolve_services(names, apps.groups, services)
    unknown = [n for n in names if n not in services and n not in apps.groups]
    return known + ([Service("other")] if unknown else [])


def _default_policy(paths: Sequence[Path]) -> list[FirewallRule]:
    """``security policies default-policy permit-all``: every flow no policy matched is permitted."""
    found = next(with_prefix(paths, "security", "policies", "default-policy", "permit-all"), None)
    if found is None:
        return []
    return build_rules("default-policy", "permit", [ANY_SERVICE], ["any"], ["any"], "default", as_set_line(found))


def _filter_term(path: Path) -> tuple[str, str, Path] | None:
    """(filter, term, rest) of a stateless firewall filter path."""
    if path[:3] == ("firewall", "family", "inet") and len(path) > 7 and path[3] == "filter" and path[5] == "term":
        return path[4], path[6], path[7:]
    if path[:2] == ("firewall", "filter") and len(path) > 5 and path[3] == "term":
        return path[2], path[4], path[5:]
    return None


def filter_rules(paths: Sequence[Path]) -> list[FirewallRule]:
    """Stateless ``firewall family inet filter`` terms (routers and switches) as FirewallRule facts."""
    prefix_lists: dict[str, list[str]] = {}
    for path in with_prefix(paths, "policy-options", "prefix-list", None, None):
        prefix_lists.setdefault(path[2], []).append(path[3])
    terms: dict[tuple[str, str], dict[str, list[str]]] = {}
    lines: dict[tuple[str, str], list[str]] = {}
    for path in with_prefix(paths, "firewall"):
        found = _filter_term(path)
        if found is None or len(found[2]) < 2:
            continue
        name, term, rest = found
        fields = terms.setdefault((name, term), {})
        lines.setdefault((name, term), []).append(as_set_line(path))
        if rest[0] == "from" and len(rest) > 2:
            fields.setdefault(rest[1], []).append(rest[2])
        elif rest[0] == "then":
            fields.setdefault("then", []).append(rest[1])
    rules: list[FirewallRule] = []
    for (name, term), fields in terms.items():
        verdicts = fields.get("then", [])
        if not any(v in ("accept", "discard", "reject") for v in verdicts):
            continue
        protocols = fields.get("protocol", [])
        protocol: Protocol = (
            "any" if not protocols else "udp" if protocols == ["udp"] else "tcp" if protocols == ["tcp"] else "other"
        )
        ports = tuple(r for p in fields.get("destination-port", []) if (r := _port(p)) is not None)
        sources = fields.get("source-address", []) + [
            a for n in fields.get("source-prefix-list", []) for a in prefix_lists.get(n, [n])
        ]
        rules.extend(
            build_rules(
                f"{name} term {term}",
                "permit" if "accept" in verdicts else "deny",
                [Service(protocol, ports)],
                sources or ["any"],
                fields.get("destination-address", []) or ["any"],
                f"filter {name}",
                "\n".join(lines[(name, term)]),
            )
        )
    return rules


def udp_timeout(paths: Sequence[Path], apps: JunosApplications, is_srx: bool) -> tuple[int | None, str]:
    """Shortest inactivity timeout among custom UDP applications, else the SRX default."""
    udp_apps = {n: t for n, t in apps.timeouts.items() if any(s.protocol == "udp" for s in apps.services.get(n, []))}
    if udp_apps:
        name = min(udp_apps, key=lambda n: udp_apps[n])
        return udp_apps[name], f"set applications application {name} inactivity-timeout {udp_apps[name]}"
    if is_srx:
        return SRX_DEFAULT_UDP_TIMEOUT_S, "SRX default UDP inactivity timeout (no application overrides it)"
    return None, ""
