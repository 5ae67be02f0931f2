"""Cisco ASA (and Firepower running ASA code)."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "cisco_asa"

PLATFORM: Final = Platform(
    name=NAME,
    title="Cisco ASA",
    commands=("show running-config", "show version"),
    config_command="show running-config",
    parser=ParserRef("platforms.parsers.cisco_asa"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        cue(r"^[ \t]*ASA Version \d|Cisco Adaptive Security Appliance Software", 8, "ASA version header"),
        cue(r"^[ \t]*nameif \S+", 5, "`nameif` on interfaces"),
        cue(r"^[ \t]*security-level \d+", 4, "`security-level` on interfaces"),
        cue(
            r"^[ \t]*access-group \S+ (in|out) interface \S+|^[ \t]*access-group \S+ global",
            5,
            "`access-group … interface`",
        ),
        cue(r"^[ \t]*same-security-traffic permit ", 5, "`same-security-traffic`"),
        cue(r"^[ \t]*access-list \S+ (line \d+ )?extended (permit|deny) ", 4, "`access-list NAME extended`"),
        cue(r"^[ \t]*(network|service|port|protocol|icmp)-object ", 5, "`network-object`/`service-object` members"),
        cue(r"\(hitcnt=\d+\)", 5, "`show access-list` hit counters"),
        cue(
            r"^[ \t]*aaa-server \S+ protocol |^[ \t]*aaa authentication (ssh|serial|http|enable|telnet) console "
            r"|^[ \t]*logging asdm|^[ \t]*asdm (image|history)|^[ \t]*http server enable",
            5,
            "ASA `aaa-server … protocol`/`asdm`",
        ),
        cue(r"^[ \t]*object network \S+$|^[ \t]*object service \S+$", 3, "`object network`"),
        cue(r"^[ \t]*?nat \(\S+,\S+\) ", 4, "ASA `nat (inside,outside)`"),
        cue(r"^[ \t]*timeout (xlate|conn|udp|sip|sip_media) \d+:\d\d:\d\d", 4, "`timeout udp h:mm:ss`"),
        cue(r"^[ \t]*policy-map global_policy|^[ \t]*service-policy global_policy global", 4, "`global_policy`"),
        cue(r"^[ \t]*: Saved|^[ \t]*: Hardware: ", 3, "ASA `: Saved` header"),
        cue(r"^[ \t]*pager lines \d+|^[ \t]*mtu \S+ \d+$|^[ \t]*icmp unreachable ", 3, "`pager lines`/`mtu IF N`"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"firewall", "stateful_firewall"}),
    needs_enable=True,
)
