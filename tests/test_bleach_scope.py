"""VQ209 on free-text re-marking lines: one that matches every packet bleaches EF (fail), one scoped by any
matcher besides interfaces may spare it (warn).

Each config is written by hand for the construct; the verdict is what a consultant reading the line would say:
a re-mark to 0 with nothing but an interface to narrow it re-marks voice as surely as `class class-default /
set dscp default`.
"""

from __future__ import annotations

import pytest

from checks.base import SiteContext
from checks.marking import NoEfBleaching
from core.models.device import DeviceRecord
from platforms.parsers.registry import parse_device


def vq209(platform: str, outputs: dict[str, str]) -> str:
    facts = parse_device(platform, outputs)
    ctx = SiteContext(site="s", devices=(DeviceRecord(name="r1", platform=platform, facts=facts),))
    return next(iter(NoEfBleaching().check(facts, ctx))).status.value


IPT_SAVE = "*mangle\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:MARKS - [0:0]\n{rule}\nCOMMIT\n"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("-A POSTROUTING -o eth0 -j DSCP --set-dscp 0", "fail"),
        ("-A POSTROUTING -j DSCP --set-dscp-class cs0", "fail"),
        ("-A PREROUTING -i eth1 -m comment --comment \"wash\" -j DSCP --set-dscp 0x00", "fail"),
        ("-A POSTROUTING -o eth0 -p udp --dport 6881 -j DSCP --set-dscp 0", "warn"),
        ("-A POSTROUTING -o eth0 -s 192.0.2.0/24 -j DSCP --set-dscp 0", "warn"),
        ("-A POSTROUTING -o eth0 -m mark --mark 0x2 -j DSCP --set-dscp 0", "warn"),
        ("-A POSTROUTING -o eth0 -m dscp --dscp-class cs1 -j DSCP --set-dscp 0", "warn"),
        # a user chain sees only what its callers send it
        ("-A MARKS -j DSCP --set-dscp 0", "warn"),
    ],
)
def test_iptables_save_remark_scope(rule: str, expected: str) -> None:
    assert vq209("linux", {"iptables-save": IPT_SAVE.format(rule=rule)}) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("iptables -t mangle -A POSTROUTING -o eth0 -j DSCP --set-dscp 0", "fail"),
        ("iptables -t mangle -A POSTROUTING -o eth0 -p tcp --dport 80 -j DSCP --set-dscp 0", "warn"),
    ],
)
def test_iptables_script_remark_scope(command: str, expected: str) -> None:
    assert vq209("linux", {"iptables-save": f"#!/bin/sh\n{command}\n"}) == expected


NFT = (
    "table inet qos {{\n"
    "    chain wash {{\n"
    "        type filter hook {hook} priority 0; policy accept;\n"
    "        {rule}\n"
    "    }}\n"
    "    chain helper {{\n"
    "        ip dscp set cs1\n"
    "    }}\n"
    "}}\n"
)


@pytest.mark.parametrize(
    ("hook", "rule", "expected"),
    [
        ("forward", "ip dscp set cs0 counter", "fail"),
        ("postrouting", 'meta oifname "eth0" ip dscp set cs0', "fail"),
        ("postrouting", 'oifname { "eth0", "wwan0" } ip6 dscp set 0 comment "wash upload"', "fail"),
        ("forward", 'iifname "br-lan" counter ip dscp set be', "fail"),
        ("forward", "udp dport 6881 ip dscp set cs0", "warn"),
        ("forward", "ip saddr 192.0.2.10 ip dscp set cs0", "warn"),
        ("postrouting", 'oifname "eth0" meta mark 0x2 ip dscp set cs0', "warn"),
        ("forward", "ip dscp cs1 ip dscp set cs0", "warn"),
    ],
)
def test_nft_remark_scope(hook: str, rule: str, expected: str) -> None:
    assert vq209("linux", {"nft list ruleset": NFT.format(hook=hook, rule=rule)}) == expected


@pytest.mark.parametrize(
    ("jump", "expected"),
    [
        ("jump helper", "fail"),  # every forwarded packet goes through the regular chain
        ("udp dport 6881 jump helper", "warn"),  # only what the jump matches does
    ],
)
def test_nft_remark_in_a_regular_chain(jump: str, expected: str) -> None:
    ruleset = NFT.format(hook="forward", rule=jump).replace("ip dscp set cs1", "ip dscp set cs0")
    assert vq209("linux", {"nft list ruleset": ruleset}) == expected


