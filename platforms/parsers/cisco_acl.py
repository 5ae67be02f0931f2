"""Cisco-style access lists (IOS, IOS-XE, NX-OS, ASA, EOS) to vendor-neutral firewall rules.

Hand-written: the config tree gives the ACL blocks but no neutral ACE model,
and the libraries that model ACEs (e.g. netutils.acl) expect already-split
fields. One ACE grammar covers all five OSes:
``[seq] permit|deny PROTO SRC [PORTS] DST [PORTS] [flags]`` where an address is
``any``, ``host A``, ``A MASK|WILDCARD``, ``A/LEN``, ``object[-group] NAME``
or ``addrgroup NAME`` and ports are ``eq P..``, ``range A B``, ``gt``, ``lt``,
``neq``, ``object-group NAME`` or ``portgroup NAME``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from core.models.facts import FirewallRule
from platforms.parsers.cisco_common import blocks, port_number, top_lines
from platforms.parsers.config_tree import ConfigTree

PortRanges = list[tuple[int, int]]
Protocol = str  # "udp" | "tcp" | "any" | "other"
MAX_GROUP_DEPTH = 8


@dataclass
class ObjectGroups:
    """Named address and service objects an ACE may refer to."""

    networks: dict[str, list[str]] = field(default_factory=dict)
    ports: dict[str, PortRanges] = field(default_factory=dict)
    port_protocol: dict[str, Protocol] = field(default_factory=dict)
    services: dict[str, list[tuple[Protocol, PortRanges]]] = field(default_factory=dict)
    nested: dict[str, list[str]] = field(default_factory=dict)

    def addresses(self, name: str, depth: int = 0) -> list[str]:
        """Addresses of a network object/group, nested groups expanded."""
        found = list(self.networks.get(name, []))
        for sub in self.nested.get(name, []):
            if depth < MAX_GROUP_DEPTH:
                found.extend(a for a in self.addresses(sub, depth + 1) if a not in found)
        return found or [f"object {name}"]

    def port_ranges(self, name: str, depth: int = 0) -> PortRanges:
        """Port ranges of a port group, nested groups expanded."""
        found = list(self.ports.get(name, []))
        for sub in self.nested.get(name, []):
            if depth < MAX_GROUP_DEPTH:
                found.extend(self.port_ranges(sub, depth + 1))
        return found


def protocol_of(token: str) -> Protocol:
    """Neutral protocol of an ACE protocol token."""
    low = token.lower()
    if low in ("ip", "ipv4", "any", "0"):
        return "any"
    if low in ("udp", "17"):
        return "udp"
    if low in ("tcp", "6"):
        return "tcp"
    if low == "tcp-udp":
        return "any"
    return "other"


def network(addr: str, mask: str = "") -> str:
    """``A MASK`` or ``A WILDCARD`` as a prefix; anything unparsable is kept as written.

    >>> network("203.0.113.0", "0.0.0.255"), network("203.0.113.0", "255.255.255.0"), network("10.1.1.1")
    ('203.0.113.0/24', '203.0.113.0/24', '10.1.1.1')
    """
    if not mask:
        return addr
    try:
        return str(ipaddress.ip_network(f"{addr}/{mask}", strict=False))
    except ValueError:
        return f"{addr} {mask}"


def _is_dotted(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 4 and all(p.isdecimal() for p in parts)


def take_address(tokens: list[str], i: int, groups: ObjectGroups) -> tuple[list[str], int]:
    """Parse an address spec at ``tokens[i]``; return addresses and the next index."""
    tok = tokens[i].lower() if i < len(tokens) else "any"
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if tok in ("any", "any4", "any6"):
        return ["any"], i + 1
    if tok == "host":
        return [nxt], i + 2
    if tok in ("object-group", "object", "addrgroup"):
        return groups.addresses(nxt), i + 2
    if tok == "interface":
        return [f"interface {nxt}"], i + 2
    if "/" in tok:
        return [network(tokens[i])], i + 1
    if _is_dotted(tok) and _is_dotted(nxt):
        return [network(tokens[i], nxt)], i + 2
    return [tokens[i]], i + 1


def take_ports(tokens: list[str], i: int, groups: ObjectGroups) -> tuple[PortRanges | None, int]:
    """Parse a port spec at ``tokens[i]`` (None when there is none); return ranges and next index."""
    tok = tokens[i].lower() if i < len(tokens) else ""
    if tok == "eq":
        ports: PortRanges = []
        j = i + 1
        while j < len(tokens) and (num := port_number(tokens[j])) is not None:
            ports.append((num, num))
            j += 1
        return ports, j
    if tok == "range" and i + 2 < len(tokens):
        lo, hi = port_number(tokens[i + 1]), port_number(tokens[i + 2])
        return ([(lo, hi)] if lo is not None and hi is not None and lo <= hi else []), i + 3
    if tok in ("gt", "lt", "neq") and i + 1 < len(tokens):
        return _compare_ports(tok, port_number(tokens[i + 1])), i + 2
    if tok in ("object-group", "portgroup") and i + 1 < len(tokens) and tokens[i + 1] in groups.ports:
        return groups.port_ranges(tokens[i + 1]), i + 2
    return None, i


def _compare_ports(op: str, num: int | None) -> PortRanges:
    if num is None:
        return []
    if op == "gt":
        return [(num + 1, 65535)] if num < 65535 else []
    if op == "lt":
        return [(0, num - 1)] if num > 0 else []
    return [r for r in ((0, num - 1), (num + 1, 65535)) if r[0] <= r[1]]


def parse_ace(line: str, groups: ObjectGroups, name: str, direction: str) -> list[FirewallRule]:
    """Firewall rules for one ACE line (empty for remarks and unparsable lines)."""
    tokens = line.split()
    if tokens and tokens[0].isdecimal():  # sequence number
        tokens = tokens[1:]
    if len(tokens) < 3 or tokens[0] not in ("permit", "deny"):
        return []
    action = "permit" if tokens[0] == "permit" else "deny"
    services = _protocol_services(tokens, groups)
    i = 3 if tokens[1] in ("object-group", "object") else 2
    sources, i = take_address(tokens, i, groups)
    _, i = take_ports(tokens, i, groups)
    destinations, i = take_address(tokens, i, groups)
    dst_ports, _ = take_ports(tokens, i, groups)
    rules: list[FirewallRule] = []
    for protocol, svc_ports in services:
        ports = dst_ports if dst_ports is not None else svc_ports
        rules.append(
            FirewallRule(
                name=name,
                action=action,
                protocol=protocol,  # type: ignore[arg-type]
                sources=sources,
                destinations=destinations,
                dst_ports=ports,
                direction=direction,
                evidence=line.strip(),
            )
        )
    return rules


def _protocol_services(tokens: list[str], groups: ObjectGroups) -> list[tuple[Protocol, PortRanges]]:
    """(protocol, ports) pairs an ACE's protocol field stands for (ASA service objects expand)."""
    if tokens[1] in ("object-group", "object") and len(tokens) > 2:
        name = tokens[2]
        if name in groups.services:
            return groups.services[name] or [("other", [])]
        if name in groups.port_protocol:
            return [(groups.port_protocol[name], groups.port_ranges(name))]
        return [("other", [])]
    return [(protocol_of(tokens[1]), [])]


