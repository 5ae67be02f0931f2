"""Small helpers the rules share: port selection, interface matching, evidence text."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from netutils.interface import canonical_interface_name

from checks.base import Outcome, SiteContext
from core.models.common import Status
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts, FirewallRule, Port
from core.plan import Link

# Worst first: the order a fixture's or a subject's statuses are summarised in.
STATUS_ORDER = (Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS, Status.NA)


def listed(items: Iterable[object]) -> str:
    """Items for a sentence, never a Python list repr.

    >>> listed(["203.0.113.10/32", "203.0.113.11/32"])
    "203.0.113.10/32, 203.0.113.11/32"
    >>> listed([])
    "none"
    """
    text = ", ".join(str(i) for i in items)
    return text or "none"


def port_list(ports: Iterable[int], limit: int = 8) -> str:
    """Ports for a sentence, long lists cut with a count.

    >>> port_list([5060])
    "5060"
    >>> port_list(range(10000, 10020), limit=3)
    "10000, 10001, 10002 … (20 ports, 10000-10019)"
    """
    found = sorted(set(ports))
    if len(found) <= limit:
        return listed(found)
    return f"{listed(found[:limit])} … ({len(found)} ports, {found[0]}-{found[-1]})"


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of ``statuses`` (n/a when there are none)."""
    seen = set(statuses)
    return next((s for s in STATUS_ORDER if s in seen), Status.NA)


@lru_cache(maxsize=8192)  # rules compare every port with every subject: one netutils call per spelling
def interface_key(name: str) -> str:
    """One spelling per interface (``Gi0/1`` and ``GigabitEthernet0/1`` give the same key)."""
    return canonical_interface_name(name).lower()


def same_interface(a: str, b: str) -> bool:
    """True when two spellings name the same interface (``Gi0/1`` and ``GigabitEthernet0/1``)."""
    return a == b or interface_key(a) == interface_key(b)


def port_evidence(ports: Iterable[Port]) -> str:
    """The config lines of ``ports`` (``interface NAME`` when a parser kept none)."""
    return "\n".join(p.evidence.strip() or f"interface {p.name}" for p in ports)


def names(ports: Iterable[Port], limit: int = 8) -> str:
    """A short comma list of port names."""
    items = [p.name for p in ports]
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def port_names(ports: Iterable[Port]) -> tuple[str, ...]:
    """The names of ``ports``, as the subjects of an outcome."""
    return tuple(p.name for p in ports)


def rule_evidence(rules: Iterable[FirewallRule]) -> str:
    """The config lines of firewall rules (a summary when a parser kept none)."""
    out = []
    for r in rules:
        ports = ",".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in r.dst_ports) or "all"
        summary = f"{r.name or 'rule'}: {r.action} {r.protocol} {','.join(r.sources)} -> {','.join(r.destinations)}"
        out.append(r.evidence.strip() or f"{summary} ports {ports}")
    return "\n".join(out)


def fact_evidence(facts: DeviceFacts, *keys: str) -> str:
    """The lines a parser recorded for fact ``keys``."""
    return "\n".join(facts.evidence[k].strip() for k in keys if facts.evidence.get(k, "").strip())


def up_ports(facts: DeviceFacts) -> list[Port]:
    """Ports that are not administratively down."""
    return [p for p in facts.ports if not p.shutdown]


def lldp_phone_ports(facts: DeviceFacts) -> set[str]:
    """Canonical names of ports where LLDP/CDP saw a phone."""
    return {canonical_interface_name(n.local_port).lower() for n in facts.lldp_neighbors if n.is_phone}


def has_phone(facts: DeviceFacts, port: Port, phones: set[str] | None = None) -> bool:
    """True when a phone is known to sit on ``port`` (port flag or LLDP neighbour); ``phones`` is
    ``lldp_phone_ports(facts)`` when the caller asks for many ports (a set built once, not once a port)."""
    if port.phone_attached:
        return True
    phones = lldp_phone_ports(facts) if phones is None else phones
    return bool(phones) and canonical_interface_name(port.name).lower() in phones


def access_ports(facts: DeviceFacts) -> list[Port]:
    """Switch access ports that are up (the ports phones plug into)."""
    return [p for p in up_ports(facts) if p.mode == "access" and not p.is_wan]


