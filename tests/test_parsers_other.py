"""Juniper, FortiGate, PAN-OS, RouterOS and Linux parsers: detection, the demo samples, odd input."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.evidence import read_outputs
from core.errors import UserError
from platforms.parsers import common, firewall, junos_config, registry
from platforms.parsers.registry import detect_platform, parse_device
from platforms.registry import UNITS
from tests.parser_refusals import ARTEFACTS_ONLY, BINARY, EMPTY, STRUCTURAL_REFUSALS

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parent.parent / "samples" / "evidence"
PLATFORMS = ("juniper_junos", "fortinet", "paloalto_panos", "mikrotik_routeros", "linux")
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expected_facts.json") if p.parent.parent.name in PLATFORMS)
IDS = [f"{c.parent.name}/{c.name}" for c in CASES]
# Cases whose whole evidence is one config file.
SINGLE_FILE = [c for c in CASES if len(read_outputs(c)) == 1]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_platform_is_detected_from_the_evidence(case: Path) -> None:
    assert detect_platform(read_outputs(case)) == case.parent.name


@pytest.mark.parametrize("case", SINGLE_FILE, ids=[f"{c.parent.name}/{c.name}" for c in SINGLE_FILE])
def test_a_single_saved_file_under_any_name_parses_like_the_evidence(case: Path) -> None:
    outputs = read_outputs(case)
    (text,) = outputs.values()
    alone = parse_device(case.parent.name, {"saved-config.txt": text})
    assert alone == parse_device(case.parent.name, outputs)


def test_branch_fortigate_sample_tells_the_demo_story() -> None:
    facts = parse_device("fortinet", read_outputs(SAMPLES / "branch" / "br-fw1"))
    assert facts.hostname == "BR-FW1"
    assert facts.sip_alg == "enabled" and "proxy-based" in facts.sip_alg_evidence
    # EF is prioritised (shaping profile, class "voice" at priority top); the ALG is what is wrong here
    assert facts.ef_priority is True and facts.ef_priority_egresses() == ["wan1"]
    assert facts.udp_timeout_s == 60
    assert facts.rtp_udp_ranges == [(10000, 20000)]
    inbound = [r for r in facts.firewall_rules if r.direction == "wan1->voice"]
    sip_in = [r for r in inbound if r.name == "Provider-SIP-in"]
    rtp_in = [r for r in inbound if r.name == "Provider-RTP-in"]
    assert sip_in[0].sources == ["203.0.113.10/32", "203.0.113.11/32"] and rtp_in[0].sources == ["203.0.113.0/24"]


def test_warehouse_mikrotik_sample_tells_the_demo_story() -> None:
    facts = parse_device("mikrotik_routeros", read_outputs(SAMPLES / "warehouse" / "wh-rtr1"))
    assert facts.hostname == "WH-RTR1"
    assert facts.sip_alg == "enabled"
    assert facts.ef_priority is False and facts.priority_classes == []
    assert facts.voice_vlans == []
    assert facts.udp_timeout_s == 180  # udp-stream-timeout=3m: what replied flows get (udp-timeout=10s is one-way)
    assert facts.dscp_remarks
    wide_open = [r for r in facts.firewall_rules if r.action == "permit" and r.direction == "forward from WAN"]
    assert wide_open and wide_open[0].protocol == "udp" and wide_open[0].dst_ports == []


def test_junos_policy_resolves_address_sets_and_application_sets() -> None:
    facts = parse_device("juniper_junos", read_outputs(FIXTURES / "juniper_junos" / "srx-branch-voice-ready"))
    rule = next(r for r in facts.firewall_rules if r.name == "SIP-FROM-PROVIDER" and r.protocol == "udp")
    assert rule.sources == ["198.51.100.10/32", "198.51.100.11/32", "198.51.100.64/26"]
    assert rule.dst_ports == [(5060, 5060), (10000, 20000)]
    assert facts.ef_priority_egresses() == ["ge-0/0/0"]


JUNOS_FILTER = """## Last commit: 2026-11-01 10:00:00 UTC by ops
set version 22.4R2.8
set system host-name MX-EDGE
set policy-options prefix-list SIP-PROVIDER 203.0.113.10/32
set firewall family inet filter WAN-IN term SIP from source-prefix-list SIP-PROVIDER
set firewall family inet filter WAN-IN term SIP from protocol udp
set firewall family inet filter WAN-IN term SIP from destination-port 5060
set firewall family inet filter WAN-IN term SIP then accept
set firewall family inet filter WAN-IN term RTP from protocol udp
set firewall family inet filter WAN-IN term RTP from destination-port [ 10000-20000 ]
set firewall family inet filter WAN-IN term RTP then count rtp
set firewall family inet filter WAN-IN term RTP then accept
set firewall family inet filter WAN-IN term LAST then discard
"""


def test_junos_router_filter_terms_become_rules_and_no_srx_means_alg_unknown() -> None:
    facts = parse_device("juniper_junos", {"show configuration | display set": JUNOS_FILTER})
    got = [(r.name, r.action, r.protocol, r.sources, r.dst_ports) for r in facts.firewall_rules]
    assert got == [
        ("WAN-IN term SIP", "permit", "udp", ["203.0.113.10/32"], [(5060, 5060)]),
        ("WAN-IN term RTP", "permit", "udp", ["any"], [(10000, 20000)]),
        ("WAN-IN term LAST", "deny", "any", ["any"], []),
    ]
    assert facts.sip_alg == "unknown" and facts.nat_enabled is None


def test_junos_inactive_statements_are_ignored() -> None:
    facts = parse_device("juniper_junos", read_outputs(FIXTURES / "juniper_junos" / "srx-branch-problems"))
    assert all(r.name != "old-test" for r in facts.firewall_rules)


def test_panos_set_format_gives_the_same_rules_as_the_xml() -> None:
    def rules(case: str) -> list[tuple[object, ...]]:
        facts = parse_device("paloalto_panos", read_outputs(FIXTURES / "paloalto_panos" / case))
        return [(r.name, r.action, r.protocol, r.sources, r.destinations, r.dst_ports) for r in facts.firewall_rules]

    assert rules("pa-problems-set-format") == rules("pa-problems")


def test_empty_nft_ruleset_means_nothing_is_filtered() -> None:
    facts = parse_device("linux", {"nft list ruleset": "", "tc qdisc show": "qdisc noqueue 0: dev lo root refcnt 2\n"})
    assert [(r.name, r.action, r.protocol) for r in facts.firewall_rules] == [
        ("forward policy accept", "permit", "any"),
        ("input policy accept", "permit", "any"),
    ]
    assert facts.filter_policies == {"input": "accept", "forward": "accept", "output": "accept"}
    assert facts.sip_alg == "disabled" and facts.nat_enabled is False and facts.ef_priority is False


def test_routeros_disabled_port_forward_opens_nothing() -> None:
    facts = parse_device("mikrotik_routeros", read_outputs(FIXTURES / "mikrotik_routeros" / "ros6-problems"))
    assert [r.name for r in facts.firewall_rules if r.direction == "dstnat"] == ["PBX SIP"]


def test_linux_masqueraded_interface_is_the_wan() -> None:
    facts = parse_device("linux", read_outputs(FIXTURES / "linux" / "iptables-legacy-router"))
    assert [p.name for p in facts.ports if p.is_wan] == ["eth0"]


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("outputs", [{}, {"show": ""}, {"show": "\x00\x01binary\x00"}, {"x": "hello world\n"}])
def test_unusable_evidence_is_a_user_error(platform: str, outputs: dict[str, str]) -> None:
    with pytest.raises(UserError):
        parse_device(platform, outputs)


def test_unknown_output_is_not_detected() -> None:
    assert detect_platform({"x": "just some text\n"}) is None


@pytest.mark.parametrize("module", [common, firewall])
def test_helper_examples_hold(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines(keepends=True)
    kind = data.draw(st.sampled_from(["truncate", "drop", "duplicate", "garble", "insert"]))
    if kind == "truncate":
        return text[: data.draw(st.integers(0, len(text)))]
    index = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "drop":
        del lines[index : index + data.draw(st.integers(1, 20))]
    elif kind == "duplicate":
        lines.insert(index, "".join(lines[index : index + 5]))
    elif kind == "garble":
        lines[index] = data.draw(st.text(max_size=80)) + "\n"
    else:
        lines.insert(index, data.draw(st.sampled_from(["}\n", "{\n", "end\n", "next\n", '"\n', "<entry>\n", "\\\n"])))
    return "".join(lines)


def allowed_refusals(platform: str, command: str, damaged: str) -> tuple[str, ...]:
    """What a refusal of ``damaged`` (the output of ``command``) may say; empty when the parser must return facts.

    A NUL in a configuration (or in any Linux output) must be refused as binary; in another show output it is
    terminal noise that normalising drops, as for the Cisco family (tests/test_cisco_parsers_fuzz.py): facts,
    or a refusal for a reason that the damage gives.
    """
    if "\x00" in damaged:
        if platform == "linux" or command in UNITS[platform].config_outputs:
            return (BINARY,)
        return (BINARY, *STRUCTURAL_REFUSALS[platform], *EMPTY)
    if not damaged.strip():
        return EMPTY
    return STRUCTURAL_REFUSALS[platform]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_evidence_gives_facts_or_the_right_refusal(case: Path, data: st.DataObject) -> None:
    platform, outputs = case.parent.name, read_outputs(case)
    command = data.draw(st.sampled_from(sorted(outputs)))
    outputs[command] = _mutate(outputs[command], data)
    allowed = allowed_refusals(platform, command, outputs[command])
    try:
        facts = registry.parse_device(platform, outputs)
    except UserError as exc:
        assert any(reason in str(exc) for reason in allowed), f"refused for the wrong reason: {exc}"
        assert "\n" not in str(exc), "a user error is one line"
        return
    assert allowed != (BINARY,), "binary input accepted"
    assert facts.platform == platform


CONFIG_FORMS = [(case, form) for case in CASES for form in UNITS[case.parent.name].config_outputs]


@pytest.mark.parametrize(("case", "form"), CONFIG_FORMS, ids=[f"{c.parent.name}/{c.name}:{f}" for c, f in CONFIG_FORMS])
def test_every_form_of_the_configuration_with_a_nul_is_refused_as_binary(case: Path, form: str) -> None:
    # Found by the fuzz test above: only the unit's main config command was checked for binary data, while
    # the parsers also read other forms (Junos' hierarchical `show configuration`, FortiOS `show`, ...).
    outputs = read_outputs(case)
    config = next(outputs.pop(c) for c in UNITS[case.parent.name].config_outputs if c in outputs)
    lines = config.splitlines(keepends=True)
    lines.insert(min(5, len(lines)), "\x00#\r\u2028\n")  # the NUL sits in a line normalising removes (a CR
    outputs[form] = "".join(lines)  # redraw), so only a check of the raw output before normalising can see it
    with pytest.raises(UserError, match=BINARY):
        registry.parse_device(case.parent.name, outputs)


@pytest.mark.parametrize("platform", PLATFORMS)
@settings(max_examples=20, deadline=None)
@given(junk=st.text(alphabet="0123456789#$%&*+-=?@^_~ \t\n", min_size=1).filter(str.strip))
def test_text_of_no_format_is_refused_for_its_reason(platform: str, junk: str) -> None:
    # Linux evidence is several outputs; junk saved under no known command name must be refused.
    case = next(c for c in CASES if c.parent.name == platform)
    commands = ["saved.txt"] if platform == "linux" else list(read_outputs(case))
    with pytest.raises(UserError) as refused:
        registry.parse_device(platform, dict.fromkeys(commands, junk))
    reasons = (*STRUCTURAL_REFUSALS[platform], ARTEFACTS_ONLY)  # junk of prompt characters alone is artefacts
    assert any(reason in str(refused.value) for reason in reasons), str(refused.value)


@settings(max_examples=400, deadline=None)
@given(line=st.text(alphabet=st.sampled_from(["a", "b", " ", '"', "'", "\\", "\t", "\r", "\x0b", "\xa0", "#"])))
def test_shell_words_splits_as_posix_shlex(line: str) -> None:
    """The fast path for lines without escapes or single quotes gives what shlex gives (or its fallback)."""
    try:
        expected = shlex.split(line, posix=True)
    except ValueError:  # an unbalanced quote: the documented plain split without quotes
        expected = line.replace('"', " ").split()
    assert common.shell_words(line) == expected


def _tokens_line_by_line(text: str) -> list[str]:
    """The curly-brace grammar read one line at a time: a token never crosses a line; `#` starting a word
    comments out the rest of its line; quotes around a string are dropped."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    tokens: list[str] = []
    for line in text.splitlines():
        for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[{};\[\]]|[^\s{};\[\]"]+|"', line):
            token = match.group(0)
            if token.startswith("#"):
                break
            tokens.append(token[1:-1] if len(token) > 1 and token[0] == token[-1] == '"' else token)
    return tokens


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", " ", '"', "\\", "{", "}", ";", "[", "]", "#", "\n", "\r", "\x0b", "\u2028", "/*", "*/"]),
        max_size=20,
    ).map("".join)
)
def test_brace_tokens_read_in_one_scan_equal_a_line_by_line_reading(text: str) -> None:
    assert junos_config._brace_tokens(text) == _tokens_line_by_line(text)
