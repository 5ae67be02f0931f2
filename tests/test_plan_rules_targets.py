"""The plan picks the rule set (`rules:`), changes scoring (`scoring:`) and names its targets (`targets:`).

The old keys (`profile:`, `thresholds:`) keep working and say they are deprecated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assess.report.render import render_html
from assess.report.view import site_view
from assess.survey import SurveyOptions, run_survey, thresholds_for
from core.errors import UserError
from core.models.common import Verdict
from core.plan import parse_plan

SAMPLES = Path(__file__).parent.parent / "samples"
PROFILES = Path(__file__).parent.parent / "checks" / "profiles.yaml"
PLAN = "company: X\nsites: [{name: a}]\n"


def _baseline_ids() -> set[str]:
    return set(yaml.safe_load(PROFILES.read_text())["baseline"]["rules"])  # read from the data, as written


@pytest.fixture(scope="module")
def baseline_survey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    data = yaml.safe_load((SAMPLES / "plan.yaml").read_text())
    data["rules"] = "baseline"
    data["scoring"] = {"no_go_below": 80, "go_at": 90, "weights": {"resilience": 0}}
    data["sites"][2]["targets"] = "teams"
    out = tmp_path_factory.mktemp("rules")
    outcome = run_survey(parse_plan(yaml.safe_dump(data)), SurveyOptions(out_dir=out, offline_evidence=SAMPLES /
                                                                          "evidence", formats=("json",)))
    return {r.site: r for r in outcome.results}


def test_the_plans_rule_set_decides_which_rules_run(baseline_survey: dict) -> None:  # type: ignore[type-arg]
    for result in baseline_survey.values():
        assert result.rules == "baseline"
        assert {f.id for f in result.findings} <= _baseline_ids()
        assert "VQ110" not in {f.id for f in result.findings}  # storm control: contact-centre only


def test_scoring_overrides_apply_and_are_named(baseline_survey: dict) -> None:  # type: ignore[type-arg]
    branch = baseline_survey["branch"]
    assert branch.scoring_overrides == ["weights.resilience 0", "no_go_below 80", "go_at 90"]
    assert next(c.weight for c in branch.categories if c.category == "resilience") == 0
    assert branch.verdict == Verdict.NO_GO and "below 80" in branch.verdict_reason  # CONDITIONAL at the default 50
    page = " ".join(render_html("site.html.j2", v=site_view(branch, company="c", consultant="", page_size="A4",
                                                             with_charts=False)).split())
    assert "Rule set</th><td>baseline" in page and "no_go_below 80" in page


def test_a_sites_targets_are_labelled_with_their_sources(baseline_survey: dict) -> None:  # type: ignore[type-arg]
    warehouse, hq = baseline_survey["warehouse"], baseline_survey["hq"]
    assert warehouse.profile == "teams" and warehouse.thresholds.loss_pct == 0.1
    assert "Microsoft" in warehouse.target_sources["loss_pct"]
    assert "G.114" in hq.target_sources["one_way_delay_ms"]
    assert not any("G.114" in hq.target_sources[k] for k in ("jitter_ms", "loss_pct", "mos_min"))


def test_targets_take_a_profile_name_or_figures() -> None:
    named = parse_plan(PLAN + "targets: ucaas\n")
    assert thresholds_for(named, named.sites[0]).loss_pct == 0.5 and named.deprecation_notes() == []
    figures = parse_plan(PLAN + "targets: {jitter_ms: 12, loss_pct: 0.3}\n")
    th = thresholds_for(figures, figures.sites[0])
    assert (th.jitter_ms, th.loss_pct, th.one_way_delay_ms) == (12, 0.3, 150)


def test_old_profile_and_thresholds_keys_still_work_with_a_note() -> None:
    old = parse_plan(PLAN + "profile: teams\n")
    assert thresholds_for(old, old.sites[0]).jitter_ms == 15
    assert old.deprecation_notes() == ["profile: is deprecated; write `targets: teams`"]
    older = parse_plan("company: X\nthresholds: {jitter_ms: 25}\nsites: [{name: a, profile: ucaas}]\n")
    assert thresholds_for(older, older.sites[0]).jitter_ms == 20  # the site's own choice wins
    assert len(older.deprecation_notes()) == 2


def test_an_unknown_rule_set_or_bad_override_is_one_clear_error() -> None:
    with pytest.raises(UserError, match="rules"):
        parse_plan(PLAN + "rules: everything\n")
    from assess.scoring_config import default_scoring_config, with_overrides

    bad = parse_plan(PLAN + "scoring: {go_at: 40, no_go_below: 60}\n")
    with pytest.raises(UserError, match="no_go_below must not be above go_at"):
        with_overrides(default_scoring_config(), bad.scoring)
