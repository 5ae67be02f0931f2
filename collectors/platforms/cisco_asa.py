"""Cisco ASA (and Firepower running ASA code)."""

from __future__ import annotations

from typing import Final

from collectors.platforms.base import ParserRef, Platform, cue
from collectors.redact import rules_for

NAME: Final = "cisco_asa"

PLATFORM: Final = Platform(
    name=NAME,
    title="Cisco ASA",
    commands=("show running-config", "show version"),
    config_command="show running-config",
    parser=ParserRef("collectors.parsers.cisco_asa"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        cue(r"^ASA Version \d|Cisco Adaptive Security Appliance Software", 8, "ASA version header"),
        cue(r"^ nameif \S+", 5, "`nameif` on interfaces"),
        cue(r"^ security-level \d+", 4, "`security-level` on interfaces"),
        cue(r"^access-group \S+ (in|out) interface \S+|^access-group \S+ global", 5, "`access-group … interface`"),
        cue(r"^same-security-traffic permit ", 5, "`same-security-traffic`"),
        cue(r"^access-list \S+ extended (permit|deny) ", 4, "`access-list NAME extended`"),
        cue(r"^object network \S+$|^object service \S+$", 3, "`object network`"),
        cue(r"^ ?nat \(\S+,\S+\) ", 4, "ASA `nat (inside,outside)`"),
        cue(r"^timeout (xlate|conn|udp|sip|sip_media) \d+:\d\d:\d\d", 4, "`timeout udp h:mm:ss`"),
        cue(r"^policy-map global_policy|^service-policy global_policy global", 4, "`global_policy`"),
        cue(r"^: Saved|^: Hardware: ", 3, "ASA `: Saved` header"),
        cue(r"^pager lines \d+|^mtu \S+ \d+$|^icmp unreachable ", 3, "`pager lines`/`mtu IF N`"),
    ),
    secret_rules=rules_for(NAME),
    traits=frozenset({"firewall", "stateful_firewall"}),
    needs_enable=True,
)