def parse_service_line(words: list[str], groups: ObjectGroups) -> tuple[Protocol, PortRanges] | None:
    """ASA ``service-object udp destination eq sip`` / ``service udp destination range A B``."""
    if len(words) < 2:
        return None
    protocol = protocol_of(words[1])
    rest = words[2:]
    if rest[:1] == ["source"]:
        _, j = take_ports(rest, 1, groups)
        rest = rest[j:]
    if rest[:1] == ["destination"]:
        rest = rest[1:]
    ports, _ = take_ports(rest, 0, groups)
    return protocol, ports or []


def parse_object_groups(conf: ConfigTree) -> ObjectGroups:
    """ASA ``object``/``object-group`` (network, service, protocol) and NX-OS ``object-group ip address|port``."""
    groups = ObjectGroups()
    for match, lines, _ in blocks(
        conf, r"^object(-group)?\s+(network|service|protocol|ip\s+address|ip\s+port)\s+(\S+)(?:\s+(\S+))?"
    ):
        kind, name = match.group(2), match.group(3)
        if kind in ("network", "ip address"):  # ASA repeats `object network X` for its NAT: merge
            groups.networks.setdefault(name, [])
        elif kind == "ip port" or (kind == "service" and match.group(4)):
            groups.ports.setdefault(name, [])
            groups.port_protocol[name] = protocol_of(match.group(4) or "any")
        for line in lines:
            _object_line(groups, kind, name, line.split())
    return groups


