"""Netfilter filter-hook policies as a fact, and the firewall rules that read it (stop 22, "Noticed, left alone").

A box whose input and forward hooks accept by default with no rule that drops filters nothing: the RTP
range is not "permitted by stateful pinholes only", it is simply not blocked (VQ303 n/a), while a hook
that drops by policy keeps the old verdicts. Each snippet is written for its construct; the expected
values are what a reader of the snippet sees (netfilter semantics: a packet must pass every base chain
on its hook; a hook without a base chain accepts; a chain without ``policy`` accepts).
"""

from __future__ import annotations

from assess.commands.device_cmds import audit_findings
from checks import registry as rules_registry
from checks.base import SiteContext
from checks.engine import run_rules
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts
from core.plan import Voice
from platforms.parsers.registry import parse_device

ALL_ACCEPT = {"input": "accept", "forward": "accept", "output": "accept"}


def _statuses(facts: DeviceFacts, voice: Voice | None = None) -> dict[str, set[str]]:
    if voice is None:
        findings = audit_findings(facts, "gw")
    else:
        device = DeviceRecord(name="gw", platform=facts.platform, facts=facts)
        context = SiteContext(site="single-device", voice=voice, devices=(device,))
        findings = run_rules(rules_registry.device_rules(), context)
    statuses: dict[str, set[str]] = {}
    for finding in findings:
        statuses.setdefault(finding.id, set()).add(finding.status.value)
    return statuses


def _nft(ruleset: str) -> DeviceFacts:
    return parse_device("linux", {"nft list ruleset": ruleset})


def _iptables(dump: str) -> DeviceFacts:
    return parse_device("linux", {"iptables-save": dump})


# ---------------------------------------------------------------- the fact


def test_nft_skeleton_without_policies_accepts_on_every_hook_and_vq303_is_na() -> None:
    facts = _nft(
        "table inet filter {\n\tchain input { type filter hook input priority 0; }\n"
        "\tchain forward { type filter hook forward priority 0; }\n"
        "\tchain output { type filter hook output priority 0; }\n}\n"
    )
    assert facts.filter_policies == ALL_ACCEPT
    assert _statuses(facts)["VQ303"] == {"n/a"}


def test_nat_only_ruleset_has_no_filter_chain_so_every_hook_accepts() -> None:
    facts = _nft(
        "table ip nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
        '\t\toifname "wan0" masquerade\n\t}\n}\n'
    )
    assert facts.filter_policies == ALL_ACCEPT and facts.nat_enabled is True
    assert _statuses(facts)["VQ303"] == {"n/a"}


def test_nft_one_line_chain_policy_drop_is_the_hooks_policy_not_a_rule() -> None:
    facts = _nft("table inet filter {\n\tchain input { type filter hook input priority 0; policy drop; }\n}\n")
    assert facts.filter_policies == {"input": "drop", "forward": "accept", "output": "accept"}
    assert not [r for r in facts.firewall_rules if r.action == "deny"]  # `policy drop` is no rule of its own
    assert [r.name for r in facts.firewall_rules] == ["forward policy accept"]  # no base chain on forward
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_one_base_chain_dropping_by_policy_makes_its_hook_drop_whatever_the_other_families_say() -> None:
    facts = _nft(
        "table ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n"
        "table ip6 filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\n"
    )
    assert facts.filter_policies["input"] == "drop"
    assert "ip filter/input policy drop" in facts.evidence["filter_policies"]
    assert "input policy accept" not in [r.name for r in facts.firewall_rules]


def test_an_arp_chains_policy_is_not_the_ip_hooks_policy() -> None:
    facts = _nft("table arp filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n")
    assert facts.filter_policies["input"] == "accept"


def test_iptables_save_chain_headers_are_the_hook_policies() -> None:
    facts = _iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [12:720]\n:OUTPUT ACCEPT [0:0]\n"
        "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n"
    )
    assert facts.filter_policies == {"input": "accept", "forward": "drop", "output": "accept"}
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_iptables_script_policy_commands_are_the_hook_policies() -> None:
    script = "#!/bin/sh\niptables -P INPUT DROP\niptables -P FORWARD DROP\niptables -A INPUT -i lo -j ACCEPT\n"
    facts = _iptables(script)
    assert facts.filter_policies == {"input": "drop", "forward": "drop", "output": "accept"}


def test_iptables_without_a_filter_table_filters_nothing() -> None:
    facts = _iptables(
        "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n"
    )
    assert facts.filter_policies == ALL_ACCEPT
    assert _statuses(facts)["VQ303"] == {"n/a"}


def test_non_netfilter_platforms_leave_the_policies_unread() -> None:
    config = (
        "hostname fw1\naccess-list OUTSIDE extended permit udp any any eq 5060\n"
        "access-group OUTSIDE in interface outside\n"
    )
    facts = parse_device("cisco_asa", {"show running-config": config})
    assert facts.filter_policies == {}


# ---------------------------------------------------------------- the rules


