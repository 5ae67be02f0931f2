"""Parsing fixes found with the public corpus (Junos, FortiOS, PAN-OS, RouterOS, Linux).

Each test feeds a short snippet written for the case and checks the value a reader of the snippet
expects; the corpus itself (tests/test_corpus.py) measures the same fixes on the real files.
"""

from __future__ import annotations

from platforms.parsers.registry import parse_device

ROS_HEADER = "# 2026-01-05 10:00:00 by RouterOS 7.15.2\n# software id = AAAA-BBBB\n"


def ros(text: str) -> dict[str, str]:
    return {"/export": text}


# ---------------------------------------------------------------- RouterOS


def test_routeros_udp_timeout_is_the_stream_timer_replied_flows_get() -> None:
    export = ROS_HEADER + "/ip firewall connection tracking\nset udp-stream-timeout=2m udp-timeout=10s\n"
    assert parse_device("mikrotik_routeros", ros(export)).udp_timeout_s == 120


def test_routeros_whole_export_with_only_the_one_way_timer_keeps_the_3_minute_stream_default() -> None:
    export = ROS_HEADER + "/ip firewall connection tracking\nset udp-timeout=10s\n"
    assert parse_device("mikrotik_routeros", ros(export)).udp_timeout_s == 180


def test_routeros_pasted_section_without_header_leaves_alg_and_timer_unknown() -> None:
    section = "/ip firewall filter\nadd action=accept chain=forward dst-port=5060 protocol=udp\n"
    facts = parse_device("mikrotik_routeros", ros(section))
    assert facts.udp_timeout_s is None
    assert facts.sip_alg == "unknown"
    assert facts.ef_priority is None


def test_routeros_export_behind_a_long_comment_block_is_read() -> None:
    history = "".join(f"# U filter rule added          write   2025-03-10 11:59:{i % 60:02d}\n" for i in range(120))
    export = history + ROS_HEADER + "/system identity\nset name=edge1\n"
    assert parse_device("mikrotik_routeros", ros(export)).hostname == "edge1"


def test_routeros_wan_list_member_missing_from_interface_ethernet_is_a_wan_port() -> None:
    export = ROS_HEADER + (
        "/interface pppoe-client\nadd interface=ether1 name=pppoe-out1 user=u\n"
        "/interface list\nadd name=WAN\n/interface list member\nadd interface=pppoe-out1 list=WAN\n"
    )
    facts = parse_device("mikrotik_routeros", ros(export))
    assert [p.name for p in facts.ports if p.is_wan] == ["pppoe-out1"]


# ---------------------------------------------------------------- Linux


def test_linux_udp_timeout_is_the_shorter_of_the_one_way_and_stream_timers() -> None:
    sysctl = "net.netfilter.nf_conntrack_udp_timeout = 30\nnet.netfilter.nf_conntrack_udp_timeout_stream = 20\n"
    assert parse_device("linux", {"sysctl -a": sysctl}).udp_timeout_s == 20
    sysctl = "net.netfilter.nf_conntrack_udp_timeout = 30\nnet.netfilter.nf_conntrack_udp_timeout_stream = 120\n"
    assert parse_device("linux", {"sysctl -a": sysctl}).udp_timeout_s == 30


def test_linux_sysctl_conf_alone_is_evidence_and_modern_keys_beat_legacy_ones() -> None:
    conf = (
        "net.ipv4.netfilter.ip_conntrack_udp_timeout_stream=45\n"
        "net.netfilter.nf_conntrack_udp_timeout=60\n"
        "net.netfilter.nf_conntrack_udp_timeout_stream=180\n"
    )
    facts = parse_device("linux", {"show running-config": conf})
    assert facts.udp_timeout_s == 60
    assert facts.sip_alg == "unknown"


def test_nft_file_with_one_line_chains_and_a_helper_map_over_several_lines() -> None:
    ruleset = (
        "#!/usr/sbin/nft -f\n"
        "table inet filter {\n"
        '\tct helper sip-5060 {\n\t\ttype "sip" protocol udp;\n\t}\n'
        "\tchain input\t{ type filter hook input priority 0; policy drop; }\n"
        "\tchain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n"
        '\t\tct helper set udp dport map {\n\t\t\t69 : "tftp-69", \\\n\t\t\t5060 : "sip-5060" }\n'
        "\t\tudp dport 10000-20000 accept # media\n\t}\n}\n"
    )
    facts = parse_device("linux", {"show running-config": ruleset})
    assert facts.sip_alg == "enabled"
    assert facts.rtp_udp_ranges == [(10000, 20000)]


def test_nft_table_without_family_is_an_ip_table() -> None:
    ruleset = "table nat {\n\tchain postrouting\t{ type nat hook postrouting priority 100; }\n}\n"
    facts = parse_device("linux", {"show running-config": ruleset})
    assert facts.sip_alg == "disabled"
    assert facts.nat_enabled is False


# ---------------------------------------------------------------- PAN-OS

PANOS_TEXT = """config {
  devices {
    localhost.localdomain {
      network {
        interface { ethernet { ethernet1/1 { layer3 { dhcp-client { create-default-route yes; } } } } }
      }
      deviceconfig {
        system {
          hostname fw-text;
          login-banner "line one
# not a comment
line three";
        }
        setting { session { timeout-udp 90; } }
      }
      vsys { vsys1 { zone { untrust { network { layer3 ethernet1/1; } } } rulebase { security { rules; } } } }
    }
  }
}
"""


def test_panos_curly_text_format_is_read_like_set_format() -> None:
    facts = parse_device("paloalto_panos", {"show config running": PANOS_TEXT})
    assert facts.hostname == "fw-text"
    assert facts.udp_timeout_s == 90
    assert facts.sip_alg == "enabled"  # a whole config without alg-override: PAN-OS default
    assert [p.name for p in facts.ports if p.is_wan] == ["ethernet1/1"]


