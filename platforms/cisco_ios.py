"""Cisco IOS (classic): Catalyst access switches and ISR G2 routers."""

from __future__ import annotations

from typing import Final

from platforms.base import Cue, ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "cisco_ios"
COMMANDS: Final = (
    "show running-config",
    "show version",
    "show interfaces switchport",
    "show mls qos interface",
    "show policy-map interface",
    "show lldp neighbors detail",
    "show power inline",
)

# Syntax IOS and IOS-XE share (cisco_xe uses these too); what tells them apart is in each unit's own cues.
IOS_FAMILY_CUES: Final[tuple[Cue, ...]] = (
    cue(
        r"^[ \t]*Building configuration\.\.\.|^[ \t]*Current configuration : \d+ bytes",
        2,
        "IOS `show running-config` header",
    ),
    cue(
        r"^[ \t]*int(erface)? (Fast|Gigabit|TenGigabit|TwoGigabit|FiveGigabit)Ethernet\d+/\d+",
        2,
        "IOS interface names (GigabitEthernet0/1)",
    ),
    cue(r"^[ \t]*interface (Serial|Dialer|ATM|Cellular|Virtual-Template|BVI|Multilink)\d", 3, "IOS WAN interfaces"),
    cue(r"^[ \t]*switchport voice vlan \d+", 3, "`switchport voice vlan`"),
    cue(r"^[A-Za-z][^\n]*\n [A-Za-z0-9]", 1, "1-space indentation of sub-commands"),
    cue(r"^[ \t]*switchport trunk (encapsulation dot1q|pruning vlan)", 3, "`switchport trunk encapsulation dot1q`"),
    cue(r"^[ \t]*access-list (1?\d{1,2}|[12]\d{3}) (permit|deny|remark) ", 2, "numbered `access-list 1 permit`"),
    cue(r"^[ \t]*banner (motd|login|exec) \^C", 2, "`banner motd ^C` delimiters"),
    cue(r"^[ \t]*snmp-server ifindex persist|^[ \t]*ip (domain-name|domain name|name-server) ", 1, "IOS globals"),
    cue(
        r"^[ \t]*voice (class (codec|uri|tenant|e164-pattern-map|sip-profiles|dpg)|translation-(rule|profile)) "
        r"|^[ \t]*mode border-element",
        4,
        "CUBE `voice class`/`voice translation-rule`",
    ),
    cue(r"^(Extended|Standard) IP access list \S+|^IPv6 access list \S+", 4, "IOS `show access-lists` output"),
    cue(r"^[ \t]*spanning-tree portfast", 1, "`spanning-tree portfast` on a port"),
    cue(r"^[ \t]*service (timestamps|password-encryption|pad|tcp-keepalives)", 2, "IOS `service` lines"),
    cue(r"^[ \t]*boot-(start|end)-marker", 3, "`boot-start-marker`"),
    cue(r"^[ \t]*ip nat (inside|outside)$|^[ \t]*ip nat inside source ", 2, "IOS `ip nat inside/outside`"),
    cue(r"^[ \t]*ip access-list (extended|standard) \S+", 2, "`ip access-list extended`"),
    # ASA writes netmasks (255.0.0.0) and NX-OS/EOS prefixes (/8) where IOS ACLs write wildcard masks
    cue(
        r"^[ \t]*(\d+ )?(permit|deny) \S+ (.* )?\d+\.\d+\.\d+\.\d+ 0\.(?!0\.0\.0\b)\d+\.\d+\.\d+\b",
        2,
        "ACL entries with wildcard masks (10.0.0.0 0.255.255.255)",
    ),
    cue(
        r"^[ \t]*voice service voip|^[ \t]*dial-peer voice \d+|^[ \t]*sip-ua$|^[ \t]*telephony-service",
        3,
        "CUBE/CME voice config",
    ),
    cue(
        r"^[ \t]*ip inspect name |^[ \t]*zone-pair security |^[ \t]*class-map type inspect ",
        3,
        "CBAC / zone-based firewall",
    ),
    cue(r"^[ \t]*line (vty|con) \d", 1, "`line vty`"),
    cue(r"^[ \t]*ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+", 1, "dotted-mask `ip address` on interfaces"),
    cue(r"^[ \t]*(no )?ip route-cache|^[ \t]*ip cef$|^[ \t]*ip classless$", 1, "IOS `ip cef`/`ip classless`"),
    cue(
        r"^[ \t]*srr-queue |^[ \t]*priority-queue out$|^[ \t]*auto qos ",
        3,
        "Catalyst `srr-queue`/`priority-queue out`/`auto qos`",
    ),
    cue(r"Cisco IOS Software|Internetwork Operating System Software", 3, "`show version` says Cisco IOS"),
    cue(
        r"^[ \t]*Administrative Mode: |^[ \t]*Administrative Trunking Encapsulation: ",
        3,
        "`show interfaces switchport` output",
    ),
    cue(r"^[ \t]*Name: (Gi|Fa|Te|Tw|Fi)\d+/\d+", 2, "short IOS port names (Gi1/0/5) in show output"),
)

PLATFORM: Final = Platform(
    name=NAME,
    title="Cisco IOS",
    commands=COMMANDS,
    config_command="show running-config",
    parser=ParserRef("platforms.parsers.cisco_ios", "parse"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        *IOS_FAMILY_CUES,
        cue(r"^[ \t]*version 1[0-5]\.\d+\s*$", 4, "`version 12/15` (classic IOS stops at 15)"),
        cue(r"^[ \t]*mls qos\b|^[ \t]*mls qos ", 3, "`mls qos` (Catalyst classic IOS)"),
        cue(r"^[ \t]*switch \d+ provision ws-c(2960|3560|3750)", 2, "a classic-IOS Catalyst stack member"),
        cue(r"^[ \t]*interface FastEthernet", 1, "FastEthernet ports"),
        # ISR G2 / Catalyst access ports are slot/port; IOS-XE's only two-level port is the Mgmt-vrf one.
        cue(
            r"^[ \t]*int(erface)? GigabitEthernet\d+/\d+[ \t]*\n(?![ \t]*vrf forwarding Mgmt)",
            2,
            "two-level port names (GigabitEthernet0/1)",
        ),
        cue(r"^[ \t]*IOS \(tm\)|, Version 1[0-5]\.\d", 3, "`show version` of a classic IOS release"),
    ),
    secret_rules=patterns_for(NAME),
    traits=frozenset({"switch", "wan_qos", "firewall", "marking"}),
    needs_enable=True,
)
