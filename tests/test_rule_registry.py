"""Meta-tests of the rule registry: ids, metadata, remediation, fixtures, docs, id table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.base import Outcome, Rule, SiteContext, SiteRule
from checks.engine import run_rules
from checks.ids import load_id_table
from checks.registry import ALL_RULES, rule_by_id
from checks.remediation import TEMPLATE_DIR, platform_templates, template_for
from core.models.common import Category, Status
from core.plan import PLATFORMS
from tests.rulefixtures import FIXTURES, load

RANGES = {
    Category.LAN_QOS: 1,
    Category.WAN_QOS: 2,
    Category.FIREWALL_NAT: 3,
    Category.LINK_QUALITY: 4,
    Category.RESILIENCE: 5,
}
RULE_IDS = [r.id for r in ALL_RULES]


def test_at_least_35_rules_with_unique_well_formed_ids() -> None:
    assert len(ALL_RULES) >= 35
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert all(re.fullmatch(r"VQ\d{3}", i) for i in RULE_IDS)


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_rule_metadata_is_complete(rule: type[Rule]) -> None:
    assert int(rule.id[2]) == RANGES[rule.category], f"{rule.id} outside its category's id range"
    assert rule.title and rule.rationale and rule.severity
    assert isinstance(rule.remediation, str) and rule.remediation.strip(), "a short generic remediation in words"
    for platform in rule.platforms:
        assert platform in PLATFORMS, platform
    doc = rule.__doc__ or ""
    for section in ("What it does:", "Why it matters:", "Example:", "Fix:"):
        assert section in doc, f"{rule.id}: docstring lacks {section!r}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_rule_has_a_template_for_every_platform_it_applies_to(rule: type[Rule]) -> None:
    for platform in rule.platforms:
        template = template_for(platform, rule.id)
        assert template is not None, f"{rule.id}: no template in platforms/remediation/{platform}.yaml"
        assert template.fix.strip() and template.verify.strip() and template.rollback.strip()


def test_every_template_belongs_to_a_rule_that_applies_to_its_platform() -> None:
    for path in TEMPLATE_DIR.glob("*.yaml"):
        templates = platform_templates(path.stem)
        assert templates is not None and templates.platform == path.stem and templates.references
        for rule_id in templates.rules:
            assert path.stem in rule_by_id(rule_id).platforms, f"{path.name}: {rule_id} does not apply to {path.stem}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_rule_has_pass_and_fail_examples(rule: type[Rule]) -> None:
    path = FIXTURES / f"{rule.id}.yaml"
    assert path.exists(), f"missing {path}"
    fixture = load(path)
    assert fixture.rule == rule.id
    expects = {c.expect for c in fixture.cases.values()}
    assert Status.PASS in expects
    assert expects & {Status.FAIL, Status.WARN}


def test_every_fixture_file_belongs_to_a_registered_rule() -> None:
    assert {p.stem for p in FIXTURES.glob("VQ*.yaml")} <= set(RULE_IDS)


def test_id_table_lists_every_rule_with_its_title_and_category() -> None:
    rows = load_id_table()
    assert len({row.id for row in rows}) == len(rows), "an id appears twice in checks/ids.md"
    table = {row.id: row for row in rows}
    for rule in ALL_RULES:
        row = table.get(rule.id)
        assert row is not None, f"{rule.id} missing from checks/ids.md"
        assert row.status == "active"
        assert (row.title, row.category, row.since) == (rule.title, rule.category.value, rule.since)
    # deprecated ids stay in the table for good and are never reused
    assert {i for i, row in table.items() if row.status == "active"} == set(RULE_IDS)


class _Crashes(SiteRule):
    id = "VQ599"
    title = "crashes"
    severity = ALL_RULES[0].severity
    category = Category.RESILIENCE
    rationale = "test"
    remediation = "none"

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover


def test_a_crashing_rule_yields_unknown_with_the_error() -> None:
    [finding] = run_rules([_Crashes], SiteContext(site="s"))
    assert finding.status == Status.UNKNOWN
    assert "ZeroDivisionError: boom" in finding.message


def test_docs_rules_md_is_current() -> None:
    from checks.docs import render_rules_markdown

    path = Path(__file__).parents[1] / "docs" / "rules.md"
    assert path.read_text() == render_rules_markdown(), "run: python -m checks.docs > docs/rules.md"


def test_audit_of_one_config_runs_only_the_device_rules() -> None:
    from checks.base import DeviceRule
    from checks.registry import device_rules

    rules = device_rules()
    assert rules and all(issubclass(r, DeviceRule) for r in rules)
    assert {"VQ201", "VQ301"} <= {r.id for r in rules}
    assert not {"VQ401", "VQ501", "VQ210"} & {r.id for r in rules}
