"""Firewall helpers for the SIP/RTP rules: which permits touch voice, and how wide they are."""

from __future__ import annotations

import re
from typing import NamedTuple

from checks.base import Outcome
from checks.common import interface_key, is_any, na, rule_evidence, unknown, within
from checks.platforms import STATEFUL_FIREWALLS
from core.models.common import Status
from core.models.facts import DeviceFacts, FirewallRule

# The netfilter hooks a packet from outside crosses: to the box itself, or through it to the LAN.
INBOUND_HOOKS = ("input", "forward")


def no_rules_outcome(facts: DeviceFacts) -> Outcome | None:
    """The outcome when a device has no firewall rules to judge (None when it has some)."""
    if facts.firewall_rules or drops_by_policy(facts):
        return None
    if facts.platform in STATEFUL_FIREWALLS:
        return unknown(f"{facts.platform}: no firewall rules were parsed")
    return na("no filtering rules on this device")


def filters_nothing(facts: DeviceFacts) -> bool:
    """True when every inbound filter hook accepts by default and no rule drops: the box lets anything in.

    Only devices whose hook policies were read (netfilter) can say so; elsewhere the policies are unknown.
    """
    policies = facts.filter_policies
    accepting = bool(policies) and all(policies.get(hook) == "accept" for hook in INBOUND_HOOKS)
    return accepting and not any(rule.action == "deny" for rule in facts.firewall_rules)


NOTHING_FILTERED = f"nothing is filtered inbound: {' and '.join(INBOUND_HOOKS)} accept by default and no rule drops"


def nothing_blocked_outcome(facts: DeviceFacts) -> Outcome | None:
    """n/a for a rule asking whether voice gets through, on a box that filters nothing (None otherwise).

    A port no rule permits is open all the same, so "not permitted" (stateful pinholes only, a missing TLS
    permit) would be untrue. Explicit permits are still judged by the rules that scope them.
    """
    return na(NOTHING_FILTERED, _policy_evidence(facts)) if filters_nothing(facts) else None


def open_to_all_outcome(
    facts: DeviceFacts, status: Status, exposed: str, permits: list[FirewallRule]
) -> Outcome | None:
    """``status`` for a rule asking whether voice is exposed, on a box that filters nothing (None otherwise).

    Its ``permits`` (kept for the fix, which narrows them and makes the hook drop the rest) scope nothing there:
    the accept policy lets ``exposed`` in from every source, the widest exposure there is (as an ASA's
    ``access-group ... global`` ``permit ip any any``).
    """
    if not filters_nothing(facts):
        return None
    evidence = "\n".join(e for e in (_policy_evidence(facts), rule_evidence(permits)) if e)
    return Outcome(status, f"{NOTHING_FILTERED}: {exposed}", evidence, rules=tuple(permits))


def _policy_evidence(facts: DeviceFacts) -> str:
    return facts.evidence.get("filter_policies") or ", ".join(f"{h} {v}" for h, v in facts.filter_policies.items())


def drops_by_policy(facts: DeviceFacts) -> bool:
    """True when an inbound filter hook drops what no rule accepts (a base chain with ``policy drop``)."""
    return any(facts.filter_policies.get(hook) == "drop" for hook in INBOUND_HOOKS)


def to_provider(rule: FirewallRule, provider: list[str]) -> bool:
    """True for a permit going out to the provider (every destination inside its prefixes).

    Such a rule is the site's own calls leaving, not the outside getting in: its source is
    the voice LAN by design and must not be judged, nor "fixed", as an open inbound permit.
    """
    return bool(provider) and not is_any(rule.destinations) and within(rule.destinations, provider) is True


# Zone names that mean the outside world in zone-based policies (SRX ``from-zone``, PAN-OS ``from``).
_OUTSIDE_ZONE = re.compile(r"untrust|outside|external|internet|\bwan", re.IGNORECASE)


def _zone_flow(rule: FirewallRule) -> str:
    """'in' for a zone policy from an outside-named zone to another, 'out' for the reverse, '' otherwise."""
    source, arrow, destination = rule.direction.partition("->")
    if not arrow:
        return ""
    outside_from, outside_to = bool(_OUTSIDE_ZONE.search(source)), bool(_OUTSIDE_ZONE.search(destination))
    return "in" if outside_from and not outside_to else "out" if outside_to and not outside_from else ""


# Rules that apply to every flow whatever its zones or interfaces: a Cisco ``access-group ... global`` (and a
# FortiGate policy on a load balancer's tunnel zone, which every flow crosses), an SRX ``default-policy permit-all``.
GLOBAL_DIRECTIONS = ("global", "default")


class InterfaceSides(NamedTuple):
    """Interface keys (see :func:`checks.common.interface_key`) of a device's outside and inside interfaces."""

    outside: frozenset[str]
    inside: frozenset[str]


def interface_sides(facts: DeviceFacts) -> InterfaceSides:
    """Which side each interface of a device faces, for telling which way an ACL bound to it filters.

    Outside: the ports the parser marked WAN (ASA ``nameif outside`` or ``security-level 0``, IOS ``ip nat
    outside``, a WAN description or type, the default route's egress). Inside: every other port once the device's
    outside is known, and a ``nat inside`` port. With neither, a port's side is unknown. A device with no ACL
    bound to an interface needs no sides (a switch's thousands of ports are not looked at).
    """
    if not any(acl_binding(rule) for rule in facts.firewall_rules):
        return InterfaceSides(frozenset(), frozenset())
    outside = frozenset(interface_key(p.name) for p in facts.ports if p.is_wan)
    inside = frozenset(
        interface_key(p.name) for p in facts.ports if not p.is_wan and (outside or p.nat_side == "inside")
    )
    return InterfaceSides(outside, inside)


