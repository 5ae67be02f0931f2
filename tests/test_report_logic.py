"""Checklist marking from evidence, drift between sites and the before/after comparison."""

from __future__ import annotations

from assess.drift import compute_drift
from assess.report import build_portfolio
from assess.report.checklist import build_checklist
from assess.report.compare import compare_sites
from core.models.common import Category, Severity, Status, Verdict
from core.models.findings import Finding
from tests.report_fixtures import branch_site, hq_site, remediated, warehouse_site


def test_checklist_ticks_qos_and_firewall_when_evidence_passes() -> None:
    items = {i.title: i for i in build_checklist(hq_site())}
    qos = next(i for t, i in items.items() if t.startswith("QoS"))
    fw = next(i for t, i in items.items() if t.startswith("Firewall"))
    # hq has one LAN QoS warning (VQ103), so QoS stays open; its firewall evidence all passes
    assert qos.mark == "open" and "VQ103" in qos.basis
    assert fw.mark == "done" and fw.basis.startswith("Verified: 5 checks passed (VQ301, VQ302")


def test_checklist_marks_failures_from_findings() -> None:
    items = {i.title: i for i in build_checklist(warehouse_site())}
    fw = next(i for t, i in items.items() if t.startswith("Firewall"))
    assert fw.mark == "open"
    assert "VQ301" in fw.basis and "VQ302" in fw.basis


def test_capacity_item_follows_udp_loss_at_voice_load_by_rule_id() -> None:
    site = hq_site()
    site.findings.append(
        Finding(id="VQ409", title="UDP loss at voice load within threshold", severity=Severity.HIGH,
                category=Category.LINK_QUALITY, status=Status.FAIL, message="UDP loss 1.80 % at load", link="hq-inet")
    )
    capacity = next(i for i in build_checklist(site) if i.title.startswith("Capacity"))
    assert capacity.mark == "open" and "VQ409" in capacity.basis and "VQ409" in capacity.rules


def test_checklist_leaves_what_the_tool_cannot_know_to_the_consultant() -> None:
    items = {i.title: i.mark for i in build_checklist(hq_site())}
    for title in (
        "Numbering, caller ID and call routing confirmed",
        "Support coverage set for cutover day",
        "Pilot issues resolved or formally deferred",
        "Fallback and rollback verified",
    ):
        assert items[title] == "manual"


def test_checklist_unverified_checks_are_not_ticked() -> None:
    site = hq_site()
    site.findings = [f.model_copy(update={"status": Status.UNKNOWN}) if f.id == "VQ302" else f for f in site.findings]
    fw = next(i for i in build_checklist(site) if i.title.startswith("Firewall"))
    assert fw.mark == "manual" and "VQ302" in fw.basis


def test_checklist_without_any_evidence_is_manual() -> None:
    site = hq_site()
    site.findings, site.probes = [], []
    assert {i.mark for i in build_checklist(site)} == {"manual"}


def _drift_finding(rule_id: str, status: Status, compared: dict[str, str], message: str = "") -> Finding:
    return Finding(
        id=rule_id, title="x consistent with other sites", severity=Severity.LOW, category=Category.RESILIENCE,
        status=status, message=message or f"{rule_id} {status}", compared=compared,
    )


def test_drift_is_drawn_from_the_drift_findings_and_their_compared_values() -> None:
    hq, branch, warehouse = hq_site(), branch_site(), warehouse_site()
    seen = {"hq": "disabled", "branch-york": "disabled", "warehouse": "enabled"}
    hq.findings.append(_drift_finding("VQ506", Status.PASS, seen))
    branch.findings.append(_drift_finding("VQ506", Status.PASS, seen))
    warehouse.findings.append(_drift_finding("VQ506", Status.WARN, seen, "SIP ALG state differs: here 'enabled'"))
    # the voice VLAN rule passed everywhere ("as planned"): per-site VLANs the plan sets are not drift
    for site in (hq, branch, warehouse):
        site.findings.append(_drift_finding("VQ505", Status.PASS, {"hq": "as planned", "branch-york": "as planned"}))
    drift = {d.rule: d for d in compute_drift([hq, branch, warehouse])}
    assert set(drift) == {"VQ506"}
    assert drift["VQ506"].layer == "SIP ALG state" and drift["VQ506"].values == seen
    assert drift["VQ506"].details == {"warehouse": ["SIP ALG state differs: here 'enabled'"]}