def test_panos_settings_section_alone_assumes_no_defaults() -> None:
    section = "set deviceconfig system hostname fw1\nset deviceconfig system timezone UTC\n"
    facts = parse_device("paloalto_panos", {"show": section})
    assert facts.hostname == "fw1"
    assert (facts.sip_alg, facts.udp_timeout_s, facts.ef_priority) == ("unknown", None, None)


def test_panos_security_rules_fragment_is_read_as_the_vsys_rulebase() -> None:
    fragment = (
        '<rules>\n  <entry name="sip-in">\n    <from><member>untrust</member></from>\n'
        "    <to><member>trust</member></to>\n    <source><member>any</member></source>\n"
        "    <destination><member>any</member></destination>\n    <application><member>sip</member></application>\n"
        "    <service><member>application-default</member></service>\n    <action>allow</action>\n"
        "  </entry>\n</rules>"
    )
    facts = parse_device("paloalto_panos", {"show": fragment})
    assert [r.name for r in facts.firewall_rules if r.action == "permit"][:1] == ["sip-in"]
    assert facts.sip_alg == "unknown"


# ---------------------------------------------------------------- FortiOS

FGT_POLICY = """config firewall policy
    edit 1
        set srcintf "lan"
        set dstintf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "HTTPS"
        set nat enable
    next
end
"""


def test_fortios_sections_without_the_backup_header_assume_no_defaults() -> None:
    facts = parse_device("fortinet", {"show": FGT_POLICY})
    assert (facts.sip_alg, facts.udp_timeout_s, facts.ef_priority) == ("unknown", None, None)


def test_fortios_whole_backup_takes_the_defaults() -> None:
    backup = "#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n" + FGT_POLICY
    facts = parse_device("fortinet", {"show": backup})
    assert (facts.sip_alg, facts.udp_timeout_s, facts.ef_priority) == ("enabled", 180, False)


def test_fortios_section_that_sets_the_alg_mode_is_judged() -> None:
    settings = (
        "config system settings\n    set default-voip-alg-mode kernel-helper-based\n    set sip-helper disable\nend\n"
    )
    assert parse_device("fortinet", {"show": settings + FGT_POLICY}).sip_alg == "disabled"


# ---------------------------------------------------------------- Junos

JUNOS_COS = """set system host-name srx1
set interfaces ae0 unit 0 family inet address 192.0.2.1/30
set interfaces irb unit 100 family inet address 198.51.100.1/24
set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30
set security zones security-zone untrust interfaces ae0.0
set security zones security-zone internet interfaces irb.100
set security zones security-zone wan interfaces ge-0/0/1.0
set class-of-service schedulers VOICE priority strict-high
set class-of-service schedulers VOICE transmit-rate percent 30
set class-of-service scheduler-maps WAN forwarding-class expedited-forwarding scheduler VOICE
set class-of-service interfaces ae0 unit 0 scheduler-map WAN
set class-of-service interfaces irb unit 100 scheduler-map WAN
set class-of-service interfaces ge-0/0/* scheduler-map WAN
"""


def test_junos_scheduler_maps_on_ae_irb_units_and_wildcards_reach_their_wan_ports() -> None:
    facts = parse_device("juniper_junos", {"show configuration | display set": JUNOS_COS})
    assert sorted(p.name for p in facts.ports if p.is_wan) == ["ae0", "ge-0/0/1", "irb"]
    assert sorted(facts.ef_priority_egresses()) == ["ae0", "ge-0/0/1", "irb"]


def test_junos_ef_class_without_a_scheduler_in_the_applied_map_is_not_prioritised() -> None:
    config = JUNOS_COS.replace(
        "forwarding-class expedited-forwarding scheduler VOICE", "forwarding-class best-effort scheduler VOICE"
    )
    config += "set class-of-service classifiers dscp VOICE-IN forwarding-class voice loss-priority low code-points ef\n"
    facts = parse_device("juniper_junos", {"show configuration | display set": config})
    assert facts.ef_priority is False


JUNOS_XML = """<rpc-reply><configuration>
  <security><policies>
    <policy><from-zone-name>untrust</from-zone-name><to-zone-name>trust</to-zone-name>
      <policy><name>sip-in</name>
        <match><source-address>any</source-address><destination-address>any</destination-address>
          <application>junos-sip</application></match>
        <then><permit/></then>
      </policy>
    </policy>
    <default-policy><permit-all/></default-policy>
  </policies></security>
</configuration></rpc-reply>"""


def test_junos_xml_policies_and_default_permit_all_are_rules() -> None:
    facts = parse_device("juniper_junos", {"show configuration | display xml": JUNOS_XML})
    names = [r.name for r in facts.firewall_rules if r.action == "permit"]
    assert "sip-in" in names and "default-policy" in names
    assert facts.sip_ports_open == [5060]
    assert facts.sip_alg == "unknown"  # one pasted hierarchy: the SRX defaults are not assumed


def test_junos_netconf_text_reply_and_a_pasted_interfaces_stanza_are_read() -> None:
    reply = "<rpc-reply><configuration-text>\nsystem {\n    host-name vsrx01;\n}\n</configuration-text></rpc-reply>"
    assert parse_device("juniper_junos", {"show configuration": reply}).hostname == "vsrx01"
    stanza = "ge-0/0/1 {\n    unit 0 {\n        family ethernet-switching {\n            vlan {\n"
    stanza += "                members 100;\n            }\n        }\n    }\n}\n"
    facts = parse_device("juniper_junos", {"show configuration interfaces": stanza})
    assert [(p.name, p.access_vlan) for p in facts.ports] == [("ge-0/0/1", 100)]
