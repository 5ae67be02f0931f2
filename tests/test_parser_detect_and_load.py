"""Platform auto-detection and the evidence loader (folder, single config, bundle)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors.evidence import read_outputs
from collectors.loader import load_evidence
from core.errors import UserError
from platforms.parsers.registry import detect_platform

FIXTURES = Path(__file__).parent / "fixtures"
MINE = ("cisco_ios", "cisco_xe", "cisco_nxos", "cisco_asa", "arista_eos")
CASES = sorted(p for platform in MINE for p in (FIXTURES / platform).glob("*") if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_platform_is_detected_from_all_outputs_and_from_the_config_alone(case: Path) -> None:
    outputs = read_outputs(case)
    assert detect_platform(outputs) == case.parent.name
    assert detect_platform({"show running-config": outputs["show running-config"]}) == case.parent.name


def test_text_that_is_no_known_config_is_not_detected() -> None:
    assert detect_platform({"show running-config": "hello world\n"}) is None


def test_bundle_is_split_on_command_lines(tmp_path: Path) -> None:
    bundle = tmp_path / "b.txt"
    bundle.write_text(
        "### command: show version\nCisco IOS Software, x\n### command: show running-config\nhostname a\n"
    )
    assert load_evidence(bundle) == {"show version": "Cisco IOS Software, x\n", "show running-config": "hostname a\n"}


def test_single_file_is_the_running_config(tmp_path: Path) -> None:
    cfg = tmp_path / "r1.cfg"
    cfg.write_text("hostname r1\n")
    assert load_evidence(cfg) == {"show running-config": "hostname r1\n"}


def test_empty_folder_and_nameless_bundle_header_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no saved command outputs"):
        load_evidence(tmp_path)
    bad = tmp_path / "b.txt"
    bad.write_text("### command:\nhostname a\n")
    with pytest.raises(UserError, match="names no command"):
        load_evidence(bad)


def test_a_manifest_path_stands_for_its_evidence_folder() -> None:
    case = FIXTURES / "cisco_asa" / "voice-dmz-no-sip-inspect"
    assert load_evidence(case / "manifest.json") == load_evidence(case)