def test_a_sites_own_finding_gives_its_value_and_unseen_sites_say_so() -> None:
    hq, branch, warehouse = hq_site(), branch_site(), warehouse_site()
    hq.findings.append(_drift_finding("VQ507", Status.WARN, {"hq": "10000-10999", "branch-york": "stale"}))
    branch.findings.append(_drift_finding("VQ507", Status.PASS, {"branch-york": "10000-20000", "hq": "10000-10999"}))
    drift = compute_drift([hq, branch, warehouse])
    assert [d.values for d in drift] == [{"hq": "10000-10999", "branch-york": "10000-20000", "warehouse": "not seen"}]


def test_portfolio_lists_sites_worst_findings_and_drift() -> None:
    pf = build_portfolio([hq_site(), branch_site(), warehouse_site()], "Northwind")
    by_site = {s.site: s for s in pf.sites}
    assert by_site["warehouse"].verdict == Verdict.NO_GO
    assert by_site["warehouse"].worst_findings[0].startswith("VQ201")
    assert by_site["hq"].categories["lan_qos"] == 98.0
    assert pf.drift == compute_drift([hq_site(), branch_site(), warehouse_site()])


def test_before_after_lists_fixed_new_and_still_open() -> None:
    before = warehouse_site()
    after = remediated(before)
    cmp = compare_sites(before, after)
    assert cmp.verdict_before == Verdict.NO_GO and cmp.verdict_after != Verdict.NO_GO
    assert cmp.score_delta > 0
    assert {c.id for c in cmp.fixed} == {"VQ201", "VQ301", "VQ302"}
    assert [c.id for c in cmp.new] == ["VQ503"]
    assert "VQ102" in {c.id for c in cmp.still_open}
    loss = next(m for m in cmp.measurements if m.metric == "Packet loss")
    assert (loss.before, loss.after, loss.improved) == (2.8, 0.3, True)


def test_unverified_checks_are_grouped_per_rule_with_their_subjects() -> None:
    from assess.report.view import category_views

    site = hq_site()
    site.findings = [
        f.model_copy(update={"status": Status.UNKNOWN, "message": "link was not measured"}) if f.id == "VQ401" else f
        for f in site.findings
    ]
    lq = next(c for c in category_views(site) if c.key.value == "link_quality")
    rows = {u.id: u for u in lq.unverified}
    assert rows["VQ401"].subjects == ["hq-mpls", "hq-inet"] and rows["VQ401"].reason == "link was not measured"
    assert all(f.id != "VQ401" for f in lq.open + lq.passed)


def test_portfolio_tables_list_the_worst_sites_first() -> None:
    from assess.report.portfolio import portfolio_view

    pf = build_portfolio([hq_site(), branch_site(), warehouse_site()], "Northwind")
    view = portfolio_view(pf, company="Northwind", consultant="", page_size="a4")
    assert [s.site for s in view.ranked] == ["warehouse", "branch-york", "hq"]
    assert [s.site for s in pf.sites] == ["hq", "branch-york", "warehouse"]  # portfolio.json keeps plan order
    assert view.page_size == "A4"


def test_checklist_and_key_measurements_name_registered_rules_only() -> None:
    from assess.report.checklist import CHECKLIST
    from assess.report.view import KEY_MEASUREMENTS
    from checks.registry import ALL_RULES

    registered = {r.id for r in ALL_RULES}
    declared = {rule for spec in CHECKLIST for rule in spec.rules} | {r for m in KEY_MEASUREMENTS for r in m.rules}
    assert declared and declared <= registered, declared - registered
    capacity = next(spec for spec in CHECKLIST if spec.title.startswith("Capacity"))
    assert {"VQ408", "VQ409", "VQ210"} <= set(capacity.rules)
