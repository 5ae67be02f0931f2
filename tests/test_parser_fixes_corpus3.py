"""Parsing fixes found by the out-of-sample corpus round (corpus3): Junos, netfilter, PAN-OS, IOS, VQ306.

Each test feeds a short snippet written for the construct and checks what a reader of the snippet
expects; tests/test_corpus.py measures the same fixes on the public files that showed them.
"""

from __future__ import annotations

from assess.commands.device_cmds import audit_findings
from platforms.parsers.registry import detect_platform, parse_device

# ---------------------------------------------------------------- Junos


def test_junos_replace_tag_before_a_stanza_is_read_like_the_stanza() -> None:
    config = (
        "security {\n    replace: policies {\n        from-zone untrust to-zone trust {\n"
        "            policy sip-in {\n                match {\n                    source-address any;\n"
        "                    destination-address any;\n                    application junos-sip;\n"
        "                }\n                then {\n                    permit;\n                }\n"
        "            }\n        }\n    }\n}\n"
    )
    facts = parse_device("juniper_junos", {"show configuration": config})
    assert [r.name for r in facts.firewall_rules if r.action == "permit"][:1] == ["sip-in"]


def test_junos_application_term_on_one_line_keeps_its_destination_port() -> None:
    config = (
        "applications { application dns-udp { term t1 protocol udp destination-port 53; } }\n"
        "security { policies { from-zone trust to-zone untrust { policy dns {\n"
        "match { source-address any; destination-address any; application dns-udp; }\n"
        "then { permit; } } } } }\n"
    )
    facts = parse_device("juniper_junos", {"show configuration": config})
    udp = [r for r in facts.firewall_rules if r.protocol == "udp"]
    assert [r.dst_ports for r in udp] == [[(53, 53)]]


# ---------------------------------------------------------------- netfilter


def test_nft_rules_in_a_chain_reached_by_jump_filter_the_callers_hook() -> None:
    ruleset = (
        "table ip filter {\n\tchain media {\n\t\tudp dport 10000-20000 ct state new accept\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tjump media\n\t}\n}\n"
    )
    assert parse_device("linux", {"nft list ruleset": ruleset}).rtp_udp_ranges == [(10000, 20000)]


def test_iptables_user_chain_jumped_to_from_forward_is_read() -> None:
    dump = (
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:VOICE - [0:0]\n"
        '-A FORWARD -m comment --comment "voice" -j VOICE\n-A VOICE -p udp --dport 5060 -j ACCEPT\nCOMMIT\n'
    )
    assert parse_device("linux", {"iptables-save": dump}).sip_ports_open == [5060]


def test_nft_conditional_jump_passes_its_hook_on_with_its_own_match() -> None:
    ruleset = (
        "table ip filter {\n\tchain safezone {\n\t\tip saddr 192.0.2.10 accept\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n"
        "\t\ttcp dport 22 jump safezone\n\t}\n}\n"
    )
    facts = parse_device("linux", {"nft list ruleset": ruleset})
    behind = [(r.protocol, r.dst_ports) for r in facts.firewall_rules if r.sources == ["192.0.2.10"]]
    assert behind == [("tcp", [(22, 22)])]  # behind the jump only SSH: not every port from 192.0.2.10


def test_source_port_only_permit_opens_no_destination_ports() -> None:
    dump = (
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p udp --sport 33434:33534 --dport 1024:65535 -j ACCEPT\nCOMMIT\n"
    )
    facts = parse_device("linux", {"iptables-save": dump})
    assert (facts.rtp_udp_ranges, facts.sip_ports_open) == ([], [])
    ruleset = "table ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n"
    ruleset += "\t\tudp sport 53 udp dport 1024-65535 accept\n\t}\n}\n"
    assert parse_device("linux", {"nft list ruleset": ruleset}).rtp_udp_ranges == []


def test_nft_add_rule_command_form_is_read_like_the_listing() -> None:
    commands = (
        "# Translated by iptables-restore-translate v1.8.4\nadd table ip filter\n"
        "add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }\n"
        "add chain ip filter MEDIA\n"
        "add rule ip filter FORWARD counter jump MEDIA\n"
        "add rule ip filter MEDIA udp dport 10000-20000 ct state new counter accept\n"
        "add table ip nat\nadd chain ip nat POSTROUTING { type nat hook postrouting priority 100; policy accept; }\n"
        'add rule ip nat POSTROUTING oifname "eth0" counter masquerade\n'
    )
    facts = parse_device("linux", {"show running-config": commands})
    assert facts.rtp_udp_ranges == [(10000, 20000)]
    assert facts.nat_enabled is True
    assert facts.sip_alg == "disabled"


# ---------------------------------------------------------------- PAN-OS


def _panos_rule_on_any_tcp(application: str) -> str:
    return (
        '<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">'
        '<service><entry name="any-tcp"><protocol><tcp><port>0-65535</port></tcp></protocol></entry></service>'
        '<rulebase><security><rules><entry name="in">'
        "<from><member>untrust</member></from><to><member>trust</member></to>"
        "<source><member>any</member></source><destination><member>any</member></destination>"
        f"<application><member>{application}</member></application>"
        "<service><member>any-tcp</member></service><action>allow</action>"
        "</entry></rules></security></rulebase></entry></vsys></entry></devices></config>"
    )


