"""Fortinet FortiGate (FortiOS)."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "fortinet"

PLATFORM: Final = Platform(
    name=NAME,
    title="Fortinet FortiOS",
    commands=("show full-configuration", "get system status"),
    config_command="show full-configuration",
    config_aliases=("show",),
    parser=ParserRef("platforms.parsers.fortinet"),
    blank_evidence={"show full-configuration": "config system global\n    set hostname blank\nend\n"},
    cues=(
        cue(r"#config-version=FG", 8, "`#config-version=FG…` header"),
        cue(
            r"^\s*config (system|firewall|router|user|vpn|log|switch-controller|voip|wireless-controller|application"
            r"|webfilter|antivirus|ips|dnsfilter) \S",
            5,
            "FortiOS `config … end` blocks",
        ),
        cue(r"^\s+edit (\"[^\"\n]*\"|\d+)\s*$", 4, '`edit "name"` entries'),
        cue(r"^\s*next\s*$", 3, "`next` between entries"),
        cue(
            r"^\s+set (srcintf|dstintf|srcaddr|dstaddr|schedule|sip-helper|sip-expectation|vdom) ",
            4,
            "FortiOS `set srcintf`…",
        ),
        cue(r"^\s+set \S+ ", 1, "indented `set` lines"),
        cue(r"^Version: Forti(Gate|OS|Wifi)|^Virus-DB: ", 8, "`get system status` says FortiGate"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"wan_qos", "firewall", "stateful_firewall"}),
)
