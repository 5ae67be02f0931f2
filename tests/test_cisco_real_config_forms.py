"""Constructs that public configs showed and the Cisco-like parsers missed (issue #11 corpus).

Each snippet is hand-written in the form the corpus files use; the expected values come from reading
the snippet as a voice engineer would, not from the parser.
"""

from __future__ import annotations

from core.models.facts import DeviceFacts, Port
from platforms.parsers.registry import parse_device


def _facts(platform: str, text: str) -> DeviceFacts:
    return parse_device(platform, {"show running-config": text})


def _port(facts: DeviceFacts, name: str) -> Port:
    return next(p for p in facts.ports if p.name == name)


# --- IOS switches -------------------------------------------------------------------------------------

PASTED_SWITCH_PORTS = """\
interface range fastEthernet 0/1 - 3 , fa0/7
 switchport mode access
 switchport access vlan 10
 switchport voice vlan 20
!
interface fastEthernet 0/5
 switchport access vlan 10
 switchport voice vlan 20
!
interface gigabitEthernet0/1
 switchport voice vlan 30
 auto qos voip cisco-phone
"""


def test_interface_range_lowercase_types_and_voice_vlan_without_mode_line() -> None:
    facts = _facts("cisco_ios", PASTED_SWITCH_PORTS)
    assert facts.voice_ports == [
        "FastEthernet0/1",
        "FastEthernet0/2",
        "FastEthernet0/3",
        "FastEthernet0/7",
        "FastEthernet0/5",
        "GigabitEthernet0/1",
    ]
    assert facts.voice_vlans == [20, 30]
    # no `switchport mode` line, but a voice VLAN: an access port whose data VLAN defaults to 1
    gi01 = _port(facts, "GigabitEthernet0/1")
    assert (gi01.mode, gi01.access_vlan, gi01.trust, gi01.trust_device_phone) == ("access", 1, "cos", True)
    assert _port(facts, "FastEthernet0/5").mode == "access"


def test_mls_qos_trust_is_inert_in_a_whole_config_without_global_mls_qos() -> None:
    body = "hostname sw1\n!\ninterface FastEthernet0/1\n switchport voice vlan 20\n mls qos trust cos\n!\nend\n"
    port = _port(_facts("cisco_ios", body), "FastEthernet0/1")
    assert (port.trust, "inert" in port.evidence) == ("none", True)
    with_global = body.replace("hostname sw1\n", "hostname sw1\nmls qos\n")
    assert _port(_facts("cisco_ios", with_global), "FastEthernet0/1").trust == "cos"
    # a pasted interface alone does not show the global line: the trust is taken as written
    snippet = "interface FastEthernet0/1\n switchport voice vlan 20\n mls qos trust cos\n"
    assert _port(_facts("cisco_ios", snippet), "FastEthernet0/1").trust == "cos"


def test_hostname_from_the_prompt_of_a_pasted_show_output() -> None:
    text = "br-sw3#show running-config | section interface\ninterface Vlan10\n ip address 10.0.0.1 255.255.255.0\n"
    text += "br-sw3#"
    assert _facts("cisco_ios", text).hostname == "br-sw3"


# --- IOS routers --------------------------------------------------------------------------------------

BRANCH_ROUTER = """\
hostname br-rtr1
!
interface Tunnel10
 ip address 172.16.10.2 255.255.255.252
 tunnel source Cellular0/1/0
!
interface Cellular0/1/0
 ip address negotiated
 dialer in-band
!
interface Cellular0/1/1
 no ip address
!
interface Serial0/0/0
 ip address 192.0.2.2 255.255.255.252
!
interface GigabitEthernet0/0/0
 ip address 198.51.100.10 255.255.255.248
!
interface GigabitEthernet0/0/1
 ip address 10.1.1.1 255.255.255.0
!
ip route 0.0.0.0 0.0.0.0 198.51.100.9
end
"""


def test_wan_by_interface_type_and_by_the_default_route_egress() -> None:
    facts = _facts("cisco_ios", BRANCH_ROUTER)
    wan = sorted(p.name for p in facts.ports if p.is_wan)
    assert wan == ["Cellular0/1/0", "GigabitEthernet0/0/0", "Serial0/0/0", "Tunnel10"]
    # a whole router config with no LLQ anywhere: EF is definitely not prioritised
    assert facts.ef_priority is False


def test_cbac_inspecting_sip_is_an_alg_and_its_udp_idle_default_is_30_s() -> None:
    text = BRANCH_ROUTER.replace(
        "interface GigabitEthernet0/0/0\n", "interface GigabitEthernet0/0/0\n ip inspect FW out\n"
    ).replace("end\n", "ip inspect name FW udp\nip inspect name FW sip\nend\n")
    facts = _facts("cisco_ios", text)
    assert (facts.sip_alg, facts.udp_timeout_s) == ("enabled", 30)
    not_applied = text.replace(" ip inspect FW out\n", "")
    assert (_facts("cisco_ios", not_applied).sip_alg, _facts("cisco_ios", not_applied).udp_timeout_s) == (
        "disabled",
        None,
    )


