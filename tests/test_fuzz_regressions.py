"""Inputs the 100,000-input parser fuzz run (benchmarks/fuzz_parsers.py) once crashed on."""

from __future__ import annotations

from platforms.parsers.panos_setformat import set_lines_to_config
from platforms.parsers.registry import parse_device


def test_asa_timeout_with_a_superscript_digit_is_not_a_number() -> None:
    config = "ASA Version 9.16(4)\nhostname fw\ntimeout udp 0⁴:02:00\n"
    facts = parse_device("cisco_asa", {"show running-config": config})
    assert facts.udp_timeout_s != 4


def test_panos_set_line_with_a_non_ascii_tag_is_skipped_not_fatal() -> None:
    text = "set deviceconfig system hostname pa1\nset rulebase na⑼ rules pbx-dnat source any\n"
    assert parse_device("paloalto_panos", {"show": text}).platform == "paloalto_panos"


def test_panos_set_lines_with_control_characters_never_reach_lxml() -> None:
    text = 'set rulebase security rules ok description "x\x01y"\nset address a\x0bb ip-netmask 1\n'
    config = set_lines_to_config(text)
    assert config.tag == "config"
