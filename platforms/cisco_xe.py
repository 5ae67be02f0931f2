"""Cisco IOS-XE: Catalyst 9000 / 3650 / 3850 switches, ISR 4000 / Catalyst 8000 routers."""

from __future__ import annotations

from typing import Final

from platforms import cisco_ios
from platforms.base import ParserRef, Platform, cue
from platforms.redact import patterns_for

NAME: Final = "cisco_xe"

PLATFORM: Final = Platform(
    name=NAME,
    title="Cisco IOS-XE",
    commands=cisco_ios.COMMANDS,
    config_command="show running-config",
    parser=ParserRef("platforms.parsers.cisco_ios", "parse_xe"),
    blank_evidence={"show running-config": "hostname blank\n"},
    cues=(
        *cisco_ios.IOS_FAMILY_CUES,
        cue(r"^[ \t]*version (1[6-9]|[2-9]\d)\.\d+\s*$", 4, "`version 16/17` (IOS-XE numbering)"),
        cue(r"^[ \t]*platform (punt|qfp|hardware|console|shell)", 3, "`platform` lines"),
        cue(r"^[ \t]*license boot level ", 3, "`license boot level`"),
        cue(r"^[ \t]*switch \d+ provision (c9|ws-c3[68]50)", 3, "a Catalyst 9000/3850 stack member"),
        cue(r"^[ \t]*boot system (switch all )?(flash|bootflash):packages\.conf|\.SPA\.bin", 3, "IOS-XE boot image"),
        cue(r"^[ \t]*vrf definition Mgmt-(vrf|intf)", 3, "the IOS-XE management VRF"),
        cue(r"^[ \t]*int(erface)? GigabitEthernet\d+$", 2, "router ports numbered GigabitEthernet1"),
        cue(r"^[ \t]*voice class (tenant|dpg) \d+", 2, "CUBE tenants / dial-peer groups (IOS-XE 16+)"),
        cue(r"^[ \t]*interface (AppGigabitEthernet|TwentyFiveGigE|HundredGigE)", 3, "Catalyst 9000 port names"),
        cue(
            r"^[ \t]*memory free low-watermark|^[ \t]*subscriber templating|^[ \t]*service call-home",
            2,
            "IOS-XE defaults",
        ),
        cue(r"^[ \t]*ip http client ", 1, "`ip http client`"),
        cue(r"Cisco IOS[ -]XE Software|IOSXE|IOS-XE", 5, "`show version` says IOS-XE"),
    ),
    secret_rules=patterns_for(NAME),
    traits=cisco_ios.PLATFORM.traits,
    variant_of=cisco_ios.NAME,
    needs_enable=True,
)
