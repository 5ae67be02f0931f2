"""Behaviour of the Cisco/Arista parsers that the fixture suite does not pin down line by line."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from collectors import loader
from collectors.evidence import read_outputs
from platforms.parsers import cisco_acl, cisco_common, cisco_mqc, eos_qos
from platforms.parsers.cisco_acl import ObjectGroups, parse_ace
from platforms.parsers.registry import parse_device

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parent.parent / "samples" / "evidence"
RTR = (SAMPLES / "hq/hq-rtr1/show_running-config.txt").read_text()
ASA = (SAMPLES / "hq/hq-fw1/show_running-config.txt").read_text()
EOS = (FIXTURES / "arista_eos/campus-voice-ready/show_running-config.txt").read_text()


def _cfg(platform: str, text: str):  # type: ignore[no-untyped-def]
    return parse_device(platform, {"show running-config": text})


@pytest.mark.parametrize("module", [cisco_common, cisco_acl, cisco_mqc, eos_qos, loader])
def test_docstring_examples_hold(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_ios_sip_alg_is_on_by_default_with_nat() -> None:
    facts = _cfg("cisco_xe", RTR.replace("no ip nat service sip udp port 5060\n", ""))
    assert facts.sip_alg == "enabled" and "absent" in facts.sip_alg_evidence


def test_ios_sip_alg_off_for_udp_only_says_tcp_is_still_inspected() -> None:
    facts = _cfg("cisco_xe", RTR.replace("no ip nat service sip tcp port 5060\n", ""))
    assert facts.sip_alg == "disabled" and "still active for TCP" in facts.sip_alg_evidence


def test_ios_without_nat_has_no_alg_and_no_udp_timeout() -> None:
    facts = _cfg("cisco_xe", RTR.replace(" ip nat outside\n", "").replace("ip nat translation udp-timeout 300\n", ""))
    assert (facts.nat_enabled, facts.sip_alg, facts.udp_timeout_s) == (False, "disabled", None)


def test_ios_nat_without_udp_timeout_line_uses_the_300_s_default_and_says_so() -> None:
    facts = _cfg("cisco_xe", RTR.replace("ip nat translation udp-timeout 300\n", ""))
    assert facts.udp_timeout_s == 300 and "default" in facts.evidence["udp_timeout_s"]


def test_ios_zone_firewall_inspecting_sip_is_an_alg() -> None:
    zbfw = (
        "class-map type inspect match-any VOICE-INSPECT\n match protocol sip\n"
        "policy-map type inspect OUT-IN\n class type inspect VOICE-INSPECT\n  inspect\n"
    )
    facts = _cfg(
        "cisco_xe", RTR.replace("!\ninterface GigabitEthernet0/0/0\n", f"!\n{zbfw}!\ninterface GigabitEthernet0/0/0\n")
    )
    assert facts.sip_alg == "enabled" and "match protocol sip" in facts.sip_alg_evidence


def test_ios_llq_behind_a_shaper_counts_for_ef_and_the_port_gets_the_shaped_rate() -> None:
    facts = _cfg("cisco_xe", RTR)
    wan = next(p for p in facts.ports if p.name == "GigabitEthernet0/0/0")
    assert facts.ef_priority_egresses() == ["GigabitEthernet0/0/0", "GigabitEthernet0/0/2"]
    backup = next(p for p in facts.ports if p.name == "GigabitEthernet0/0/2")
    assert (backup.is_wan, backup.shape_kbps) == (True, 10000)
    assert (wan.is_wan, wan.nat_side, wan.shape_kbps, wan.bandwidth_kbps) == (True, "outside", 50000, 50000)
    assert "service-policy output WAN-SHAPER" in wan.evidence


def test_phones_found_by_lldp_on_ports_without_voice_vlan() -> None:
    facts = parse_device("cisco_ios", read_outputs(FIXTURES / "cisco_ios/access-switch-phones-in-data-vlan"))
    stray = [p.name for p in facts.ports if p.phone_attached and p.voice_vlan is None]
    assert stray == ["FastEthernet0/5", "FastEthernet0/6", "FastEthernet0/7"]
    assert all(p.access_vlan == 20 and p.trust == "none" for p in facts.ports if p.name in stray)


def test_classic_ios_with_mls_qos_and_no_trust_line_explains_the_reset_to_zero() -> None:
    facts = parse_device("cisco_ios", read_outputs(FIXTURES / "cisco_ios/access-switch-phones-in-data-vlan"))
    assert "markings are reset to 0" in facts.ports[0].evidence


def test_eos_no_priority_on_the_ef_queue_loses_strict_priority() -> None:
    broken = EOS.replace("   tx-queue 5\n      priority strict\n", "   tx-queue 5\n      no priority\n")
    facts = _cfg("arista_eos", broken)
    assert "Ethernet49/1" in _cfg("arista_eos", EOS).ef_priority_egresses()
    assert "Ethernet49/1" not in facts.ef_priority_egresses()


def test_eos_ef_mapped_to_a_round_robin_queue_is_not_prioritised_anywhere_it_is_round_robin() -> None:
    facts = _cfg("arista_eos", EOS.replace("qos map dscp 46 to traffic-class 5", "qos map dscp 46 to traffic-class 4"))
    assert "Ethernet49/1" not in facts.ef_priority_egresses()


def test_eos_phone_vlan_without_trunk_phone_mode_is_not_a_voice_vlan() -> None:
    facts = _cfg("arista_eos", EOS.replace("   switchport mode trunk phone\n", "", 1))
    eth1 = facts.ports[0]
    assert eth1.voice_vlan is None and "has no effect" in eth1.evidence


def test_nxos_without_system_queuing_uses_default_policy_and_ef_needs_classification() -> None:
    text = (FIXTURES / "cisco_nxos/core-voice-classified/show_running-config.txt").read_text()
    facts = _cfg("cisco_nxos", text.replace("system qos\n  service-policy type queuing output VOICE-8Q-OUT\n", ""))
    assert facts.ef_priority is True and "default-8q-out-policy" in facts.evidence["queuing"]
    unclassified = _cfg("cisco_nxos", text.replace("  set qos-group 7\n", "  set qos-group 1\n"))
    assert unclassified.ef_priority is False


def test_asa_inspect_sip_in_an_unapplied_policy_is_not_an_alg() -> None:
    text = ASA.replace(
        " class inspection_default\n  inspect dns", " class inspection_default\n  inspect sip \n  inspect dns"
    )
    assert _cfg("cisco_asa", text).sip_alg == "enabled"
    assert _cfg("cisco_asa", text.replace("service-policy global_policy global\n", "")).sip_alg == "disabled"


def test_asa_timeouts_default_when_absent() -> None:
    facts = _cfg("cisco_asa", "\n".join(ln for ln in ASA.splitlines() if not ln.startswith("timeout ")))
    assert (facts.udp_timeout_s, facts.sip_timeout_s) == (120, 1800)
    assert "ASA default" in facts.evidence["udp_timeout_s"]


def test_ace_ports_eq_list_gt_neq_and_nested_groups() -> None:
    groups = ObjectGroups(networks={"A": ["203.0.113.10"], "B": ["203.0.113.0/24"]}, nested={"ALL": ["A", "B"]})
    rules = parse_ace("permit udp object-group ALL any eq sip 5061", groups, "X", "in")
    assert rules[0].sources == ["203.0.113.10", "203.0.113.0/24"] and rules[0].dst_ports == [(5060, 5060), (5061, 5061)]
    assert parse_ace("permit udp any any gt 1023", groups, "X", "in")[0].dst_ports == [(1024, 65535)]
    assert parse_ace("deny udp any any neq 5060", groups, "X", "in")[0].dst_ports == [(0, 5059), (5061, 65535)]
    assert parse_ace("remark RTP", groups, "X", "in") == []


def test_asa_protocol_group_applies_the_ace_ports_to_each_protocol() -> None:
    text = ASA.replace(
        "access-list OUTSIDE_IN extended permit icmp any any echo-reply \n",
        "object-group protocol TCPUDP\n protocol-object udp\n protocol-object tcp\n"
        "access-list OUTSIDE_IN extended permit object-group TCPUDP any4 host 10.120.0.10 eq 5062 \n",
    )
    rules = [r for r in _cfg("cisco_asa", text).firewall_rules if (5062, 5062) in r.dst_ports]
    assert sorted(r.protocol for r in rules) == ["tcp", "udp"] and rules[0].sources == ["any"]


def test_unshaped_wan_port_reports_its_nominal_speed_as_ios_does() -> None:
    facts = parse_device("cisco_ios", read_outputs(FIXTURES / "cisco_ios/branch-router-alg-short-timeout"))
    wan = next(p for p in facts.ports if p.is_wan)
    assert (wan.name, wan.bandwidth_kbps, wan.shape_kbps) == ("GigabitEthernet0/1", 1_000_000, None)
    assert "nominal speed of a GigabitEthernet" in wan.evidence


def test_zone_firewall_udp_idle_time_is_the_shorter_udp_timeout() -> None:
    zbfw = "zone security OUTSIDE\nzone security INSIDE\nzone-pair security IN-OUT source INSIDE destination OUTSIDE\n"
    facts = _cfg("cisco_xe", RTR + zbfw)
    assert facts.udp_timeout_s == 30 and "zone-based firewall" in facts.evidence["udp_timeout_s"]
    tuned = _cfg("cisco_xe", RTR + zbfw + "parameter-map type inspect global\n udp idle-time 900\n")
    assert tuned.udp_timeout_s == 300


def test_precedence_5_class_in_priority_carries_ef() -> None:
    text = (FIXTURES / "cisco_ios/branch-router-alg-short-timeout/show_running-config.txt").read_text()
    facts = _cfg("cisco_ios", text.replace(" class VOICE\n  bandwidth 512\n", " class VOICE\n  priority 512\n"))
    assert facts.ef_priority is True and "ef" in facts.class_maps[0].match_dscp
