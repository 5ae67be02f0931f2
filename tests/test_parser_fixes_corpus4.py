"""Parsing fixes found by the voice-focused out-of-sample corpus round (corpus4): ASA, IOS, RouterOS.

Each test feeds a short snippet written for the construct and checks what a reader of the snippet
expects; tests/test_corpus.py measures the same fixes on the public files that showed them.
"""

from __future__ import annotations

from assess.commands.device_cmds import audit_findings
from platforms.parsers.config_tree import ConfigTree
from platforms.parsers.registry import parse_device

# ---------------------------------------------------------------- flat (flush-left) pastes

# A screen scraper that strips leading blanks, as in pyntc's ASA fixture: every line at column 0.
FLAT_ASA = (
    "ASA Version 9.0(1)\nhostname fw1\ninterface Ethernet0\nnameif outside\nsecurity-level 0\n"
    "ip address 192.0.2.2 255.255.255.0\n!\nclass-map inspection_default\nmatch default-inspection-traffic\n!\n"
    "policy-map custom_global\nclass inspection_default\ninspect dns\ninspect sip\ninspect icmp\n!\n"
    "service-policy custom_global global\n: end\n"
)


def test_flat_asa_policy_map_still_inspects_sip() -> None:
    facts = parse_device("cisco_asa", {"show running-config": FLAT_ASA})
    assert facts.sip_alg == "enabled"
    assert "inspect sip" in facts.sip_alg_evidence


def test_flat_asa_policy_without_inspect_sip_is_no_alg() -> None:
    facts = parse_device("cisco_asa", {"show running-config": FLAT_ASA.replace("inspect sip\n", "")})
    assert facts.sip_alg == "disabled"


def test_flat_ios_mqc_keeps_its_priority_class() -> None:
    config = (
        "hostname r1\nclass-map match-any VOICE\nmatch dscp ef\npolicy-map WAN-OUT\nclass VOICE\npriority percent 30\n"
        "class class-default\nfair-queue\ninterface GigabitEthernet0/0\nip address 192.0.2.1 255.255.255.0\n"
        "service-policy output WAN-OUT\nip route 0.0.0.0 0.0.0.0 192.0.2.254\nend\n"
    )
    facts = parse_device("cisco_ios", {"show running-config": config})
    assert facts.priority_classes == ["VOICE"]
    assert facts.ef_priority is True


def test_indented_bang_after_an_evc_block_stays_under_its_interface() -> None:
    lines = ["interface Gi0/0/1", " service instance 2 ethernet", "  bridge-domain 2", " !", "!", "interface Gi0/0/2"]
    tree = ConfigTree(lines)
    assert [c.text for c in tree.objs[0].children] == [" service instance 2 ethernet", " !"]


# ---------------------------------------------------------------- IOS trust in a partial config


def test_ios_snippet_without_mls_qos_line_leaves_port_trust_unknown() -> None:
    snippet = "interface GigabitEthernet2\n switchport access vlan 30\n switchport voice vlan 40\n!\n"
    facts = parse_device("cisco_ios", {"show running-config": snippet})
    assert [(p.name, p.trust) for p in facts.ports if p.voice_vlan] == [("GigabitEthernet2", "unknown")]
    statuses = {f.id: f.status.value for f in audit_findings(facts, "sw")}
    assert statuses["VQ105"] == "unknown"


def test_ios_snippet_with_global_mls_qos_and_no_trust_line_is_untrusted() -> None:
    snippet = "mls qos\ninterface GigabitEthernet2\n switchport access vlan 30\n switchport voice vlan 40\n!\n"
    facts = parse_device("cisco_ios", {"show running-config": snippet})
    assert [p.trust for p in facts.ports if p.voice_vlan] == ["none"]


# ---------------------------------------------------------------- RouterOS NAT in a partial script

QOS_SCRIPT = (
    "/ip firewall mangle\nadd action=mark-packet chain=postrouting connection-mark=VOIP new-packet-mark=VOIP\n"
    "/queue tree\nadd name=VOIP_U parent=ether1 packet-mark=VOIP priority=2 max-limit=5M\n"
)


def test_routeros_script_without_nat_rules_leaves_nat_unknown() -> None:
    facts = parse_device("mikrotik_routeros", {"/export verbose": QOS_SCRIPT})
    assert facts.nat_enabled is None
    statuses = {f.id: f.status.value for f in audit_findings(facts, "r1")}
    assert statuses["VQ301"] == "unknown"


def test_routeros_whole_export_without_nat_rules_does_no_nat() -> None:
    export = "# jan/02/1970 00:00:00 by RouterOS 6.49.2\n# software id = ABCD-1234\n#\n" + QOS_SCRIPT
    assert parse_device("mikrotik_routeros", {"/export verbose": export}).nat_enabled is False


# ---------------------------------------------------------------- MQC lines an anonymiser rewrote


def test_anonymised_class_map_description_is_not_an_unread_line() -> None:
    config = "hostname r1\nclass-map match-all RTP\n  description: test 123\n match dscp 45\nend\n"
    facts = parse_device("cisco_xe", {"show running-config": config})
    assert not [w for w in facts.parse_warnings if "not understood" in w]


# ---------------------------------------------------------------- Junos class-of-service pastes

CLASSIFIER_ONLY = (
    "class-of-service {\n    classifiers {\n        dscp DSCP {\n            forwarding-class REALTIME {\n"
    "                loss-priority low code-points [ cs5 ef ];\n            }\n        }\n    }\n}\n"
)


def test_junos_classifier_only_paste_does_not_say_whether_ef_is_prioritised() -> None:
    facts = parse_device("juniper_junos", {"show configuration": CLASSIFIER_ONLY})
    assert facts.ef_priority is None


def test_junos_paste_with_schedulers_shows_the_queueing() -> None:
    queueing = "    schedulers {\n        s-be {\n            priority low;\n        }\n    }\n}\n"
    schedulers = CLASSIFIER_ONLY.removesuffix("}\n") + queueing
    facts = parse_device("juniper_junos", {"show configuration": schedulers})
    assert facts.ef_priority is False


# ---------------------------------------------------------------- RouterOS DSCP re-marking


def test_routeros_change_dscp_of_the_voip_mark_is_a_marking_the_audit_judges() -> None:
    script = QOS_SCRIPT + (
        "/ip firewall mangle\nadd action=change-dscp chain=postrouting connection-mark=VOIP new-dscp=48\n"
    )
    facts = parse_device("mikrotik_routeros", {"/export verbose": script})
    assert [(c.name, c.set_dscp) for p in facts.policies for c in p.classes if c.set_dscp] == [("VOIP", "cs6")]
    statuses = {f.id: f.status.value for f in audit_findings(facts, "r1")}
    assert statuses["VQ208"] == "fail"  # voice re-marked CS6, the plan's media DSCP is EF
