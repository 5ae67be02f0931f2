"""Arista EOS switches."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "arista_eos"

PLATFORM: Final = Platform(
    name=NAME,
    title="Arista EOS",
    commands=("show running-config", "show version", "show qos interfaces", "show lldp neighbors detail"),
    config_command="show running-config",
    parser=ParserRef("platforms.parsers.arista_eos"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        cue(r"^[ \t]*! device: \S+ \(.*EOS-", 8, "`! device: … EOS-` header"),
        cue(r"^[ \t]*Arista (DCS|CCS|vEOS|cEOS)|^[ \t]*Software image version: \d", 8, "`show version` says Arista"),
        cue(r"^[ \t]*! Command: show running-config", 3, "EOS `! Command:` header"),
        cue(r"^[A-Za-z][^\n]*\n {3}[A-Za-z0-9]", 3, "3-space indentation of sub-commands"),
        cue(r"^ {3}\d+ (permit|deny|remark) ", 3, "sequence-numbered ACL entries"),
        # Bare Ethernet1 is EOS's naming (NX-OS always has a slot; IOS's Ethernet0 routers start at 0).
        cue(r"^[ \t]*interface Ethernet[1-9]\d*$", 4, "Ethernet1 port names (no slot)"),
        cue(r"^[ \t]*interface Management\d+$", 3, "Management1 port name"),
        cue(r"^[ \t]*interface Port-Channel\d+", 3, "`Port-Channel` spelling", ignore_case=False),
        cue(r"^[ \t]*switchport phone (vlan|trunk) |^[ \t]*switchport mode trunk phone", 5, "`switchport phone vlan`"),
        cue(r"^[ \t]*tx-queue \d", 5, "`tx-queue` blocks"),
        cue(r"^[ \t]*vrf instance \S+", 4, "`vrf instance`"),
        cue(r"^[ \t]*daemon \S+|^[ \t]*management api (http-commands|gnmi|netconf)", 4, "`daemon`/`management api`"),
        cue(
            r"^[ \t]*service routing protocols model |^[ \t]*no aaa root|^[ \t]*transceiver qsfp default-mode ",
            5,
            "EOS globals",
        ),
        cue(
            r"^[ \t]*qos map (dscp|cos) .* to traffic-class|^[ \t]*qos profile \S+|^[ \t]*service-profile ",
            5,
            "EOS `qos map … to traffic-class`",
        ),
        cue(
            r"^[ \t]*switchport default mode |^[ \t]*dns domain |^[ \t]*ip name-server vrf ",
            3,
            "EOS `dns domain`/`ip name-server vrf`",
        ),
        cue(r"^[ \t]*qos trust (dscp|cos)", 2, "`qos trust dscp`"),
        cue(r"^[ \t]*username \S+ .*secret sha512 ", 3, "`secret sha512`"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"switch", "wan_qos", "marking"}),
)
