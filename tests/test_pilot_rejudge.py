"""The pilot store re-judges only the rules that read it; the bandwidth rules keep the plan's load and contract.

Before: with `samples/monitor/monitor.sqlite` the survey re-ran every link-quality rule without the plan, so
VQ408 judged the warehouse on 10 calls over Ethernet (the defaults) instead of its plan's 6 calls over PPP and
flipped to FAIL, and VQ410 said "link not in the plan" for every planned link.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assess.survey import SurveyOptions, run_survey
from core.plan import load_plan

SAMPLES = Path(__file__).parents[1] / "samples"
NOT_PILOT_RULES = ("VQ406", "VQ407", "VQ408", "VQ409", "VQ410")
SITES = ("hq", "branch", "warehouse")


def _survey(out: Path, store: Path | None) -> Path:
    opts = SurveyOptions(out_dir=out, offline_evidence=SAMPLES / "evidence", formats=("json",), monitor_store=store)
    run_survey(load_plan(SAMPLES / "plan.yaml"), opts)
    return out


def _findings(out: Path, site: str, ids: tuple[str, ...]) -> list[tuple[Any, ...]]:
    result = json.loads((out / site / "results.json").read_text(encoding="utf-8"))
    return sorted((f["id"], f["link"], f["status"], f["message"], f["evidence"]) for f in result["findings"]
                  if f["id"] in ids)


@pytest.fixture(scope="module")
def surveys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    without = _survey(tmp_path_factory.mktemp("no-pilot"), None)
    with_pilot = _survey(tmp_path_factory.mktemp("pilot"), SAMPLES / "monitor" / "monitor.sqlite")
    return without, with_pilot


@pytest.mark.parametrize("site", SITES)
def test_bandwidth_and_dscp_rules_are_judged_as_without_the_pilot(surveys: tuple[Path, Path], site: str) -> None:
    without, with_pilot = surveys
    assert _findings(with_pilot, site, NOT_PILOT_RULES) == _findings(without, site, NOT_PILOT_RULES)


def test_warehouse_headroom_uses_the_plans_six_calls_and_planned_links_have_a_contract(
    surveys: tuple[Path, Path],
) -> None:
    _, with_pilot = surveys
    # samples/plan.yaml: warehouse peak_calls 6; every sample link has contracted_up/down_mbps
    headroom = _findings(with_pilot, "warehouse", ("VQ408",))
    assert len(headroom) == 1 and "peak voice 6 calls" in headroom[0][4]
    for site in SITES:
        assert all(f[2] != "n/a" for f in _findings(with_pilot, site, ("VQ410",))), site


def test_report_with_a_store_keeps_the_surveys_bandwidth_findings(surveys: tuple[Path, Path], tmp_path: Path) -> None:
    without, _ = surveys
    out = tmp_path / "acme"
    shutil.copytree(without, out)
    shutil.copy(SAMPLES / "monitor" / "monitor.sqlite", out / "monitor.sqlite")
    before = {s: _findings(out, s, NOT_PILOT_RULES) for s in SITES}
    run = subprocess.run([sys.executable, "-m", "assess", "report", str(out), "--format", "json"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "judged on the pilot monitoring" in run.stderr
    assert {s: _findings(out, s, NOT_PILOT_RULES) for s in SITES} == before


def test_with_the_pilot_a_site_missing_a_device_keeps_it_in_its_verdict_and_coverage(tmp_path: Path) -> None:
    # before: re-scored without the missing device, and with the survey's coverage left beside the new reason
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    shutil.rmtree(evidence / "hq" / "hq-sw1")
    opts = SurveyOptions(out_dir=tmp_path / "out", offline_evidence=evidence, formats=("json",),
                         monitor_store=SAMPLES / "monitor" / "monitor.sqlite")
    run_survey(load_plan(SAMPLES / "plan.yaml"), opts)
    hq = json.loads((tmp_path / "out" / "hq" / "results.json").read_text(encoding="utf-8"))
    assert hq["verdict"] == "INCOMPLETE" and "device hq-sw1 not collected" in hq["verdict_reason"]
    assert hq["coverage"]["devices_without_evidence"] == ["hq-sw1"]
    covered = hq["coverage"]
    findings = [f for f in hq["findings"] if f["status"] != "n/a"]
    assert covered["applicable"] == len(findings)
    assert covered["evidenced"] == sum(1 for f in findings if f["status"] != "unknown")


def test_report_refusing_an_option_leaves_the_results_as_they_were(surveys: tuple[Path, Path], tmp_path: Path) -> None:
    without, _ = surveys
    out = tmp_path / "acme"
    shutil.copytree(without, out)
    shutil.copy(SAMPLES / "monitor" / "monitor.sqlite", out / "monitor.sqlite")
    before = {s: (out / s / "results.json").read_bytes() for s in SITES}
    run = subprocess.run([sys.executable, "-m", "assess", "report", str(out), "--page-size", "A5"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "page size 'A5'" in run.stderr, run.stderr
    assert "judged on the pilot" not in run.stderr  # before: results.json rewritten, then the page size refused
    assert {s: (out / s / "results.json").read_bytes() for s in SITES} == before
