"""A category fed by a device that was not collected is "partial": its missing checks are counted, its score withheld.

Expected values are worked by hand from docs/scoring.md: a category's coverage is the checks judged from
evidence over the checks that apply, and the checks a planned device that was not collected would have had
(one per rule of the site's rule set for the device's planned platform) apply without evidence.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assess.scoring import NotRun, score_site
from core.models.common import Category, Severity, Status
from core.models.findings import Finding

SAMPLES = Path(__file__).parents[1] / "samples"


def _finding(rule: str, category: Category, status: Status, *, device: str | None = None,
             link: str | None = None, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(id=rule, title=rule, severity=severity, category=category, status=status,
                   device=device, link=link)


def test_a_plan_only_pass_does_not_score_a_category_a_missing_device_feeds() -> None:
    findings = [
        _finding("VQ210", Category.WAN_QOS, Status.PASS, link="wan1", severity=Severity.CRITICAL),
        _finding("VQ101", Category.LAN_QOS, Status.PASS, device="sw1"),
    ]
    not_run = [
        NotRun("rtr1", "VQ201", Category.WAN_QOS),
        NotRun("rtr1", "VQ206", Category.WAN_QOS),
        NotRun("rtr1", "VQ301", Category.FIREWALL_NAT),
    ]
    scored = score_site(findings, missing_devices=["rtr1"], not_run=not_run)
    cats = {c.category: c for c in scored.categories}
    wan = cats[Category.WAN_QOS]
    # 1 judged of 1 listed + 2 that rtr1 would have had: 1/3
    assert (wan.state, wan.coverage_pct, wan.not_run, wan.not_collected) == ("partial", 33.3, 2, ["rtr1"])
    assert wan.assessed  # it has evidence; the report withholds its score, results.json keeps the score so far
    fw = cats[Category.FIREWALL_NAT]
    # nothing listed, 1 check rtr1 would have had: 0 of 1 judged, a gap in evidence, not in scope
    assert (fw.state, fw.coverage_pct, fw.not_run, fw.not_collected) == ("not assessed", 0.0, 1, ["rtr1"])
    assert "Firewall & NAT" in scored.coverage.categories_without_evidence
    lan = cats[Category.LAN_QOS]
    assert (lan.state, lan.coverage_pct, lan.not_run, lan.not_collected) == ("assessed", 100.0, 0, [])
    # the site's own coverage keeps its meaning (findings that are not n/a): 2 of 2
    assert (scored.coverage.applicable, scored.coverage.evidenced, scored.coverage.not_run) == (2, 2, 3)
    assert "device rtr1 not collected (3 checks not run)" in scored.verdict_reason
    assert scored.verdict == "INCOMPLETE" and scored.score is None
    collect = {a.title: a for a in scored.actions if a.kind == "assess"}
    firewall = collect["Collect evidence for Firewall & NAT"]
    assert "rtr1" in firewall.remediation and firewall.blocks == "INCOMPLETE"
    # nothing in the plan for link quality: still a gap in scope
    assert collect["Collect evidence for Link quality"].blocks == "CONDITIONAL"


def test_without_missing_devices_categories_are_as_before() -> None:
    findings = [
        _finding("VQ210", Category.WAN_QOS, Status.PASS, link="wan1", severity=Severity.CRITICAL),
        _finding("VQ201", Category.WAN_QOS, Status.UNKNOWN, device="rtr1"),
    ]
    wan = next(c for c in score_site(findings).categories if c.category == Category.WAN_QOS)
    # 1 judged of 2 listed; high unknown costs 20 x 0.5 = 10
    assert (wan.state, wan.coverage_pct, wan.score, wan.not_run) == ("assessed", 50.0, 90.0, 0)


@pytest.fixture(scope="module")
def warehouse_without_router(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse with its only device (wh-rtr1, MikroTik RouterOS) not collected."""
    root = tmp_path_factory.mktemp("nodevice")
    evidence = root / "evidence"
    shutil.copytree(SAMPLES / "evidence" / "warehouse", evidence / "warehouse")
    shutil.rmtree(evidence / "warehouse" / "wh-rtr1")
    plan = yaml.safe_load((SAMPLES / "plan.yaml").read_text())
    plan["sites"] = [s for s in plan["sites"] if s["name"] == "warehouse"]
    plan["report"]["formats"] = ["html"]
    plan_path = root / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(plan))
    run = subprocess.run(
        [sys.executable, "-m", "assess", "survey", str(plan_path), "--offline", str(evidence), "--out",
         str(root / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return root / "out" / "warehouse"


def test_survey_counts_the_checks_the_missing_router_would_have_had(warehouse_without_router: Path) -> None:
    result = json.loads((warehouse_without_router / "results.json").read_text())
    cats = {c["category"]: c for c in result["categories"]}
    # By hand from the complete sample run: wh-rtr1 (mikrotik_routeros) is judged by VQ201-VQ209 (WAN QoS),
    # VQ301-VQ308 (Firewall & NAT) and VQ511 (Resilience); without it the site keeps VQ210 (warn) in WAN QoS,
    # VQ309-VQ315 in Firewall & NAT (5 judged; VQ312 and VQ315 unknown: no edge device to compare
    # with) and 3 applicable resilience checks
    # (VQ501, VQ503 warn, VQ509 fail; VQ502, VQ510 n/a, and VQ504-VQ508 n/a: the plan has no other site).
    wan, fw, res = cats["wan_qos"], cats["firewall_nat"], cats["resilience"]
    assert (wan["state"], wan["not_run"], wan["coverage_pct"]) == ("partial", 9, 10.0)  # 1 / (1 + 9)
    assert (fw["state"], fw["not_run"], fw["coverage_pct"]) == ("partial", 8, 33.3)  # 5 / (7 + 8)
    assert (res["state"], res["not_run"], res["coverage_pct"]) == ("partial", 1, 75.0)  # 3 / (3 + 1)
    assert wan["not_collected"] == fw["not_collected"] == res["not_collected"] == ["wh-rtr1"]
    # no LAN rule applies to a RouterOS router: still a gap in scope, not in evidence
    assert (cats["lan_qos"]["state"], cats["lan_qos"]["not_run"], cats["lan_qos"]["coverage_pct"]) == (
        "not assessed", 0, None)
    link = cats["link_quality"]
    # VQ412 (measured DSCP against the edge's marking) is listed and unknown without the router: 10 / 11
    assert (link["state"], link["coverage_pct"], link["not_collected"]) == ("assessed", 90.9, [])
    # the existing keys keep their meaning: the site's coverage counts findings, INCOMPLETE without a score
    assert result["verdict"] == "INCOMPLETE" and result["score"] is None
    assert result["coverage"]["devices_without_evidence"] == ["wh-rtr1"]
    assert result["coverage"]["not_run"] == 9 + 8 + 1
    assert "device wh-rtr1 not collected (18 checks not run)" in result["verdict_reason"]


def test_report_withholds_the_score_of_a_partial_category(warehouse_without_router: Path) -> None:
    html = (warehouse_without_router / "report.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    row = re.search(r"WAN QoS &amp; capacity (\S+ ){0,12}", text)
    assert row is not None
    assert "partial" in row.group(0) and " 80 " not in row.group(0), row.group(0)
    assert "wh-rtr1 not collected: 9 checks not run" in text
    portfolio = json.loads((warehouse_without_router.parent / "portfolio.json").read_text())["sites"][0]
    # the heat map shows only fully assessed categories' scores; the partial ones are named
    # link quality: VQ401 critical fail 40, VQ409 high fail 20, VQ405 medium warn 10 x 0.5 = 5,
    # VQ412 medium unknown 10 x 0.5 = 5: 100 - 70 = 30
    assert portfolio["categories"] == {"link_quality": 30.0}
    assert portfolio["partial_categories"] == ["wan_qos", "firewall_nat", "resilience"]
