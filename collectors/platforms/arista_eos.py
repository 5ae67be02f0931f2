"""Arista EOS switches."""

from __future__ import annotations

from typing import Final

from collectors.platforms.base import ParserRef, Platform, cue
from collectors.redact import rules_for

NAME: Final = "arista_eos"

PLATFORM: Final = Platform(
    name=NAME,
    title="Arista EOS",
    commands=("show running-config", "show version", "show qos interfaces", "show lldp neighbors detail"),
    config_command="show running-config",
    parser=ParserRef("collectors.parsers.arista_eos"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        cue(r"^! device: \S+ \(.*EOS-", 8, "`! device: … EOS-` header"),
        cue(r"^Arista (DCS|CCS|vEOS|cEOS)|^Software image version: \d", 8, "`show version` says Arista"),
        cue(r"^! Command: show running-config", 3, "EOS `! Command:` header"),
        cue(r"^interface \S+\n {3}\S", 3, "3-space indentation under interfaces"),
        cue(r"^interface Ethernet\d+$|^interface Management\d+$", 3, "Ethernet1 / Management1 port names"),
        cue(r"^interface Port-Channel\d+", 3, "`Port-Channel` spelling", ignore_case=False),
        cue(r"^ +switchport phone (vlan|trunk) |^ +switchport mode trunk phone", 5, "`switchport phone vlan`"),
        cue(r"^ +tx-queue \d", 5, "`tx-queue` blocks"),
        cue(r"^daemon \S+|^management api (http-commands|gnmi|netconf)", 4, "`daemon`/`management api`"),
        cue(r"^service routing protocols model |^no aaa root|^transceiver qsfp default-mode ", 5, "EOS globals"),
        cue(
            r"^qos map (dscp|cos) .* to traffic-class|^qos profile \S+|^ +service-profile ",
            5,
            "EOS `qos map … to traffic-class`",
        ),
        cue(r"^switchport default mode |^dns domain |^ip name-server vrf ", 3, "EOS `dns domain`/`ip name-server vrf`"),
        cue(r"^ +qos trust (dscp|cos)", 2, "`qos trust dscp`"),
        cue(r"^username \S+ .*secret sha512 ", 3, "`secret sha512`"),
    ),
    secret_rules=rules_for(NAME),
    traits=frozenset({"switch", "wan_qos", "marking"}),
)