ROS = "# 2024-01-01 by RouterOS 7.12\n/ip firewall mangle\nadd {rule}\n"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("action=change-dscp chain=postrouting new-dscp=0 out-interface=ether1", "fail"),
        ("action=change-dscp chain=forward new-dscp=0 passthrough=yes comment=wash", "fail"),
        ("action=change-dscp chain=prerouting in-interface-list=WAN new-dscp=0", "fail"),
        ("action=change-dscp chain=postrouting new-dscp=0 out-interface=ether1 protocol=tcp dst-port=80", "warn"),
        ("action=change-dscp chain=postrouting new-dscp=0 packet-mark=BULK", "warn"),
        ("action=change-dscp chain=postrouting new-dscp=0 src-address-list=guests", "warn"),
        ("action=change-dscp chain=postrouting new-dscp=0 dscp=8", "warn"),
        ("action=change-dscp chain=wash new-dscp=0", "warn"),  # a custom chain: only what jumps there
    ],
)
def test_routeros_remark_scope(rule: str, expected: str) -> None:
    assert vq209("mikrotik_routeros", {"/export": ROS.format(rule=rule)}) == expected


def test_disabled_routeros_wash_is_not_whole_traffic() -> None:
    rule = "action=change-dscp chain=postrouting disabled=yes new-dscp=0 out-interface=ether1"
    assert vq209("mikrotik_routeros", {"/export": ROS.format(rule=rule)}) != "fail"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # EF leaves the chain before the wash: the wash re-marks everything else only
        ("-A POSTROUTING -m dscp --dscp-class ef -j ACCEPT\n-A POSTROUTING -o eth0 -j DSCP --set-dscp 0", "warn"),
        ("-A POSTROUTING -p udp --dport 5060 -j RETURN\n-A POSTROUTING -o eth0 -j DSCP --set-dscp 0", "warn"),
        # a non-terminating rule before it spares nothing
        ("-A POSTROUTING -o eth0 -j MARK --set-mark 0x1\n-A POSTROUTING -o eth0 -j DSCP --set-dscp 0", "fail"),
        # a verdict after the wash comes too late to spare anything
        ("-A POSTROUTING -o eth0 -j DSCP --set-dscp 0\n-A POSTROUTING -m dscp --dscp-class ef -j ACCEPT", "fail"),
    ],
)
def test_iptables_verdict_before_the_wash(rules: str, expected: str) -> None:
    assert vq209("linux", {"iptables-save": IPT_SAVE.format(rule=rules)}) == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("ip dscp ef accept\n        ip dscp set cs0", "warn"),
        ("udp dport 5060 return\n        ip dscp set cs0", "warn"),
        ("ip dscp ef goto helper\n        ip dscp set cs0", "warn"),
        ("meta mark set 0x1\n        ip dscp set cs0", "fail"),
    ],
)
def test_nft_verdict_before_the_wash(rules: str, expected: str) -> None:
    assert vq209("linux", {"nft list ruleset": NFT.format(hook="forward", rule=rules)}) == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("action=accept chain=postrouting dscp=46\nadd action=change-dscp chain=postrouting new-dscp=0", "warn"),
        (
            "action=mark-packet chain=postrouting dscp=46 new-packet-mark=voice passthrough=no\n"
            "add action=change-dscp chain=postrouting new-dscp=0",
            "warn",
        ),
        # a marking rule that passes packets on spares nothing; another chain's accept neither
        (
            "action=mark-packet chain=postrouting new-packet-mark=all\n"
            "add action=accept chain=prerouting dscp=46\n"
            "add action=change-dscp chain=postrouting new-dscp=0",
            "fail",
        ),
        ("action=accept chain=postrouting disabled=yes\nadd action=change-dscp chain=postrouting new-dscp=0", "fail"),
    ],
)
def test_routeros_rule_leaving_the_chain_before_the_wash(rules: str, expected: str) -> None:
    assert vq209("mikrotik_routeros", {"/export": ROS.format(rule=rules)}) == expected