def test_nat_virtual_interface_turns_the_sip_alg_on_by_default() -> None:
    text = BRANCH_ROUTER.replace(
        "interface GigabitEthernet0/0/0\n", "interface GigabitEthernet0/0/0\n ip nat enable\n"
    ).replace("end\n", "ip nat source list 1 interface GigabitEthernet0/0/0 overload\nend\n")
    facts = _facts("cisco_ios", text)
    assert (facts.nat_enabled, facts.sip_alg, facts.udp_timeout_s) == (True, "enabled", 300)


# --- ASA / NX-OS: defaults only where the whole config is there ----------------------------------------


def test_asa_snippet_without_service_policy_or_timeouts_is_unknown_not_default() -> None:
    snippet = "hostname fw1\naccess-list OUT extended permit udp any host 192.0.2.10 eq sip\n"
    facts = _facts("cisco_asa", snippet)
    assert (facts.sip_alg, facts.udp_timeout_s, facts.nat_enabled) == ("unknown", None, None)
    whole = "ASA Version 9.16(4)\n" + snippet + ": end\n"
    assert (_facts("cisco_asa", whole).sip_alg, _facts("cisco_asa", whole).udp_timeout_s) == ("disabled", 120)


def test_nxos_snippet_does_not_get_the_default_queuing_policy() -> None:
    snippet = "interface Ethernet1/1\n  switchport\n  switchport access vlan 10\n"
    facts = _facts("cisco_nxos", snippet)
    assert (facts.priority_classes, facts.ef_priority) == ([], None)
    whole = "version 9.3(3)\nhostname n9k\n" + snippet
    assert _facts("cisco_nxos", whole).priority_classes == ["c-out-8q-q7"]


# --- EOS ------------------------------------------------------------------------------------------------

EOS_ACCESS = """\
hostname idf1
!
qos profile PHONE
   qos trust dscp
   tx-queue 5
      no priority
!
interface Ethernet1
   switchport trunk native vlan 110
   switchport phone vlan 120
   switchport mode trunk phone
   service-profile PHONE
!
interface Ethernet2
   channel-group 10 mode active
!
interface Ethernet3.100
   encapsulation dot1q vlan 100
   ip address 10.0.0.1/31
!
interface Port-Channel10
   switchport mode trunk
!
end
"""


def test_eos_phone_trunk_profile_members_and_subinterfaces() -> None:
    facts = _facts("arista_eos", EOS_ACCESS)
    eth1 = _port(facts, "Ethernet1")
    # the PC's data VLAN on a phone trunk is the native VLAN; the profile's `qos trust dscp` applies
    assert (eth1.mode, eth1.access_vlan, eth1.voice_vlan, eth1.trust) == ("access", 110, 120, "dscp")
    # `no priority` on tx-queue 5 (from the profile) takes queues 0-5 out of strict priority: EF's queue too
    eth1_policy = next(p for p in facts.policies if p.name == "tx-queues Ethernet1")
    assert [c.name for c in eth1_policy.classes if c.priority] == ["tx-queue-7", "tx-queue-6"]
    member = _port(facts, "Ethernet2")
    assert (member.mode, member.trust) == ("unknown", "unknown") and "Port-Channel10" in member.evidence
    assert _port(facts, "Ethernet3.100").mode == "routed"
    assert _port(facts, "Port-Channel10").mode == "trunk"


def test_eos_default_strict_priority_queues_only_for_a_whole_config() -> None:
    snippet = "interface Ethernet5\n   switchport access vlan 10\n"
    assert (_facts("arista_eos", snippet).priority_classes, _facts("arista_eos", snippet).ef_priority) == ([], None)
    whole = _facts("arista_eos", "hostname leaf1\n!\n" + snippet + "!\nend\n")
    assert whole.ef_priority is True and "tx-queue-5" in whole.priority_classes


# --- a permit-everything ACL applied inbound opens SIP and RTP (rules, not just facts) -----------------


def _statuses(platform: str, text: str) -> dict[str, str]:
    from assess.commands.device_cmds import audit_findings

    return {f.id: f.status.value for f in audit_findings(_facts(platform, text), "dev")}


def test_asa_global_permit_ip_any_any_opens_sip_and_rtp_from_anywhere() -> None:
    found = _statuses("cisco_asa", "access-list all extended permit ip any any\naccess-group all global\n")
    assert {k: found[k] for k in ("VQ302", "VQ303", "VQ304", "VQ308")} == {
        "VQ302": "fail",  # RTP open any to any
        "VQ303": "pass",  # the plan's RTP range does get through
        "VQ304": "fail",  # SIP from any source
        "VQ308": "warn",  # far wider than the RTP range
    }


def test_return_traffic_permits_do_not_count_as_sip_openings() -> None:
    text = (
        "interface GigabitEthernet0/0\n ip address 192.0.2.2 255.255.255.0\n ip access-group IN in\n!\n"
        "ip access-list extended IN\n permit tcp any any established\n permit udp host 192.0.2.1 eq ntp any\n"
    )
    assert _statuses("cisco_ios", text)["VQ304"] == "n/a"


def test_a_paste_that_lost_its_indentation_keeps_interface_lines_with_their_interface() -> None:
    flat = "interface range fa0/1 - 2\nswitchport mode access\nswitchport voice vlan 20\nexit\nvlan 20\nname VOICE\n"
    facts = _facts("cisco_ios", flat)
    assert facts.voice_ports == ["FastEthernet0/1", "FastEthernet0/2"]
    assert [v.id for v in facts.vlans] == [20]
