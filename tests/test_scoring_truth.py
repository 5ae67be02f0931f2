"""Scoring arithmetic worked out by hand from assess/scoring.yaml, and every verdict reason's wording.

Defaults: weights LAN 20, WAN 25, firewall 25, link 20, resilience 10; penalties critical 40,
high 20, medium 10, low 4; status factors fail 1, warn 0.5, unknown 0.5; a rule repeated on
other subjects costs 0.25 of each repeat; NO-GO below 50, GO at 75.
"""

from __future__ import annotations

import pytest

from assess.scoring import category_scores, decide_verdict, improvements, score_site
from assess.scoring_config import default_scoring_config
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
