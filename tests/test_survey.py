"""The survey orchestrator: failures become "not assessed", nothing collected is lost, resume reuses work."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from assess.sample_survey import sample_dir
from assess.survey import SurveyOptions, run_survey
from core.plan import Plan


def _plan(mutate: dict[str, object] | None = None) -> Plan:
    data = yaml.safe_load((sample_dir() / "plan.yaml").read_text())
    data["report"]["formats"] = ["json"]
    if mutate:
        data.update(mutate)
    return Plan.model_validate(data)


def test_a_device_without_evidence_is_not_assessed_and_the_rest_is_kept(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(sample_dir() / "evidence", evidence)
    shutil.rmtree(evidence / "hq" / "hq-fw1")
    outcome = run_survey(_plan(), SurveyOptions(out_dir=tmp_path / "out", offline_evidence=evidence))
    hq = next(r for r in outcome.results if r.site == "hq")
    missing = [n for n in hq.not_assessed if n.item == "device hq-fw1"]
    assert missing and missing[0].reason
    parsed = {d.name for d in hq.devices if d.facts is not None}
    assert parsed == {"hq-sw1", "hq-rtr1"}
    assert (tmp_path / "out" / "hq" / "results.json").is_file()


def test_unrecognisable_output_without_platform_is_not_assessed(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(sample_dir() / "evidence", evidence)
    for txt in (evidence / "warehouse" / "wh-rtr1").glob("*.txt"):
        txt.write_text("garbage that no parser recognises\n")
    plan = _plan()
    plan.sites[2].devices[0].platform = None
    outcome = run_survey(plan, SurveyOptions(out_dir=tmp_path / "out", offline_evidence=evidence))
    wh = next(r for r in outcome.results if r.site == "warehouse")
    assert [n.item for n in wh.not_assessed if n.item.startswith("device")] == ["device wh-rtr1"]


def test_link_without_recorded_results_is_not_assessed(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(sample_dir() / "evidence", evidence)
    (evidence / "branch" / "_links" / "br-broadband.json").unlink()
    outcome = run_survey(_plan(), SurveyOptions(out_dir=tmp_path / "out", offline_evidence=evidence))
    branch = next(r for r in outcome.results if r.site == "branch")
    assert "link br-broadband" in [n.item for n in branch.not_assessed]
    assert branch.probes == []
