"""Cisco NX-OS: Nexus switches."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "cisco_nxos"

PLATFORM: Final = Platform(
    name=NAME,
    title="Cisco NX-OS",
    commands=(
        "show running-config",
        "show version",
        "show interface switchport",
        "show policy-map interface",
        "show lldp neighbors detail",
    ),
    config_command="show running-config",
    parser=ParserRef("platforms.parsers.cisco_nxos"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        cue(r"^[ \t]*feature \S+", 5, "`feature` lines"),
        cue(
            r"^[ \t]*vrf context \S+|^[ \t]*system (jumbomtu|default switchport)", 5, "`vrf context`/`system jumbomtu`"
        ),
        cue(r"^[A-Za-z][^\n]*\n {2}[A-Za-z0-9]", 2, "2-space indentation of sub-commands"),
        cue(r"^ {2}\d+ (permit|deny|remark) ", 3, "sequence-numbered ACL entries"),
        cue(r"^[ \t]*(vn-segment \d+|mode fabricpath|state suspend)$", 3, "NX-OS `vlan` sub-commands"),
        cue(r"^[ \t]*!Command: show running-config|^[ \t]*!Time: ", 3, "NX-OS `!Command:`/`!Time:` header"),
        cue(r"^[ \t]*version \d+\.\d+\(\d+\)", 3, "`version 9.3(8)` (NX-OS numbering)"),
        cue(r"^[ \t]*interface Ethernet\d+/\d+", 2, "Ethernet1/1 port names"),
        cue(r"^[ \t]*interface port-channel\d+", 2, "lower-case `port-channel`", ignore_case=False),
        cue(r"^[ \t]*interface mgmt0", 4, "`interface mgmt0`"),
        cue(r"^[ \t]*vdc \S+ id \d+|^[ \t]*boot nxos |^[ \t]*copp profile ", 4, "`vdc`/`boot nxos`/`copp profile`"),
        cue(r"^[ \t]*spanning-tree port type edge", 3, "`spanning-tree port type edge`"),
        cue(r"^[ \t]*(class-map|policy-map) type (qos|queuing|network-qos) ", 3, "`policy-map type queuing`"),
        cue(r"^[ \t]*system qos$|^[ \t]*service-policy type (qos|queuing) ", 3, "`system qos`"),
        cue(r"^[ \t]*vpc domain \d+|^[ \t]*vpc peer-link", 3, "`vpc domain`"),
        cue(r"^[ \t]*username \S+ password 5 \S+ +role ", 2, "NX-OS `username … role`"),
        cue(r"^[ \t]*ip address \d+\.\d+\.\d+\.\d+/\d+", 1, "prefix-length interface addresses"),
        cue(r"Cisco Nexus Operating System|NX-OS", 8, "`show version` says NX-OS"),
        cue(r"^[ \t]*Switchport Monitor: ", 4, "NX-OS `show interface switchport` output"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"switch", "marking"}),
)
