"""Scoring arithmetic worked out by hand from assess/scoring.yaml, and every verdict reason's wording.

Defaults: weights LAN 20, WAN 25, firewall 25, link 20, resilience 10; penalties critical 40,
high 20, medium 10, low 4; status factors fail 1, warn 0.5, unknown 0.5; a rule repeated on
other subjects costs 0.25 of each repeat; NO-GO below 50, GO at 75.
"""

from __future__ import annotations

import pytest

from assess.scoring import category_scores, decide_verdict, improvements, score_site, verdict_so_far
from assess.scoring_config import ScoringConfig, default_scoring_config
from core.models.common import Category, Severity, Status, Verdict
from core.models.findings import Finding

WEIGHTS = {"lan_qos": 20, "wan_qos": 25, "firewall_nat": 25, "link_quality": 20, "resilience": 10}


def f(fid: str, sev: Severity, cat: Category, status: Status, device: str | None = "d1", link: str | None = None,
      remediation: str = "") -> Finding:  # fmt: skip
    return Finding(id=fid, title=f"check {fid}", severity=sev, category=cat, status=status, device=device,
                   link=link, remediation=remediation)  # fmt: skip


def passing() -> list[Finding]:
    return [f(f"VQ9{i}0", Severity.MEDIUM, cat, Status.PASS) for i, cat in enumerate(Category)]


def test_category_counts_and_weights() -> None:
    findings = [
        *passing(),
        f("VQ101", Severity.HIGH, Category.LAN_QOS, Status.FAIL),
        f("VQ102", Severity.MEDIUM, Category.LAN_QOS, Status.WARN),
        f("VQ103", Severity.LOW, Category.LAN_QOS, Status.UNKNOWN),
        f("VQ104", Severity.CRITICAL, Category.LAN_QOS, Status.NA),
    ]
    lan = next(c for c in category_scores(findings, default_scoring_config()) if c.category == Category.LAN_QOS)
    assert (lan.failed, lan.warned, lan.passed, lan.unknown, lan.assessed) == (1, 1, 1, 1, True)
    assert lan.score == 100 - 20 - 10 * 0.5 - 4 * 0.5
    assert lan.weight == 0.2 and lan.title == "LAN QoS"


def test_repeats_of_a_rule_cost_a_quarter_each_after_the_worst() -> None:
    findings = [
        *passing(),
        f("VQ201", Severity.HIGH, Category.WAN_QOS, Status.WARN, "r1"),
        f("VQ201", Severity.HIGH, Category.WAN_QOS, Status.FAIL, "r2"),
        f("VQ201", Severity.HIGH, Category.WAN_QOS, Status.UNKNOWN, "r3"),
    ]
    wan = next(c for c in category_scores(findings, default_scoring_config()) if c.category == Category.WAN_QOS)
    assert wan.score == 100 - (20 + 0.25 * (10 + 10))


def test_category_score_never_goes_below_zero_and_raw_is_the_weighted_mean() -> None:
    crits = [f(f"VQ3{i:02d}", Severity.CRITICAL, Category.FIREWALL_NAT, Status.WARN) for i in range(8)]
    s = score_site([*passing(), *crits])
    fw = next(c for c in s.categories if c.category == Category.FIREWALL_NAT)
    assert fw.score == 0.0
    assert s.raw_score == round(100 * (100 - WEIGHTS["firewall_nat"]) / 100, 1)


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ([f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL)], "NO-GO: 1 critical check failed (VQ301)"),
        ([f(f"VQ30{i}", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL) for i in range(6)],
         "NO-GO: 6 critical checks failed (VQ300, VQ301, VQ302, VQ303 and 2 more)"),
        ([f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL, "a"),
          f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL, "b")],
         "CONDITIONAL: 1 high-severity check failed (VQ102)"),
        ([f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL), f("VQ103", Severity.HIGH, Category.LAN_QOS,
          Status.FAIL)], "CONDITIONAL: 2 high-severity checks failed (VQ102, VQ103)"),
        ([f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN)],
         "INCOMPLETE: no evidence for 1 critical check (VQ301)"),
        ([f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.WARN),
          f("VQ302", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN)],
         "INCOMPLETE: no evidence for 1 critical check (VQ302)"),
        ([f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.WARN)],
         "CONDITIONAL: critical 1 check not confirmed as passed (VQ301)"),
        ([], "GO: no critical or high-severity failures and score 100 ≥ 75"),
    ],
)  # fmt: skip
def test_verdict_reasons_name_the_rule_that_decided(extra: list[Finding], reason: str) -> None:
    assert score_site([*passing(), *extra]).verdict_reason == reason


