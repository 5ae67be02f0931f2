"""The whole report agrees with itself: summary, findings, key measurements, checklist, portfolio and drift.

Runs the bundled sample survey (offline, JSON only: the checker renders each report's HTML the
way its PDF is rendered) and checks every site; then shows the checker catches each kind of
disagreement it looks for, so a pass means something.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assess.report import view
from assess.survey import SurveyOptions, run_survey
from core.plan import load_plan
from tests.report_consistency import report_problems

SAMPLES = Path(__file__).parent.parent / "samples"


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("consistency")
    opts = SurveyOptions(out_dir=out, offline_evidence=SAMPLES / "evidence", formats=("json",))
    run_survey(load_plan(SAMPLES / "plan.yaml"), opts)
    return out


def test_every_sample_site_and_the_portfolio_agree_with_their_findings(sample_out: Path) -> None:
    assert report_problems(sample_out) == []


def test_a_tick_on_a_measurement_whose_rule_did_not_pass_is_caught(
    sample_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "rows_status", lambda findings: "pass")
    problems = report_problems(sample_out)
    assert any("warehouse" in p and "✓ although ['VQ401']" in p for p in problems), problems


def test_mislabelled_counts_are_caught(sample_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    swapped = {**view.STATUS_LABELS, view.Status.FAIL: "warn", view.Status.WARN: "fail"}
    monkeypatch.setattr(view, "STATUS_LABELS", swapped)
    assert any("does not count" in p for p in report_problems(sample_out))


def test_a_portfolio_disagreeing_with_results_or_drift_findings_is_caught(sample_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(sample_out, copy)
    portfolio = json.loads((copy / "portfolio.json").read_text())
    portfolio["sites"][0]["verdict"] = "GO" if portfolio["sites"][0]["verdict"] != "GO" else "NO-GO"
    drift = next(d for d in portfolio["drift"] if d["rule"] == "VQ507")
    drift["values"]["warehouse"] = "10000-20000"
    (copy / "portfolio.json").write_text(json.dumps(portfolio))
    problems = report_problems(copy)
    assert any(p.startswith(f"portfolio {portfolio['sites'][0]['site']}:") for p in problems), problems
    assert any(p.startswith("drift VQ507 warehouse") for p in problems), problems
