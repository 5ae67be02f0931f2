"""Juniper Junos: SRX firewalls, EX switches, MX routers (set or curly-brace configuration)."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "juniper_junos"
_TOP = (
    r"(system|interfaces|security|class-of-service|vlans|protocols|firewall|routing-options|policy-options|chassis"
    r"|snmp|forwarding-options|applications|routing-instances|services|groups|apply-groups)"
)

PLATFORM: Final = Platform(
    name=NAME,
    title="Juniper Junos",
    commands=("show configuration | display set", "show version", "show class-of-service interface"),
    config_command="show configuration | display set",
    config_aliases=("show configuration",),
    parser=ParserRef("platforms.parsers.juniper_junos"),
    blank_evidence={"show configuration | display set": "set system host-name blank\n"},
    cues=(
        cue(r"^## Last (commit|changed): ", 6, "`## Last commit:` header"),
        cue(rf"^set {_TOP} ", 5, "`set system|interfaces|security …` lines"),
        cue(rf"^[ \t]*{_TOP} \{{\s*$", 5, "curly-brace top-level stanzas"),
        cue(r"^[ \t]*version \S+;\s*$", 4, "`version …;`"),
        cue(
            r"<rpc-reply\b|xmlns:junos=|<configuration-text>|<configuration[ >]",
            5,
            "Junos XML (rpc-reply/configuration)",
        ),
        cue(r"<(from-zone-name|to-zone-name|security-zone|host-inbound-traffic|unit|family)>", 4, "Junos XML elements"),
        cue(r"\b(ge|xe|et|fe|mge)-\d+/\d+/\d+", 4, "ge-0/0/0 port names"),
        cue(r"\bunit \d+ family (inet|inet6|ethernet-switching)|\bfamily ethernet-switching", 4, "`unit N family …`"),
        cue(
            r"\b(scheduler-maps|forwarding-classes|host-inbound-traffic|from-zone \S+ to-zone)\b", 4, "CoS/zone syntax"
        ),
        cue(r"^\s+\S[^;{}\n]*;\s*$", 1, "statements ending in `;`"),
        cue(r"^Physical interface: \S+|^\{(master|backup|primary|secondary)(:\S+)?\}$", 4, "Junos operational output"),
        cue(r"^Model: (srx|ex|mx|qfx|ptx|acx|vsrx|vmx)|^JUNOS |^Junos: \d", 6, "`show version` says Junos"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"switch", "wan_qos", "firewall", "stateful_firewall", "marking"}),
)