def acl_binding(rule: FirewallRule) -> tuple[str, str] | None:
    """(interface, ``in`` or ``out``) of a rule from an ACL bound to an interface (Cisco ``access-group``).

    >>> acl_binding(FirewallRule(action="permit", direction="GigabitEthernet0/1 in"))
    ('GigabitEthernet0/1', 'in')
    >>> acl_binding(FirewallRule(action="permit", direction="trust->untrust")) is None
    True
    """
    interface, _, way = rule.direction.partition(" ")
    return (interface, way) if interface and way in ("in", "out") else None


def _acl_flow(rule: FirewallRule, sides: InterfaceSides) -> str:
    """'in' for an ACL bound ``in`` on an outside interface or ``out`` on an inside one (it filters what comes in),
    'out' for the reverse (it filters the site's own traffic leaving), '' when its interface's side is unknown."""
    binding = acl_binding(rule)
    if binding is None:
        return ""
    key = interface_key(binding[0])
    if key not in sides.outside and key not in sides.inside:
        return ""
    return "in" if (binding[1] == "in") == (key in sides.outside) else "out"


def rule_flow(rule: FirewallRule, sides: InterfaceSides) -> str:
    """'in' when a rule filters what comes in from outside, 'out' when it filters what leaves, '' when unknown."""
    return _zone_flow(rule) or _acl_flow(rule, sides)


def leaves_for_outside(rule: FirewallRule, sides: InterfaceSides) -> bool:
    """True for a rule on the site's own traffic leaving, whatever ports it names: a zone policy from inside zones
    out to an outside zone (PAN-OS ``internal->external``, SRX ``trust->untrust``, FortiGate ``lan->wan1``), an
    ACL bound ``in`` on an inside interface or ``out`` on the outside (ASA ``access-group INSIDE_IN in interface
    inside``, IOS ``ip access-group LAN-IN in`` on the LAN).

    It lets nothing in from outside (replies come back by state), so it neither opens the RTP range or SIP
    inbound nor exposes them: the inbound rules judge only what comes in.
    """
    return rule_flow(rule, sides) == "out"


def opens_all_udp_inbound(rule: FirewallRule, sides: InterfaceSides) -> bool:
    """A port-less ``permit ip|udp any ...`` applied inbound or globally (Cisco ``access-group``, SRX
    ``default-policy``), or in a zone policy from an outside zone (SRX ``from-zone untrust``): every UDP port in.

    Other port-less permits (a LAN-to-WAN forward, a conntrack-established accept, an ACL bound ``in`` on an
    inside interface) are general policy, not an opening for SIP/RTP from outside. Nor is an ACL bound ``out``
    on an inside interface: it only narrows what the outside lets in (an ASA's outside ACL or security levels
    still decide), so only the ports it names count.
    """
    inbound = rule.direction in GLOBAL_DIRECTIONS or rule.direction.endswith(" in") or _zone_flow(rule) == "in"
    permit_all = rule.action == "permit" and rule.protocol in ("any", "udp") and not rule.dst_ports
    return permit_all and inbound and is_any(rule.sources) and not leaves_for_outside(rule, sides)


def overlaps(rule: FirewallRule, sides: InterfaceSides, low: int, high: int, media: list[str]) -> bool:
    """True when a permit rule lets UDP in to some port in [low, high]."""
    if rule.action != "permit" or rule.protocol not in ("udp", "any"):
        return False
    return any(lo <= high and low <= hi for lo, hi in _all_ports(rule, sides, media))


def permits_into(facts: DeviceFacts, low: int, high: int, media: list[str]) -> list[FirewallRule]:
    """The permits that let UDP in to some port in [low, high]."""
    sides = interface_sides(facts)
    return [r for r in facts.firewall_rules if overlaps(r, sides, low, high, media)]


def _all_ports(rule: FirewallRule, sides: InterfaceSides, media: list[str]) -> list[tuple[int, int]]:
    """The UDP ports a permit lets in: all of them for a port-less UDP permit from anywhere or from the media
    sources, none for a rule on traffic leaving (see :func:`leaves_for_outside`).

    A port-less permit from one unrelated host (an NTP server's replies) does not open RTP.
    """
    if opens_all_udp_inbound(rule, sides):
        return [(1, 65535)]
    if leaves_for_outside(rule, sides):
        return []
    if rule.protocol != "udp" or rule.dst_ports:
        return rule.dst_ports
    if is_any(rule.sources) or (media and within(rule.sources, media) is not False):
        return [(1, 65535)]
    return []


def covered(facts: DeviceFacts, low: int, high: int, media: list[str]) -> list[tuple[int, int]]:
    """Sub-ranges of [low, high] that no permit for UDP lets in."""
    sides = interface_sides(facts)
    spans = sorted(
        (max(lo, low), min(hi, high))
        for r in facts.firewall_rules
        if r.action == "permit" and r.protocol in ("udp", "any")
        for lo, hi in _all_ports(r, sides, media)
        if lo <= high and low <= hi
    )
    gaps: list[tuple[int, int]] = []
    nxt = low
    for lo, hi in spans:
        if lo > nxt:
            gaps.append((nxt, lo - 1))
        nxt = max(nxt, hi + 1)
    if nxt <= high:
        gaps.append((nxt, high))
    return gaps


def fmt_ranges(ranges: list[tuple[int, int]]) -> str:
    """``10000-10999, 12000`` style text."""
    return ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges)