def voice_ports(facts: DeviceFacts) -> list[Port]:
    """Ports that are up and carry a voice VLAN or a phone."""
    phones = lldp_phone_ports(facts)
    return [p for p in up_ports(facts) if not p.is_wan and (p.voice_vlan is not None or has_phone(facts, p, phones))]


def wan_ports(facts: DeviceFacts) -> list[Port]:
    """WAN-facing ports that are up."""
    return [p for p in up_ports(facts) if p.is_wan]


def link_for_port(port: Port, ctx: SiteContext, facts: DeviceFacts | None = None) -> Link | None:
    """The planned WAN link a WAN port serves.

    The only link; else one whose name or provider the port description mentions; else, for a
    device with a single WAN port, the site's single primary link.
    """
    if len(ctx.links) == 1:
        return ctx.links[0]
    text = port.description.lower()
    for link in ctx.links:
        if link.name.lower() in text or (link.provider and link.provider.lower() in text):
            return link
    primaries = [x for x in ctx.links if x.role == "primary"]
    if facts is not None and len(wan_ports(facts)) == 1 and len(primaries) == 1:
        return primaries[0]
    return None


def serves_link(facts: DeviceFacts, link: Link, ctx: SiteContext) -> bool:
    """True when one of the device's WAN ports serves ``link``."""
    return any(link_for_port(p, ctx, facts) == link for p in wan_ports(facts))


def path_edges(link: Link | None, ctx: SiteContext) -> list[DeviceRecord]:
    """The parsed devices with a WAN port serving ``link`` (the edge of that link's path)."""
    if link is None:
        return []
    return [d for d in ctx.devices if d.facts is not None and serves_link(d.facts, link, ctx)]


def off_path(facts: DeviceFacts, link: Link | None, ctx: SiteContext) -> bool:
    """True for a device that is the edge of other links only: ``link``'s traffic does not cross it."""
    return link is not None and bool(wan_ports(facts)) and not serves_link(facts, link, ctx)


def nat_or_filter(facts: DeviceFacts) -> bool:
    """True for a device that NATs or filters traffic (router/firewall, not a plain switch)."""
    return bool(facts.nat_enabled) or bool(facts.firewall_rules)


def is_any(addresses: Iterable[str]) -> bool:
    """True when an address list means 'anywhere' (a range over the whole address space included)."""
    words = ("any", "all", "0.0.0.0/0", "::/0", "*", "any4", "any6", "")
    return any(a.strip().lower() in words or _whole_space(a) for a in addresses)


def _networks(address: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The prefixes of an address, a prefix or a ``first-last`` range (FortiGate iprange, PAN-OS ip-range,
    Junos range-address); None for a name (an object we cannot resolve)."""
    first, dash, last = address.strip().partition("-")
    try:
        if dash:
            return list(ipaddress.summarize_address_range(ipaddress.ip_address(first), ipaddress.ip_address(last)))
        return [ipaddress.ip_network(address.strip(), strict=False)]
    except (ValueError, TypeError):
        return None


def _whole_space(address: str) -> bool:
    return "-" in address and (nets := _networks(address)) is not None and any(n.prefixlen == 0 for n in nets)


def within(addresses: Iterable[str], allowed: Iterable[str]) -> bool | None:
    """True when every address lies inside ``allowed`` prefixes; None when some are names (objects)."""
    nets = [ipaddress.ip_network(a, strict=False) for a in allowed]
    verdict: bool | None = True
    for addr in addresses:
        found = _networks(addr)
        if found is None:
            verdict = None  # an address object name we cannot resolve
            continue
        for net in found:
            if not any(net.version == n.version and net.subnet_of(n) for n in nets):  # type: ignore[arg-type]
                return False
    return verdict


def na(message: str, evidence: str = "") -> Outcome:
    """A not-applicable outcome."""
    return Outcome(Status.NA, message, evidence or message)


def unknown(message: str, evidence: str = "") -> Outcome:
    """An outcome for missing data (never a pass)."""
    return Outcome(Status.UNKNOWN, message, evidence or message)


def probe_not_run(probe: str) -> Outcome:
    """A link rule's outcome when the probe it reads did not run on the link: unknown, never a pass.

    >>> probe_not_run("NAT").message
    'NAT probe not run on this link'
    """
    return unknown(f"{probe} probe not run on this link")