def test_low_scores_name_the_band_edge() -> None:
    cfg = default_scoring_config()
    cats = category_scores(passing(), cfg)
    assert decide_verdict([], cats, 49.6, cfg) == (Verdict.NO_GO, "NO-GO: score 50 is below 50")
    assert decide_verdict([], cats, 74.4, cfg) == (Verdict.CONDITIONAL, "CONDITIONAL: score 74 is below 75")
    assert decide_verdict([], cats, 75.0, cfg)[0] == Verdict.GO


def test_a_missing_required_category_names_it() -> None:
    findings = [x for x in passing() if x.category not in (Category.WAN_QOS, Category.LINK_QUALITY)]
    s = score_site(findings)
    assert s.verdict_reason == "CONDITIONAL: no evidence for WAN QoS & capacity, Link quality"
    assessments = [a for a in s.actions if a.kind == "assess"]
    titles = ["Collect evidence for WAN QoS & capacity", "Collect evidence for Link quality"]
    assert [a.title for a in assessments] == titles
    assert all(a.blocks == Verdict.CONDITIONAL and a.severity == "high" and a.finding_id == "" for a in assessments)


def test_scores_are_capped_inside_the_band_of_their_verdict() -> None:
    s = score_site([*passing(), f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL)])
    assert s.raw_score == 90.0 and s.score == 49.0
    s = score_site([*passing(), f("VQ102", Severity.HIGH, Category.LAN_QOS, Status.FAIL)])
    assert s.raw_score == 96.0 and s.score == 74.0


def test_an_action_carries_the_worst_finding_its_subjects_and_gain() -> None:
    findings = [
        *passing(),
        f("VQ401", Severity.MEDIUM, Category.LINK_QUALITY, Status.FAIL, None, "wan1", "fix the link"),
        f("VQ401", Severity.HIGH, Category.LINK_QUALITY, Status.FAIL, None, "wan2", "fix the link better"),
        f("VQ401", Severity.HIGH, Category.LINK_QUALITY, Status.WARN, None, "wan2"),
    ]
    (action,) = score_site(findings).actions
    assert (action.finding_id, action.severity, action.link, action.device) == ("VQ401", "high", "wan2", None)
    assert action.remediation == "fix the link better" and action.subjects == ["wan1", "wan2"]
    assert (action.kind, action.blocks, action.title) == ("fix", Verdict.CONDITIONAL, "check VQ401")
    # LINK 100 - (20 + 0.25 * (10 + 10)) = 75 -> 100, on a 20 % weight: +5 points
    assert action.score_gain == 5.0


def test_improvements_rank_blocking_first_then_gain_then_id() -> None:
    findings = [
        *passing(),
        f("VQ105", Severity.LOW, Category.LAN_QOS, Status.FAIL),
        f("VQ104", Severity.LOW, Category.LAN_QOS, Status.FAIL),
        f("VQ201", Severity.MEDIUM, Category.WAN_QOS, Status.FAIL),
        f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.WARN),
    ]
    ranked = improvements(findings)
    assert [a.finding_id for a in ranked] == ["VQ301", "VQ201", "VQ104", "VQ105"]
    assert [a.score_gain for a in ranked] == [5.0, 2.5, 0.8, 0.8]
    assert score_site(findings).verdict == Verdict.CONDITIONAL


def test_a_go_site_needs_no_actions_and_a_no_go_site_lists_its_blockers_first() -> None:
    assert score_site(passing()).actions == []
    s = score_site([*passing(), f("VQ201", Severity.MEDIUM, Category.WAN_QOS, Status.FAIL),
                    f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL)])  # fmt: skip
    assert [a.finding_id for a in s.actions] == ["VQ301"] and s.actions[0].blocks == Verdict.NO_GO


# --- edges and wording the worked examples above do not reach -------------------------------------


def cfg_default() -> ScoringConfig:
    return default_scoring_config()


def test_scores_keep_one_decimal_and_the_default_profile_is_g114() -> None:
    # Resilience not assessed: weights renormalised over 90. LAN 100 - 4 = 96:
    # (96 * 20 + 100 * 70) / 90 = 8920 / 90 = 99.111... -> 99.1 (GO, so not capped)
    findings = [
        *[x for x in passing() if x.category != Category.RESILIENCE],
        f("VQ105", Severity.LOW, Category.LAN_QOS, Status.FAIL),
    ]
    s = score_site(findings)
    assert (s.verdict, s.raw_score, s.score, s.profile) == (Verdict.GO, 99.1, 99.1, "g114")
    # a GO site has no actions, even with an open finding (those are "improvements")
    assert s.actions == []
    # fixing VQ105 gains 4 points of LAN on a weight of 20/90 = 0.888... -> 0.9
    assert [a.score_gain for a in improvements(findings)] == [0.9]


