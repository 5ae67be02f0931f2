"""MikroTik RouterOS (``/export`` scripts)."""

from __future__ import annotations

from typing import Final

from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "mikrotik_routeros"

PLATFORM: Final = Platform(
    name=NAME,
    title="MikroTik RouterOS",
    commands=("/export verbose", "/system resource print"),
    config_command="/export verbose",
    config_aliases=("/export", "export verbose", "export"),
    parser=ParserRef("platforms.parsers.mikrotik_routeros"),
    blank_evidence={"/export verbose": "/system identity\nset name=blank\n"},
    cues=(
        cue(r"^[ \t]*# .* by RouterOS \d", 8, "`# … by RouterOS` export header"),
        cue(
            r"^[ \t]*/(ip|ipv6|interface|system|queue|routing|tool|user|snmp|ppp|radius|certificate)( [\w-]+)*\s*$",
            5,
            "`/ip …` menu paths",
        ),
        cue(r"^[ \t]*/ip firewall (filter|nat|mangle|service-port|connection tracking)", 3, "`/ip firewall …`"),
        cue(
            r"^[ \t]*add (\S+=\S+ )*(chain|action|name|interface|address|list|protocol|dst-port|max-limit)=",
            4,
            "`add key=value` lines",
        ),
        cue(r"^[ \t]*set \[ find |default-name=ether\d", 4, "`set [ find default-name=ether1 ]`"),
        cue(r"\bether\d+\b|\bbridge\d*\b.*\bvlan-id=", 2, "ether1 port names"),
        cue(
            r"^\s*(board-name|architecture-name): |^\s*version: \S+ \((stable|long-term|testing)\)",
            6,
            "`/system resource print` output",
        ),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"wan_qos", "firewall", "marking"}),
)
