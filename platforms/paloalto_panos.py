"""Palo Alto Networks PAN-OS firewalls (XML or set-format configuration)."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "paloalto_panos"

PLATFORM: Final = Platform(
    name=NAME,
    title="Palo Alto PAN-OS",
    commands=("show config running", "show system info"),
    config_command="show config running",
    config_aliases=("show config merged", "show"),
    parser=ParserRef("platforms.parsers.paloalto_panos"),
    blank_evidence={"show config running": "set deviceconfig system hostname blank\n"},
    cues=(
        cue(r"<config\s+version=\"\d", 8, "`<config version=…>` XML"),
        cue(r"<(devices|deviceconfig|vsys|rulebase|mgt-config)>", 5, "PAN-OS XML elements"),
        cue(r"<entry name=\"(localhost\.localdomain|vsys\d+)\"", 4, '`<entry name="vsys1">`'),
        cue(
            r"^set (deviceconfig|rulebase|mgt-config|network (interface|virtual-router|profiles|qos)|zone \S+ network"
            r"|vsys \S+ |shared |address \S+ (ip-netmask|fqdn|ip-range)|service \S+ protocol|application-group"
            r"|service-group|tag \S+ color) ",
            5,
            "PAN-OS `set` lines",
        ),
        cue(r"\bethernet\d+/\d+\b", 2, "ethernet1/1 port names", ignore_case=False),
        cue(r"<member>[^<\n]+</member>", 3, "`<member>` lists"),
        cue(r"<entry name=\"[^\"]+\">", 2, "`<entry name=…>` elements"),
        cue(r"<action>(allow|deny|drop|reset-client|reset-server|reset-both)</action>", 3, "`<action>allow</action>`"),
        cue(r"\bip-netmask\b|\bsource-user\b|\bdisable-server-response-inspection\b|\bphash\b", 3, "PAN-OS keywords"),
        cue(r"^config \{\s*$", 5, "`config {` (PAN-OS CLI format)"),
        cue(
            r"^[ \t]*(mgt-config|deviceconfig|rulebase|vsys\d*|address-group|service-group|profile-group|botnet) \{",
            4,
            "PAN-OS stanzas (`mgt-config {`, `rulebase {`)",
        ),
        cue(r"^sw-version: \d|^model: PA-|^app-version: ", 6, "`show system info` says PAN-OS"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"wan_qos", "firewall", "stateful_firewall"}),
)