def test_weights_given_as_fractions_score_like_percentages() -> None:
    # weights are relative and normalised at use: 0.2/0.25/0.25/0.2/0.1 is the default set
    fractions = {"lan_qos": 0.2, "wan_qos": 0.25, "firewall_nat": 0.25, "link_quality": 0.2, "resilience": 0.1}
    cfg = cfg_default().model_copy(update={"weights": {Category(k): v for k, v in fractions.items()}})
    s = score_site([*passing(), f("VQ105", Severity.LOW, Category.LAN_QOS, Status.FAIL)], weights=cfg)
    assert s.raw_score == 100 - 4 * 0.2


def test_coverage_exactly_at_the_minimum_is_enough() -> None:
    # 8 of 10 applicable checks judged = 80 %, the minimum (docs/scoring.md: INCOMPLETE only *below* it)
    more = [f(f"VQ95{i}", Severity.MEDIUM, Category.RESILIENCE, Status.PASS) for i in range(3)]
    unknown = [f(f"VQ96{i}", Severity.MEDIUM, Category.RESILIENCE, Status.UNKNOWN) for i in range(2)]
    s = score_site([*passing(), *more, *unknown])
    assert (s.coverage.evidenced, s.coverage.applicable, s.coverage.pct) == (8, 10, 80.0)
    assert s.verdict != Verdict.INCOMPLETE


def test_a_site_where_nothing_applies_has_zero_coverage_and_says_so() -> None:
    s = score_site([f("VQ101", Severity.HIGH, Category.LAN_QOS, Status.NA)])
    assert (s.verdict, s.coverage.pct, s.coverage.applicable) == (Verdict.INCOMPLETE, 0.0, 0)
    assert s.verdict_reason == "INCOMPLETE: nothing at this site could be assessed"
    assert verdict_so_far([]) == (None, "")


def test_incomplete_reasons_list_every_gap_separated_by_semicolons() -> None:
    findings = [
        *[x for x in passing() if x.category not in (Category.LAN_QOS, Category.WAN_QOS)],
        f("VQ101", Severity.MEDIUM, Category.LAN_QOS, Status.UNKNOWN),
        f("VQ201", Severity.MEDIUM, Category.WAN_QOS, Status.UNKNOWN),
        f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN),
        f("VQ302", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN),
    ]
    s = score_site(findings, missing_devices=["sw1", "sw2"])
    assert s.verdict_reason == (
        "INCOMPLETE: no evidence for 2 critical checks (VQ301, VQ302); devices sw1, sw2 not collected; "
        "no evidence for LAN QoS, WAN QoS & capacity; 3 of 7 applicable checks had evidence (43 %, 80 % needed)"
    )
    one = score_site(passing(), missing_devices=["sw1"])
    assert one.verdict_reason == "INCOMPLETE: device sw1 not collected"
    # an unassessed category whose checks lacked evidence is to be assessed, and holds the site INCOMPLETE
    assess = [a for a in s.actions if a.kind == "assess"]
    assert [(a.title, a.blocks) for a in assess] == [
        ("Collect evidence for LAN QoS", Verdict.INCOMPLETE), ("Collect evidence for WAN QoS & capacity",
                                                                Verdict.INCOMPLETE)]  # fmt: skip
    assert assess[0].remediation == "Give the plan the devices or links this category needs and run the survey again."


@pytest.mark.parametrize(
    ("n", "shown"),
    [(4, "(VQ300, VQ301, VQ302, VQ303)"), (5, "(VQ300, VQ301, VQ302, VQ303 and 1 more)")],
)
def test_four_rules_are_named_and_a_fifth_is_counted(n: int, shown: str) -> None:
    crits = [f(f"VQ30{i}", Severity.CRITICAL, Category.FIREWALL_NAT, Status.FAIL) for i in range(n)]
    assert score_site([*passing(), *crits]).verdict_reason == f"NO-GO: {n} critical checks failed {shown}"


