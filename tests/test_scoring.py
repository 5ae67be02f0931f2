"""Scoring and verdict rules: each rule decides on its own, unknown never counts as a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.scoring import score_site
from assess.scoring_config import default_scoring_config, load_scoring_config, thresholds_for_profile
from core.errors import UserError
from core.models.common import Category, Severity, Status, Verdict
from core.models.findings import Finding
from tests.report_fixtures import all_sites


def f(fid: str, sev: Severity, cat: Category, status: Status, device: str = "d1") -> Finding:
    return Finding(id=fid, title=f"check {fid}", severity=sev, category=cat, status=status, device=device)


def baseline() -> list[Finding]:
    """One passing check in every required category and in resilience."""
    return [f(f"VQ9{i}0", Severity.MEDIUM, cat, Status.PASS) for i, cat in enumerate(Category)]


def test_all_passing_is_go_with_full_score() -> None:
    s = score_site(baseline())
    assert s.verdict == Verdict.GO and s.score == 100
    assert s.verdict_reason.startswith("GO:")
    assert s.actions == []


def test_any_critical_failure_is_no_go_and_names_the_rule() -> None:
    s = score_site([*baseline(), f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL)])
    assert s.verdict == Verdict.NO_GO
    assert "VQ301" in s.verdict_reason and "critical" in s.verdict_reason
    assert s.score < default_scoring_config().no_go_below


def test_high_failure_is_conditional() -> None:
    s = score_site([*baseline(), f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL)])
    assert s.verdict == Verdict.CONDITIONAL and "VQ102" in s.verdict_reason
    assert default_scoring_config().no_go_below <= s.score < default_scoring_config().go_at


def test_high_warning_alone_stays_go() -> None:
    s = score_site([*baseline(), f("VQ401", Severity.HIGH, Category.LINK_QUALITY, Status.WARN)])
    assert s.verdict == Verdict.GO
    assert s.score == pytest.approx(100 - 0.2 * 10, abs=0.1)  # half of 20 points on a 20 % weight


def test_critical_check_only_warned_is_conditional() -> None:
    s = score_site([*baseline(), f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.WARN)])
    assert s.verdict == Verdict.CONDITIONAL and "not confirmed" in s.verdict_reason


def test_critical_check_without_evidence_is_incomplete_with_no_score() -> None:
    s = score_site([*baseline(), f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN)])
    assert s.verdict == Verdict.INCOMPLETE and s.score is None and s.verdict_so_far is None
    assert s.verdict_reason == "INCOMPLETE: no evidence for 1 critical check (VQ301)"
    assert s.coverage.critical_without_evidence == ["VQ301"]
    # 5 of the 6 applicable checks had evidence: 83.3 %, above the 80 % bar; the critical gap alone decides
    assert (s.coverage.evidenced, s.coverage.applicable, s.coverage.pct) == (5, 6, 83.3)


def test_low_coverage_is_incomplete_even_without_a_critical_gap() -> None:
    gaps = [f(f"VQ6{i:02d}", Severity.LOW, Category.LAN_QOS, Status.UNKNOWN) for i in range(2)]
    s = score_site([*baseline(), *gaps])  # 5 judged of 7: 71 % < 80 %
    assert s.verdict == Verdict.INCOMPLETE and s.score is None
    assert "5 of 7 applicable checks had evidence (71 %, 80 % needed)" in s.verdict_reason
    lan = next(c for c in s.categories if c.category == Category.LAN_QOS)
    assert lan.coverage_pct == pytest.approx(100 / 3, abs=0.1) and lan.unknown == 2


def test_a_known_critical_failure_stays_visible_as_no_go_so_far() -> None:
    findings = [
        *baseline(),
        f("VQ201", Severity.CRITICAL, Category.WAN_QOS, Status.FAIL),
        f("VQ401", Severity.CRITICAL, Category.LINK_QUALITY, Status.UNKNOWN),
    ]
    s = score_site(findings)
    assert s.verdict == Verdict.INCOMPLETE and s.verdict_so_far == Verdict.NO_GO and s.score is None
    assert s.verdict_reason.startswith("INCOMPLETE (NO-GO so far: 1 critical check failed (VQ201)):")
    assert [a.blocks for a in s.actions][:2] == [Verdict.NO_GO, Verdict.INCOMPLETE]


def test_unknown_costs_points_unlike_a_pass() -> None:
    passed = score_site([*baseline(), f("VQ104", Severity.MEDIUM, Category.LAN_QOS, Status.PASS)])
    unknown = score_site([*baseline(), f("VQ104", Severity.MEDIUM, Category.LAN_QOS, Status.UNKNOWN)])
    assert unknown.score < passed.score
    lan = next(c for c in unknown.categories if c.category == Category.LAN_QOS)
    assert lan.unknown == 1 and lan.score == 95


def test_not_applicable_is_neither_pass_nor_evidence() -> None:
    findings = [x for x in baseline() if x.category != Category.LINK_QUALITY]
    findings.append(f("VQ401", Severity.HIGH, Category.LINK_QUALITY, Status.NA))
    s = score_site(findings)  # nothing in the plan for link quality: a gap in scope, not in evidence
    assert s.verdict == Verdict.CONDITIONAL and "no evidence for Link quality" in s.verdict_reason
    assert [a.kind for a in s.actions] == ["assess"]


def test_a_planned_device_not_collected_makes_the_site_incomplete() -> None:
    s = score_site(baseline(), missing_devices=["sw2"])
    assert s.verdict == Verdict.INCOMPLETE and s.score is None
    assert s.verdict_reason == "INCOMPLETE: device sw2 not collected"


def test_resilience_is_not_required_for_go() -> None:
    s = score_site([x for x in baseline() if x.category != Category.RESILIENCE])
    assert s.verdict == Verdict.GO


def test_low_score_without_blocking_finding_is_conditional_then_no_go() -> None:
    mediums = [f(f"VQ2{i:02d}", Severity.MEDIUM, Category.WAN_QOS, Status.FAIL) for i in range(6)]
    s = score_site([*baseline(), *mediums])  # WAN 40/100 -> 85 overall: still GO by score
    assert s.verdict == Verdict.GO
    worse = [
        *mediums,
        *(
            f(f"VQ3{i:02d}", Severity.MEDIUM, c, Status.FAIL)
            for i, c in enumerate([Category.FIREWALL_NAT] * 8 + [Category.LAN_QOS] * 8 + [Category.LINK_QUALITY] * 8)
        ),
    ]
    s = score_site([*baseline(), *worse])
    assert s.verdict == Verdict.NO_GO and "score" in s.verdict_reason
    middle = [*mediums, *(f(f"VQ4{i:02d}", Severity.MEDIUM, Category.FIREWALL_NAT, Status.FAIL) for i in range(7))]
    s = score_site([*baseline(), *middle])
    assert s.verdict == Verdict.CONDITIONAL and "below 75" in s.verdict_reason


def test_nothing_assessed_is_incomplete_without_a_score() -> None:
    s = score_site([])
    assert s.verdict == Verdict.INCOMPLETE and s.score is None and "nothing" in s.verdict_reason


def test_only_unknowns_in_a_category_is_no_evidence_for_it() -> None:
    findings = [x for x in baseline() if x.category != Category.LINK_QUALITY]
    findings += [f(f"VQ40{i}", Severity.MEDIUM, Category.LINK_QUALITY, Status.UNKNOWN) for i in range(2)]
    s = score_site(findings)
    link = next(c for c in s.categories if c.category == Category.LINK_QUALITY)
    assert not link.assessed and link.coverage_pct == 0
    assert s.verdict == Verdict.INCOMPLETE and "no evidence for Link quality" in s.verdict_reason


def test_a_rule_repeated_on_devices_costs_more_but_not_linearly() -> None:
    one = score_site([*baseline(), f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.WARN, "sw1")])
    three = score_site(
        [*baseline(), *(f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.WARN, d) for d in ("sw1", "sw2", "sw3"))]
    )
    lan = lambda s: next(c.score for c in s.categories if c.category == Category.LAN_QOS)  # noqa: E731
    assert lan(one) == 90 and lan(three) == 85


def test_actions_are_the_shortest_list_that_reaches_go() -> None:
    findings = [
        *baseline(),
        f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL),
        f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL),
        f("VQ103", Severity.LOW, Category.LAN_QOS, Status.FAIL),
    ]
    s = score_site(findings)
    ids = [a.finding_id for a in s.actions]
    assert ids == ["VQ301", "VQ102"]  # the low finding is not needed for GO
    assert s.actions[0].blocks == Verdict.NO_GO and s.actions[1].blocks == Verdict.CONDITIONAL
    fixed = [x.model_copy(update={"status": Status.PASS}) if x.id in ids else x for x in findings]
    assert score_site(fixed).verdict == Verdict.GO


def test_actions_add_score_gains_when_blockers_are_not_enough() -> None:
    mediums = [
        f(f"VQ2{i:02d}", Severity.MEDIUM, c, Status.FAIL)
        for i, c in enumerate([Category.WAN_QOS] * 6 + [Category.FIREWALL_NAT] * 7)
    ]
    s = score_site([*baseline(), *mediums])
    assert s.verdict == Verdict.CONDITIONAL and s.actions
    assert all(a.blocks is None for a in s.actions)
    done = {a.finding_id for a in s.actions}
    after = [x.model_copy(update={"status": Status.PASS}) if x.id in done else x for x in [*baseline(), *mediums]]
    assert score_site(after).verdict == Verdict.GO
    assert len(done) < len(mediums)


def test_unknown_only_rule_becomes_a_verify_action() -> None:
    s = score_site([*baseline(), f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN)])
    assert s.actions[0].kind == "verify" and s.actions[0].title.startswith("Verify:")


def test_profiles_select_thresholds() -> None:
    g114, teams, ucaas = (thresholds_for_profile(p) for p in ("g114", "teams", "ucaas"))
    assert (g114.one_way_delay_ms, g114.jitter_ms, g114.loss_pct, g114.mos_min) == (150, 30, 1.0, 4.0)
    assert (teams.jitter_ms, teams.loss_pct, teams.rtt_ms) == (15, 0.1, 60)
    assert ucaas.jitter_ms < g114.jitter_ms
    with pytest.raises(UserError, match="unknown threshold profile 'nope'"):
        thresholds_for_profile("nope")


def test_a_custom_config_changes_the_weights(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "assess" / "scoring.yaml").read_text()
    custom = tmp_path / "s.yaml"
    custom.write_text(text.replace("lan_qos: 20", "lan_qos: 0"))
    cfg = load_scoring_config(custom)
    s = score_site([*baseline(), f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.WARN)], weights=cfg)
    assert s.score == 100


def test_a_broken_config_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text(
        "weights: {lan_qos: 1}\npenalties: {}\nstatus_factors: {}\nrepeat_factor: 0\nno_go_below: 50\ngo_at: 75\n"
    )
    with pytest.raises(UserError, match="misses"):
        load_scoring_config(bad)


def test_sample_sites_cover_the_three_verdicts() -> None:
    assert [s.verdict for s in all_sites()] == [Verdict.GO, Verdict.CONDITIONAL, Verdict.NO_GO]