def _object_line(groups: ObjectGroups, kind: str, name: str, words: list[str]) -> None:
    if words and words[0].isdecimal():  # NX-OS sequence numbers
        words = words[1:]
    if not words:
        return
    head = words[0]
    if head == "protocol-object" and len(words) > 1:
        groups.services.setdefault(name, []).append((protocol_of(words[1]), []))
    elif head == "group-object" and len(words) > 1:
        groups.nested.setdefault(name, []).append(words[1])
    elif head in ("service-object", "service") and (svc := parse_service_line(words, groups)):
        groups.services.setdefault(name, []).append(svc)
    elif head == "port-object" or kind == "ip port":
        ports, _ = take_ports(words, 1 if head == "port-object" else 0, groups)
        groups.ports.setdefault(name, []).extend(ports or [])
    elif head == "network-object" and len(words) > 1:
        groups.networks.setdefault(name, []).extend(take_address(words, 1, groups)[0])
    elif head in ("host", "subnet") and len(words) > 1:
        groups.networks.setdefault(name, []).extend(take_address(words, 0 if head == "host" else 1, groups)[0])
    elif head == "range" and len(words) > 2:
        groups.networks.setdefault(name, []).append(f"{words[1]}-{words[2]}")
    elif kind == "ip address":
        groups.networks.setdefault(name, []).extend(take_address(words, 0, groups)[0])


def acl_bodies(conf: ConfigTree) -> dict[str, list[str]]:
    """ACL name -> its entries, for named blocks and ASA/IOS one-line ``access-list`` forms."""
    bodies: dict[str, list[str]] = {}
    for match, lines, _ in blocks(conf, r"^(?:ip|ipv4)\s+access-list\s+(?:extended\s+)?(\S+)"):
        bodies[match.group(1)] = lines
    for m in top_lines(conf, r"^access-list\s+(\S+)\s+(?:line\s+\d+\s+)?(?:extended\s+)?((?:permit|deny)\s.*)"):
        bodies.setdefault(m.group(1), []).append(m.group(2))
    return bodies


def applied_rules(
    bodies: dict[str, list[str]], applied: list[tuple[str, str]], groups: ObjectGroups
) -> list[FirewallRule]:
    """Rules of the ACLs that are applied, as (acl name, where/direction) pairs."""
    rules: list[FirewallRule] = []
    for acl, where in applied:
        for line in bodies.get(acl, []):
            rules.extend(parse_ace(line, groups, acl, where))
    return rules


# One-line ACL entries the parser leaves aside: remarks, and the forms that filter no IP traffic of a call.
_ACL_LEFT_ASIDE = re.compile(r"(line\s+\d+\s+)?(remark|ethertype|webtype|standard)\b")
_ACL_ENTRY = re.compile(r"(?:line\s+\d+\s+)?(?:extended\s+)?((?:permit|deny)\s.*)")


def applied_acl_unread(
    conf: ConfigTree, applied: list[tuple[str, str]], groups: ObjectGroups
) -> list[tuple[str, list[str]]]:
    """(block, lines) of ``access-list NAME ...`` entries of applied ACLs that give no rule: a typo'd action,
    an address or protocol form the parser cannot read. Those are exactly the entries a firewall verdict misses."""
    names = {acl for acl, _ in applied}
    found: dict[str, list[str]] = {}
    for m in top_lines(conf, r"^access-list\s+(\S+)\s+(.*)"):
        name, rest = m.group(1), m.group(2)
        if name not in names or _ACL_LEFT_ASIDE.match(rest):
            continue
        entry = _ACL_ENTRY.match(rest)
        if entry is None or not parse_ace(entry.group(1), groups, name, ""):
            found.setdefault(f"access-list {name}", []).append(m.group(0))
    return list(found.items())


ACCESS_GROUP = re.compile(r"^ip (?:port )?access-group (\S+) (in|out)")


def interface_acls(interfaces: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """(acl, "<interface> in|out") for ``ip [port] access-group NAME in|out`` lines of interface blocks."""
    return [
        (m.group(1), f"{name} {m.group(2)}")
        for name, lines in interfaces
        for line in lines
        if (m := ACCESS_GROUP.match(line))
    ]