@pytest.mark.parametrize(
    ("severity", "status", "blocks"),
    [
        (Severity.CRITICAL, Status.FAIL, Verdict.NO_GO),
        (Severity.HIGH, Status.FAIL, Verdict.CONDITIONAL),
        (Severity.CRITICAL, Status.UNKNOWN, Verdict.INCOMPLETE),
        (Severity.CRITICAL, Status.WARN, Verdict.CONDITIONAL),
        (Severity.HIGH, Status.WARN, None),  # "a high-severity warning does not block GO on its own"
        (Severity.HIGH, Status.UNKNOWN, None),
        (Severity.MEDIUM, Status.WARN, None),
        (Severity.MEDIUM, Status.FAIL, None),
    ],
)
def test_what_each_open_finding_alone_holds_the_site_at(severity: Severity, status: Status,
                                                          blocks: Verdict | None) -> None:  # fmt: skip
    (action,) = improvements([*passing(), f("VQ201", severity, Category.WAN_QOS, status, device="r7")])
    assert (action.blocks, action.device, action.subjects) == (blocks, "r7", ["r7"])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # NO-GO blocker (gain 40 * 0.1 = 4) before an INCOMPLETE one (20 * 0.25 = 5)
        (f("VQ501", Severity.CRITICAL, Category.RESILIENCE, Status.FAIL),
         f("VQ301", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN)),
        # INCOMPLETE (20 * 0.1 = 2) before CONDITIONAL (20 * 0.25 = 5)
        (f("VQ501", Severity.CRITICAL, Category.RESILIENCE, Status.UNKNOWN),
         f("VQ302", Severity.HIGH, Category.FIREWALL_NAT, Status.FAIL)),
        # CONDITIONAL (20 * 0.1 = 2) before a rule that blocks nothing (10 * 0.25 = 2.5)
        (f("VQ501", Severity.HIGH, Category.RESILIENCE, Status.FAIL),
         f("VQ201", Severity.MEDIUM, Category.WAN_QOS, Status.FAIL)),
    ],
)  # fmt: skip
def test_a_stronger_blocker_ranks_first_whatever_the_gain(first: Finding, second: Finding) -> None:
    assert [a.finding_id for a in improvements([*passing(), second, first])] == [first.id, second.id]


def test_actions_stop_as_soon_as_the_score_reaches_go() -> None:
    # LAN: 5 medium fails -> 50; WAN: 7 -> 30. Raw (50*20 + 30*25 + 100*55) / 100 = 72.5: CONDITIONAL.
    # Each WAN rule gains 10 * 0.25 = 2.5, each LAN rule 2.0: the first WAN rule (by id) lifts it
    # to exactly 75 = go_at, which is GO, so it is the only action.
    lan = [f(f"VQ10{i}", Severity.MEDIUM, Category.LAN_QOS, Status.FAIL) for i in range(5)]
    wan = [f(f"VQ20{i}", Severity.MEDIUM, Category.WAN_QOS, Status.FAIL) for i in range(7)]
    s = score_site([*passing(), *lan, *wan])
    assert (s.verdict, s.raw_score) == (Verdict.CONDITIONAL, 72.5)
    assert [(a.finding_id, a.score_gain) for a in s.actions] == [("VQ200", 2.5)]


def test_category_figures_are_rounded_to_the_documented_decimals() -> None:
    # weights 1,1,1,1,2 (LAN = 1/6) and a repeat costing a third: VQ101 low fail twice = 4 + 4/3,
    # VQ102 medium unknown = 5: 100 - 10.333... = 89.666... -> 89.7; 2 of 3 judged = 66.666... -> 66.7 %
    weights = {c: (2.0 if c == Category.RESILIENCE else 1.0) for c in Category}
    cfg = cfg_default().model_copy(update={"weights": weights, "repeat_factor": 1 / 3})
    findings = [
        f("VQ101", Severity.LOW, Category.LAN_QOS, Status.FAIL, "sw1"),
        f("VQ101", Severity.LOW, Category.LAN_QOS, Status.FAIL, "sw2"),
        f("VQ102", Severity.MEDIUM, Category.LAN_QOS, Status.UNKNOWN),
    ]
    lan = next(c for c in category_scores(findings, cfg) if c.category == Category.LAN_QOS)
    assert (lan.score, lan.weight, lan.coverage_pct) == (89.7, 0.1667, 66.7)


def test_an_incomplete_site_names_four_critical_checks_and_counts_them_all() -> None:
    crits = [f(f"VQ30{i}", Severity.CRITICAL, Category.FIREWALL_NAT, Status.UNKNOWN) for i in range(5)]
    reason = score_site([*passing(), *crits]).verdict_reason
    assert reason.startswith("INCOMPLETE: no evidence for 5 critical checks (VQ300, VQ301, VQ302, VQ303); ")


def test_coverage_exactly_at_the_minimum_is_not_named_as_a_gap() -> None:
    # 8 of 10 judged (80 %): INCOMPLETE only for the device that was not collected
    more = [f(f"VQ95{i}", Severity.MEDIUM, Category.RESILIENCE, Status.PASS) for i in range(3)]
    unknown = [f(f"VQ96{i}", Severity.MEDIUM, Category.RESILIENCE, Status.UNKNOWN) for i in range(2)]
    s = score_site([*passing(), *more, *unknown], missing_devices=["fw1"])
    assert s.verdict_reason == "INCOMPLETE: device fw1 not collected"


def test_the_profile_scored_against_is_reported() -> None:
    assert score_site(passing(), profile="teams").profile == "teams"