def test_accepting_policies_with_a_rule_that_drops_keep_the_pinhole_warning() -> None:
    facts = _iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n"
    )
    assert facts.filter_policies["input"] == "accept"
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_a_drop_behind_a_conditional_jump_filters_its_callers_hook() -> None:
    facts = _nft(
        'table inet filter {\n\tchain wan_in {\n\t\tudp dport 5060 accept\n\t\tdrop\n\t}\n'
        '\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n'
        '\t\tiifname "wan0" jump wan_in\n\t}\n}\n'
    )
    assert facts.filter_policies["forward"] == "accept"
    denies = [(r.action, r.direction) for r in facts.firewall_rules if r.action == "deny"]
    assert denies == [("deny", "forward from wan0 behind a conditional jump")]
    assert facts.sip_ports_open == [5060]  # the permit behind the jump lets SIP in from wan0 (test_verdicts6)
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_an_iptables_drop_behind_a_conditional_jump_filters_its_callers_hook() -> None:
    facts = _iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:WAN_IN - [0:0]\n"
        "-A FORWARD -i eth0 -j WAN_IN\n-A WAN_IN -p tcp --dport 22 -j DROP\nCOMMIT\n"
    )
    denies = [(r.protocol, r.dst_ports, r.direction) for r in facts.firewall_rules if r.action == "deny"]
    assert denies == [("tcp", [(22, 22)], "forward from eth0 behind a conditional jump")]
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_a_drop_in_prerouting_filters_inbound_traffic_before_the_filter_hooks() -> None:
    facts = _nft(
        "table ip raw {\n\tchain prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n"
        "\t\tudp dport 5060 drop\n\t}\n}\n"
    )
    assert facts.filter_policies == ALL_ACCEPT
    assert [(r.action, r.direction) for r in facts.firewall_rules if r.action == "deny"] == [
        ("deny", "prerouting from any")
    ]
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_drop_policies_without_any_rule_are_filtering_not_no_firewall() -> None:
    facts = _nft(
        "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n"
        "\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\n"
    )
    assert facts.firewall_rules == []
    statuses = _statuses(facts)
    assert statuses["VQ303"] == {"warn"}  # was n/a "no filtering rules on this device": everything is dropped
    assert statuses["VQ304"] == {"n/a"}  # nothing permits SIP


def test_explicit_permits_on_a_box_that_filters_nothing_are_still_judged() -> None:
    facts = _nft(
        "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
        '\t\tiifname "wan0" udp dport 1024-65535 accept\n\t}\n}\n'
    )
    statuses = _statuses(facts)
    assert statuses["VQ302"] == {"fail"} and statuses["VQ303"] == {"pass"} and statuses["VQ308"] == {"warn"}


def test_a_partly_permitted_rtp_range_on_a_box_that_filters_nothing_has_no_gap() -> None:
    facts = _nft(
        "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
        '\t\tiifname "wan0" udp dport 10000-15000 accept\n\t}\n}\n'
    )
    assert _statuses(facts)["VQ303"] == {"n/a"}  # 15001-20000 pass by the accept policy: no one-way audio here


def test_tls_plan_on_a_box_that_filters_nothing_is_na_and_on_a_dropping_box_fails() -> None:
    tls = Voice(sip_transport="tls")
    open_box = _nft("table inet filter {\n\tchain input { type filter hook input priority 0; }\n}\n")
    assert _statuses(open_box, tls)["VQ305"] == {"n/a"}
    closed = _nft("table inet filter {\n\tchain forward { type filter hook forward priority 0; policy drop; }\n}\n")
    assert _statuses(closed, tls)["VQ305"] == {"fail"}


# ---------------------------------------------------------------- policies that apply to every flow

_GWLB = """config system geneve
edit "gwlb1"
set interface "port2"
set type ppp
set remote-ip 10.0.1.10
next
end
config system zone
edit "{zone}"
set interface {members}
next
end
config firewall policy
edit 1
set srcintf "{zone}"
set dstintf "{zone}"
set srcaddr "all"
set dstaddr "all"
set action accept
set schedule "always"
set service "ALL"
next
end
"""


def test_fortigate_all_policy_inside_a_load_balancer_tunnel_zone_opens_sip_and_rtp_from_anywhere() -> None:
    facts = parse_device("fortinet", {"show full-configuration": _GWLB.format(zone="gwlbzone", members='"gwlb1"')})
    statuses = _statuses(facts)
    assert [r.direction for r in facts.firewall_rules] == ["global"]
    assert statuses["VQ303"] == {"pass"} and statuses["VQ304"] == {"fail"} and statuses["VQ308"] == {"warn"}


def test_fortigate_all_policy_inside_an_ordinary_zone_opens_nothing_inbound() -> None:
    config = _GWLB.format(zone="lanzone", members='"port3" "port4"')  # LAN ports, no tunnel: traffic among them
    facts = parse_device("fortinet", {"show full-configuration": config})
    statuses = _statuses(facts)
    assert [r.direction for r in facts.firewall_rules] == ["lanzone->lanzone"]
    assert statuses["VQ303"] == {"warn"} and statuses["VQ304"] == {"n/a"}


def test_srx_default_policy_permit_all_opens_every_port_from_anywhere() -> None:
    config = "security {\n    policies {\n        default-policy {\n            permit-all;\n        }\n    }\n}\n"
    facts = parse_device("juniper_junos", {"show configuration": config})
    statuses = _statuses(facts)
    assert statuses["VQ302"] == {"fail"} and statuses["VQ303"] == {"pass"} and statuses["VQ308"] == {"warn"}


def test_srx_default_policy_deny_all_opens_nothing() -> None:
    config = (
        "security {\n    policies {\n        default-policy {\n            deny-all;\n        }\n"
        "        from-zone trust to-zone untrust {\n            policy out {\n                match {\n"
        "                    source-address any;\n                    destination-address any;\n"
        "                    application any;\n                }\n                then {\n"
        "                    permit;\n                }\n            }\n        }\n    }\n}\n"
    )
    facts = parse_device("juniper_junos", {"show configuration": config})
    assert _statuses(facts)["VQ303"] == {"warn"}  # only the way out is permitted: replies by state, no RTP permit