def test_panos_specific_application_on_a_wide_service_opens_no_sip_port() -> None:
    web = parse_device("paloalto_panos", {"show": _panos_rule_on_any_tcp("web-browsing")})
    assert web.sip_ports_open == []  # App-ID lets only web-browsing through TCP 0-65535
    sip = parse_device("paloalto_panos", {"show": _panos_rule_on_any_tcp("any")})
    assert sip.sip_ports_open == [5060, 5061]


# ---------------------------------------------------------------- rules and detection


def test_vq306_stateful_firewall_without_rules_or_timer_is_unknown_not_na() -> None:
    section = "config system global\n    set hostname fgt-day0\nend\n"
    facts = parse_device("fortinet", {"show full-configuration": section})
    statuses = {f.status.value for f in audit_findings(facts, "fgt-day0") if f.id == "VQ306"}
    assert statuses == {"unknown"}


def test_ios_acl_only_snippet_with_wildcard_masks_is_detected_as_ios_family() -> None:
    acl = (
        "ip access-list extended lab-egress\n permit udp any host 192.0.2.53 eq 53\n"
        " deny ip any 10.0.0.0 0.255.255.255\n permit ip any any\nexit\n"
    )
    detection = detect_platform({"show running-config": acl})
    assert getattr(detection, "platform", detection) in ("cisco_ios", "cisco_xe")


def test_sysctl_settings_made_by_a_boot_script_are_read_and_detected() -> None:
    script = (
        "#!/bin/bash\necho 'conntrack timers'\n"
        "sysctl -w net/netfilter/nf_conntrack_udp_timeout=30\n"
        "echo 120 > /proc/sys/net/netfilter/nf_conntrack_udp_timeout_stream\n"
    )
    assert parse_device("linux", {"show running-config": script}).udp_timeout_s == 30
    detection = detect_platform({"show running-config": script})
    assert getattr(detection, "platform", detection) == "linux"


def test_zone_policy_from_an_untrust_zone_without_ports_opens_sip_and_rtp() -> None:
    config = (
        "applications { application all-udp { term t1 protocol udp; } }\n"
        "security { policies { from-zone untrust to-zone dmz { policy in {\n"
        "match { source-address any; destination-address any; application all-udp; }\n"
        "then { permit; } } } } }\n"
    )
    facts = parse_device("juniper_junos", {"show configuration": config})
    statuses = {f.id: f.status.value for f in audit_findings(facts, "srx") if f.id in ("VQ303", "VQ304")}
    assert statuses == {"VQ303": "pass", "VQ304": "fail"}


def test_zone_policy_from_trust_to_untrust_without_ports_opens_nothing_inbound() -> None:
    config = (
        "applications { application all-udp { term t1 protocol udp; } }\n"
        "security { policies { from-zone trust to-zone untrust { policy out {\n"
        "match { source-address any; destination-address any; application all-udp; }\n"
        "then { permit; } } } } }\n"
    )
    facts = parse_device("juniper_junos", {"show configuration": config})
    statuses = {f.id: f.status.value for f in audit_findings(facts, "srx") if f.id in ("VQ303", "VQ304")}
    assert statuses == {"VQ303": "warn", "VQ304": "n/a"}


def test_iptables_command_script_is_read_like_the_dump_it_leaves() -> None:
    script = (
        "#!/usr/bin/env bash\niptables -F\niptables -P INPUT DROP\n"
        "iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
        "iptables -A INPUT -p udp -m udp -s 192.0.2.0/24 --dport 5060:5061 -j ACCEPT\n"
        "sudo /sbin/iptables -A INPUT -p udp -s 192.0.2.0/24 --dport 10000:20000 -j ACCEPT\n"
        "# iptables -A INPUT -p udp --dport 4569 -j ACCEPT\n"
        "iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\n"
    )
    facts = parse_device("linux", {"show running-config": script})
    assert facts.rtp_udp_ranges == [(10000, 20000)]
    assert facts.sip_ports_open == [5060, 5061]
    assert facts.nat_enabled is True
    detection = detect_platform({"show running-config": script})
    assert getattr(detection, "platform", detection) == "linux"


def test_show_access_lists_output_is_read_as_acl_evidence_not_refused_as_not_a_config() -> None:
    # `show access-lists` prints the entries back under a header line, with sequence numbers and no
    # `hostname`/`interface`: it was refused as "holds no configuration line".
    shown = (
        "Extended IP access list 110\n    10 deny icmp 192.0.2.0 0.0.0.255 192.0.3.0 0.0.0.255 echo dscp ef\n"
        "IPv6 access list R1_TRAFFIC\n    deny tcp any eq www any eq telnet ack dscp af11 sequence 10\n"
    )
    facts = parse_device("cisco_ios", {"show running-config": shown})
    assert facts.hostname is None and facts.sip_ports_open == [] and facts.rtp_udp_ranges == []
    understood = [f for f in audit_findings(facts, "r1") if f.id == "VQ511"]
    assert [f.status.value for f in understood] == ["warn"]  # nothing voice-relevant recognised: said, not silent


def test_nft_iif_by_index_names_the_interface_like_iifname() -> None:
    # firewall4 writes `iif "lo" accept`: a loopback accept, not a permit of everything from anywhere.
    ruleset = (
        "table inet fw4 {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
        '\t\tiif "lo" accept comment "!fw4: Accept traffic from loopback"\n\t}\n}\n'
    )
    facts = parse_device("linux", {"nft list ruleset": ruleset})
    inbound = [(r.action, r.direction) for r in facts.firewall_rules if r.direction.startswith("input")]
    assert inbound == [("permit", "input from lo")]  # (the forward hook has no chain: its implicit accept)
