"""Lines a parser did not understand inside voice-relevant blocks become parse warnings (VQ511), never silence.

Each case takes a realistic config that parses without such a warning (a fixture or sample written from a real
device), changes one line the way a person does (a typo, or syntax the parser does not support) and checks the
warning names the block and the line. The expected block names and lines are read off the configs by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.commands.device_cmds import audit_findings, load_facts
from core.models.facts import DeviceFacts
from tests.corpus_support import load_cases

ROOT = Path(__file__).resolve().parents[1]
XE_ROUTER = ROOT / "tests" / "fixtures" / "cisco_xe" / "wan-router-llq-nat" / "show_running-config.txt"
IOS_SWITCH = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"
ASA = ROOT / "samples" / "evidence" / "hq" / "hq-fw1" / "show_running-config.txt"
JUNOS = ROOT / "tests" / "fixtures" / "juniper_junos"
SRX_SET = JUNOS / "srx-branch-voice-ready" / "show_configuration_display_set.txt"
SRX_BRACES = JUNOS / "srx-branch-problems" / "show_configuration.txt"
NOT_UNDERSTOOD = "not understood"


def _facts(tmp_path: Path, source: Path, platform: str, old: str = "", new: str = "") -> DeviceFacts:
    text = source.read_text()
    if old:
        assert text.count(old) == 1, f"the case must change exactly one line: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / source.name
    path.write_text(text)
    return load_facts(path, platform)


def _unread(facts: DeviceFacts) -> list[str]:
    return [w for w in facts.parse_warnings if NOT_UNDERSTOOD in w]


@pytest.mark.parametrize(
    ("source", "platform"),
    [
        (XE_ROUTER, "cisco_xe"),
        (IOS_SWITCH, "cisco_ios"),
        (ASA, "cisco_asa"),
        (SRX_SET, "juniper_junos"),
        (SRX_BRACES, "juniper_junos"),
    ],
)
def test_configs_the_parser_reads_fully_get_no_such_warning(tmp_path: Path, source: Path, platform: str) -> None:
    assert _unread(_facts(tmp_path, source, platform)) == []


def test_a_typo_in_a_policy_map_class_is_a_warning_naming_the_class_and_the_line(tmp_path: Path) -> None:
    facts = _facts(tmp_path, XE_ROUTER, "cisco_xe", "  priority percent 33\n", "  prority percent 33\n")
    assert _unread(facts) == [
        "policy-map WAN-QUEUING class VOICE: 1 line not understood, its facts may be missing: `prority percent 33`"
    ]
    vq511 = [f for f in audit_findings(facts, "wan-rtr") if f.id == "VQ511"]
    assert [f.status for f in vq511] == ["warn"] and "prority percent 33" in vq511[0].evidence


def test_priority_syntax_the_parser_does_not_support_is_a_warning_not_a_silent_no_priority(tmp_path: Path) -> None:
    # `priority level 1 percent 33` is valid IOS-XE the parser does not read: without the warning, VOICE would
    # simply look like a class with no priority queue.
    facts = _facts(tmp_path, XE_ROUTER, "cisco_xe", "  priority percent 33\n", "  priority level 1 percent 33\n")
    assert _unread(facts) == [
        "policy-map WAN-QUEUING class VOICE: 1 line not understood, its facts may be missing: "
        "`priority level 1 percent 33`"
    ]


def test_a_typo_in_a_class_map_match_is_a_warning(tmp_path: Path) -> None:
    facts = _facts(tmp_path, XE_ROUTER, "cisco_xe", " match dscp ef\n", " mtach dscp ef\n")
    assert _unread(facts) == ["class-map VOICE: 1 line not understood, its facts may be missing: `mtach dscp ef`"]


def test_a_typo_in_an_interface_trust_line_is_a_warning_naming_the_interface(tmp_path: Path) -> None:
    text = IOS_SWITCH.read_text()
    port = text.index("interface GigabitEthernet1/0/1\n")
    trust = text.index(" mls qos trust cos\n", port)
    path = tmp_path / "sw.txt"
    path.write_text(text[:trust] + " mls qos trust dcsp\n" + text[trust + len(" mls qos trust cos\n") :])
    assert _unread(load_facts(path, "cisco_ios")) == [
        "interface GigabitEthernet1/0/1: 1 line not understood, its facts may be missing: `mls qos trust dcsp`"
    ]


def test_other_interface_commands_and_valid_forms_are_not_warned(tmp_path: Path) -> None:
    # Only the voice-relevant command families are judged (an OSPF or CDP line is no QoS fact to miss), and
    # their valid forms the parser leaves aside (IBNS 2.0 control policies, UPOE four-pair) are no typo.
    facts = _facts(
        tmp_path,
        IOS_SWITCH,
        "cisco_ios",
        "interface GigabitEthernet1/0/1\n",
        "interface GigabitEthernet1/0/1\n ip ospf cost 10\n no cdp enable\n"
        " service-policy type control subscriber DOT1X-MAB\n power inline four-pair forced\n",
    )
    assert _unread(facts) == []


def test_a_junos_scheduler_priority_typo_is_a_warning_naming_the_scheduler(tmp_path: Path) -> None:
    old, new = "EF-SCHED priority strict-high\n", "EF-SCHED priority strict-hihg\n"
    facts = _facts(tmp_path, SRX_SET, "juniper_junos", old, new)
    assert _unread(facts) == [
        "class-of-service schedulers EF-SCHED: 1 line not understood, its facts may be missing: "
        "`set class-of-service schedulers EF-SCHED priority strict-hihg`"
    ]


def test_a_junos_statement_typo_in_curly_braces_is_a_warning(tmp_path: Path) -> None:
    old = "                rewrite-rules {\n                    dscp ISP-BLEACH;"
    new = "                rewrite-rule {\n                    dscp ISP-BLEACH;"
    facts = _facts(tmp_path, SRX_BRACES, "juniper_junos", old, new)
    assert _unread(facts) == [
        "class-of-service interfaces ge-0/0/0: 1 line not understood, its facts may be missing: "
        "`set class-of-service interfaces ge-0/0/0 unit 0 rewrite-rule dscp ISP-BLEACH`"
    ]


def test_an_applied_asa_acl_entry_that_gives_no_rule_is_a_warning(tmp_path: Path) -> None:
    old = "access-list OUTSIDE_IN extended permit icmp any any echo-reply"
    facts = _facts(tmp_path, ASA, "cisco_asa", old, "access-list OUTSIDE_IN extended permt icmp any any echo-reply")
    assert _unread(facts) == [
        "access-list OUTSIDE_IN: 1 line not understood, its facts may be missing: "
        "`access-list OUTSIDE_IN extended permt icmp any any echo-reply`"
    ]


def test_an_acl_no_interface_applies_is_not_judged(tmp_path: Path) -> None:
    facts = _facts(
        tmp_path,
        ASA,
        "cisco_asa",
        "access-group OUTSIDE_IN in interface outside\n",
        "access-group OUTSIDE_IN in interface outside\naccess-list SPARE extended permt ip any any\n",
    )
    assert _unread(facts) == []


def test_the_warnings_are_bounded_per_block_and_per_device(tmp_path: Path) -> None:
    classes = "".join(f"class-map match-any C{n}\n match dscp cs{n % 8}\n" for n in range(12))
    policy = "policy-map BIG\n" + "".join(f" class C{n}\n  prority {n}\n" for n in range(12))
    odd = "policy-map ODD\n class C0\n" + "".join(f"  oddity {n}\n" for n in range(5))
    path = tmp_path / "r.txt"
    attach = "interface GigabitEthernet0/0\n service-policy output BIG\n"
    path.write_text(f"hostname r1\n{classes}{odd}{policy}{attach}end\n")
    warnings = _unread(load_facts(path, "cisco_ios"))
    assert warnings[0] == (
        "policy-map ODD class C0: 5 lines not understood, its facts may be missing: `oddity 0`, `oddity 1`, "
        "`oddity 2` (+2 more)"
    )
    assert len(warnings) == 9 and warnings[-1] == "5 more blocks hold 5 lines not understood"


def test_no_corpus_config_gets_such_a_warning() -> None:
    # Every corpus case is a published config the parsers read; none holds a voice block line they do not know.
    # (Should one ever need to, its expected.yaml notes must say which line and why.)
    flagged = {}
    for case in load_cases():
        try:
            facts = load_facts(case.folder / "input.txt", case.platform)
        except Exception:  # refusals are test_corpus.py's business
            continue
        if unread := _unread(facts):
            flagged[case.folder.name] = unread
    assert flagged == {}
