"""A device whose outputs were not understood says so in its facts and in the findings, never silent n/a."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from collectors.evidence import read_outputs
from platforms.parsers.registry import parse_device
from platforms.registry import UNITS

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/manifest.json"))
NOTHING = "recognised nothing voice-relevant: unsupported syntax?"

# Real syntax of each platform that carries nothing a voice rule reads (routing only).
ROUTING_ONLY = {
    "cisco_ios": "hostname r1\nrouter ospf 1\n network 10.0.0.0 0.255.255.255 area 0\n",
    "cisco_xe": "hostname r1\nrouter ospf 1\n network 10.0.0.0 0.255.255.255 area 0\n",
    "cisco_nxos": "hostname n1\nfeature ospf\nrouter ospf 1\n  router-id 10.0.0.1\n",
    "cisco_asa": "hostname fw1\nrouter ospf 1\n network 10.0.0.0 255.0.0.0 area 0\n",
    "arista_eos": "hostname e1\nrouter ospf 1\n   router-id 10.0.0.1\n",
    "juniper_junos": "set system host-name j1\nset protocols ospf area 0.0.0.0 interface lo0.0\n",
    "fortinet": "config router ospf\n    set router-id 10.0.0.1\nend\n",
    "paloalto_panos": "set deviceconfig system hostname p1\nset network virtual-router vr1 protocol ospf enable yes\n",
    "mikrotik_routeros": "/routing ospf instance\nadd name=default router-id=10.0.0.1\n",
    "linux": "table inet filter {\n}\n",
}


def test_every_platform_has_a_routing_only_example() -> None:
    assert set(ROUTING_ONLY) == set(UNITS)


@pytest.mark.parametrize("platform", sorted(ROUTING_ONLY))
def test_a_config_with_nothing_voice_relevant_gets_a_parse_warning(platform: str) -> None:
    command = UNITS[platform].config_command or "nft list ruleset"
    facts = parse_device(platform, {command: ROUTING_ONLY[platform]})
    lines = len(ROUTING_ONLY[platform].strip().splitlines())
    assert f"parsed {lines} lines, {NOTHING}" in facts.parse_warnings


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_recorded_fixtures_are_understood(case: Path) -> None:
    facts = parse_device(case.parent.name, read_outputs(case))
    assert not [w for w in facts.parse_warnings if NOTHING in w or "control bytes" in w]


def test_leftover_terminal_bytes_are_counted_with_their_first_line() -> None:
    text = "hostname sw1\ninterface GigabitEthernet0/1\n switchport voice vlan 20\x07\n switchport access vlan 10\x07\n"
    facts = parse_device("cisco_ios", {"show running-config": text})
    [warning] = [w for w in facts.parse_warnings if "control bytes" in w]
    assert "2 line(s)" in warning and "first at line 3" in warning


def test_a_text_passed_as_free_of_residue_has_no_line_the_residue_pattern_finds() -> None:
    from platforms.parsers.understood import _free_of_residue

    # Truth: the residue pattern itself, written out here, on every character of the first planes in a line.
    residue = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|--More--|---\(more")
    for code in range(0x3100):
        text = f"interface Gi0/1\n x{chr(code)}y\t--More-\n"
        if _free_of_residue(text):
            assert not any(residue.search(line) for line in text.splitlines()), hex(code)
    assert not _free_of_residue("a\n--More--\n") and not _free_of_residue("a\r\n") and _free_of_residue("a\tb\n")


def test_the_warning_reaches_the_audit_findings(tmp_path: Path) -> None:
    cfg = tmp_path / "bgp-only.cfg"
    cfg.write_text(ROUTING_ONLY["cisco_ios"])
    result = CliRunner().invoke(app, ["audit", str(cfg), "--platform", "cisco_ios", "--json"])
    audit = json.loads(result.output)
    [finding] = [f for f in audit["findings"] if f["id"] == "VQ511"]
    assert finding["status"] == "warn" and NOTHING in finding["evidence"]
