"""Firewall helpers for the SIP/RTP rules: which permits touch voice, and how wide they are."""

from __future__ import annotations

from assess.models.facts import DeviceFacts, FirewallRule
from checks.base import Outcome
from checks.common import na, unknown

# Platforms that filter by default: no parsed rule there means missing data, not 'no firewall'.
STATEFUL_FIREWALLS = ("cisco_asa", "fortinet", "paloalto_panos", "juniper_junos")


def no_rules_outcome(facts: DeviceFacts) -> Outcome | None:
    """The outcome when a device has no firewall rules to judge (None when it has some)."""
    if facts.firewall_rules:
        return None
    if facts.platform in STATEFUL_FIREWALLS:
        return unknown(f"{facts.platform}: no firewall rules were parsed")
    return na("no filtering rules on this device")


def overlaps(rule: FirewallRule, low: int, high: int, protocols: tuple[str, ...] = ("udp", "any")) -> bool:
    """True when a permit rule lets ``protocols`` through to some port in [low, high]."""
    if rule.action != "permit" or rule.protocol not in protocols:
        return False
    if not rule.dst_ports:
        return rule.protocol != "any"  # 'permit ip any any' is general policy, judged elsewhere
    return any(lo <= high and low <= hi for lo, hi in rule.dst_ports)


def covered(rules: list[FirewallRule], low: int, high: int) -> list[tuple[int, int]]:
    """Sub-ranges of [low, high] that no permit rule for UDP covers."""
    spans = sorted(
        (max(lo, low), min(hi, high))
        for r in rules
        if r.action == "permit" and r.protocol in ("udp", "any")
        for lo, hi in (r.dst_ports or ([(1, 65535)] if r.protocol == "udp" else []))
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
