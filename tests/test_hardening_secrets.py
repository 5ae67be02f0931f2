"""Secrets seeded in every platform's syntax reach no output: saved evidence, results, reports, or the
stdout of `assess facts` / `assess audit` (text and JSON); a password typed into ``password_env`` is
neither kept nor echoed (issue 15)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from assess.survey import SurveyOptions, run_survey
from collectors.evidence import read_manifest
from core.plan import Plan, PlanError, parse_plan
from platforms.redact import PLATFORMS, redact
from tests.secret_seeds import SEEDS, leaks, secrets_of
from tests.test_secrets_end_to_end import output_texts

FIXTURES = Path(__file__).parent / "fixtures"


def _seeded_device(platform: str, dest: Path) -> Path:
    """A copy of the platform's first fixture case with the seeds appended to every saved output."""
    case = sorted((FIXTURES / platform).iterdir())[0]
    shutil.copytree(case, dest)
    for output in dest.glob("*.txt"):
        output.write_text(output.read_text() + "\n" + "\n".join(SEEDS[platform]) + "\n")
    return dest


@pytest.mark.parametrize("platform", PLATFORMS)
def test_seeded_secrets_of_a_platform_are_removed_by_its_own_patterns_and_by_all(platform: str) -> None:
    text = "\n".join(SEEDS[platform])
    assert len(secrets_of(platform)) >= 9
    assert leaks(redact(text, platform), secrets_of(platform)) == []
    assert leaks(redact(text), secrets_of(platform)) == []
    assert redact(text).count("\n") == text.count("\n")  # line structure kept


@pytest.mark.parametrize("platform", PLATFORMS)
def test_facts_and_audit_print_no_seeded_secret_in_text_or_json(platform: str, tmp_path: Path) -> None:
    device = _seeded_device(platform, tmp_path / "dev")
    runner = CliRunner()
    printed = []
    for command in ("facts", "audit"):
        for extra in ([], ["--json"]):
            result = runner.invoke(app, [command, str(device), "--platform", platform, *extra])
            assert result.exit_code == 0, result.output
            printed.append(result.output)
    assert leaks("\n".join(printed), secrets_of(platform)) == []


def test_a_survey_of_every_platform_with_seeded_secrets_writes_none_of_them(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    devices = []
    for platform in PLATFORMS:
        folder = _seeded_device(platform, evidence / "lab" / platform.replace("_", "-"))
        manifest = read_manifest(folder)
        assert manifest is not None
        devices.append({"name": folder.name, "host": "192.0.2.1", "platform": platform})
    plan = Plan.model_validate(
        {"company": "ACME", "sites": [{"name": "lab", "devices": devices}],
         "report": {"formats": ["pdf", "html", "json"]}}
    )
    out = tmp_path / "out"
    run_survey(plan, SurveyOptions(out_dir=out, offline_evidence=evidence))
    texts = output_texts(out)
    assert any(p.suffix == ".pdf" for p in texts) and any(p.name == "results.json" for p in texts)
    assert any("evidence" in p.parts for p in texts)  # the run's own copy of the evidence is searched too
    every = set().union(*(secrets_of(p) for p in PLATFORMS))
    found = {str(p.relative_to(out)): leaks(text, every) for p, text in texts.items()}
    assert {p: s for p, s in found.items() if s} == {}


def test_a_password_typed_into_password_env_is_refused_and_never_echoed(tmp_path: Path) -> None:
    typed = "Hunter2!ZqTyped"
    text = (
        "company: ACME\nsites:\n  - name: hq\n    devices:\n      - name: r1\n        host: 192.0.2.1\n"
        f"        credentials: {{username: ops, password_env: '{typed}'}}\n"
    )
    with pytest.raises(PlanError) as refused:
        parse_plan(text)
    assert typed not in str(refused.value) and "password_env" in str(refused.value)
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text)
    result = subprocess.run([sys.executable, "-m", "assess", "survey", str(plan_file), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and typed not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3
    assert not (tmp_path / "out" / "hq").exists()
    assert parse_plan(text.replace(typed, "HQ_PASSWORD")).sites[0].devices[0].credentials.password_env == "HQ_PASSWORD"
