"""IOS / IOS-XE NAT, SIP ALG and UDP translation timeout facts.

IOS runs its SIP ALG on every NAT translation of UDP/TCP 5060 unless
``no ip nat service sip udp port 5060`` (and ``... tcp ...``) is configured; a
zone-based firewall ``inspect`` of ``match protocol sip``, or a classic CBAC
``ip inspect name X sip`` rule applied to an interface, is a second SIP ALG.
"""

from __future__ import annotations

import re

from core.models.facts import DeviceFacts
from platforms.parsers.cisco_common import blocks, canonical, top_lines
from platforms.parsers.config_tree import ConfigTree

DEFAULT_UDP_TIMEOUT_S = 300
DEFAULT_ZBFW_UDP_IDLE_S = 30
DEFAULT_CBAC_UDP_IDLE_S = 30  # `ip inspect udp idle-time` default (Cisco IOS Security Command Reference)


def nat_facts(facts: DeviceFacts, conf: ConfigTree) -> None:
    """Fill nat_enabled, sip_alg and udp_timeout_s from the config."""
    rules = [m.group(0) for m in top_lines(conf, r"^ip nat (?:inside |outside )?source .*")]
    nvi = [canonical(str(o.parent.text).split(None, 1)[1]) for o in conf.find_objects(r"^\s+ip nat enable$")]
    outside = [p.name for p in facts.ports if p.nat_side == "outside"] + nvi  # NVI: `ip nat enable`
    facts.nat_enabled = bool(rules and outside)
    facts.evidence["nat_enabled"] = "\n".join(rules + [f"interface {n}: ip nat outside" for n in outside]) or (
        "no `ip nat ... source` rule with an `ip nat outside` interface"
    )
    no_udp = top_lines(conf, r"^no ip nat service sip udp port 5060")
    no_tcp = top_lines(conf, r"^no ip nat service sip tcp port 5060")
    zbfw = zbfw_sip_inspect(conf) or cbac_sip_inspect(conf)
    if zbfw:
        facts.sip_alg, facts.sip_alg_evidence = "enabled", zbfw
    elif not facts.nat_enabled:
        facts.sip_alg = "disabled"
        facts.sip_alg_evidence = "no NAT configured: the IOS SIP ALG only acts on NAT translations"
    elif no_udp:
        facts.sip_alg = "disabled"
        facts.sip_alg_evidence = no_udp[0].group(0) + (
            f"\n{no_tcp[0].group(0)}"
            if no_tcp
            else "\n(SIP ALG still active for TCP 5060: add `no ip nat service sip tcp port 5060`)"
        )
    else:
        facts.sip_alg = "enabled"
        facts.sip_alg_evidence = (
            "NAT is configured and `no ip nat service sip udp port 5060` is absent (ALG on by default)"
        )
    facts.evidence["sip_alg"] = facts.sip_alg_evidence
    _udp_timeout(facts, conf)


def _udp_timeout(facts: DeviceFacts, conf: ConfigTree) -> None:
    """The shortest idle timeout a UDP flow meets: the NAT translation and a zone firewall's session."""
    candidates: list[tuple[int, str]] = []
    found = top_lines(conf, r"^ip nat translation udp-timeout (\d+|never)")
    if found and found[0].group(1).isdecimal() and len(found[0].group(1)) < 10:
        candidates.append((int(found[0].group(1)), found[0].group(0)))
    elif found:
        facts.evidence["udp_timeout_s"] = f"{found[0].group(0)} (UDP translations never expire)"
    elif facts.nat_enabled:
        candidates.append((DEFAULT_UDP_TIMEOUT_S, "no `ip nat translation udp-timeout`: IOS default 300 s"))
    for firewall in (zone_firewall_udp_idle(conf), cbac_udp_idle(conf)):
        if firewall is not None:
            candidates.append(firewall)
    if candidates:
        facts.udp_timeout_s, facts.evidence["udp_timeout_s"] = min(candidates)


def zone_firewall_udp_idle(conf: ConfigTree) -> tuple[int, str] | None:
    """UDP session idle time of a zone-based firewall in use (``udp idle-time``, default 30 s)."""
    if not top_lines(conf, r"^zone-pair security "):
        return None
    for match, lines, _ in blocks(conf, r"^parameter-map type inspect(?: global| \S+)"):
        for line in lines:
            if (m := re.match(r"^udp idle-time (\d{1,9})$", line)) is not None:
                return int(m.group(1)), f"{match.group(0)}\n {line}"
    return DEFAULT_ZBFW_UDP_IDLE_S, "zone-based firewall without `udp idle-time`: UDP sessions idle out after 30 s"


def zbfw_sip_inspect(conf: ConfigTree) -> str:
    """Evidence of a zone-based firewall inspecting SIP (an ALG), or ''."""
    sip_classes = {
        m.group(1): ev
        for m, lines, ev in blocks(conf, r"^class-map type inspect (?:match-any |match-all )?(\S+)")
        if any(line.startswith("match protocol sip") for line in lines)
    }
    for obj in conf.find_objects(r"^policy-map type inspect "):
        for cls in obj.children:
            name = str(cls.text).split()[-1]
            if name in sip_classes and any(str(c.text).strip().startswith("inspect") for c in cls.children):
                return f"{sip_classes[name]}\n{obj.text}\n{cls.text}\n  inspect"
    return ""


def cbac_rules_applied(conf: ConfigTree) -> dict[str, list[str]]:
    """CBAC rule sets applied with ``ip inspect NAME in|out`` on an interface: name -> their lines."""
    applied = {str(o.text).split()[2] for o in conf.find_objects(r"^\s+ip inspect \S+ (in|out)$")}
    found: dict[str, list[str]] = {}
    for m in top_lines(conf, r"^ip inspect name (\S+) (.+)"):
        if m.group(1) in applied:
            found.setdefault(m.group(1), []).append(m.group(0))
    return found


def cbac_sip_inspect(conf: ConfigTree) -> str:
    """Evidence of classic CBAC inspecting SIP on some interface (an ALG), or ''."""
    for lines in cbac_rules_applied(conf).values():
        if sip := [ln for ln in lines if re.match(r"^ip inspect name \S+ sip\b", ln)]:
            return sip[0]
    return ""


def cbac_udp_idle(conf: ConfigTree) -> tuple[int, str] | None:
    """UDP idle time of an applied CBAC rule set inspecting UDP (per-rule timeout, global, or 30 s)."""
    rules = [ln for lines in cbac_rules_applied(conf).values() for ln in lines]
    udp = [ln for ln in rules if re.match(r"^ip inspect name \S+ udp", ln)]
    if not udp:
        return None
    if m := re.search(r"\btimeout (\d{1,9})\b", udp[0]):
        return int(m.group(1)), udp[0]
    if found := top_lines(conf, r"^ip inspect udp idle-time (\d{1,9})$"):
        return int(found[0].group(1)), f"{udp[0]}\n{found[0].group(0)}"
    return DEFAULT_CBAC_UDP_IDLE_S, f"{udp[0]}\n(no `ip inspect udp idle-time`: CBAC default 30 s)"
