"""Every rule against its own pass/fail examples (tests/rule_fixtures/<ID>.yaml)."""

from __future__ import annotations

import pytest

from checks.common import worst
from checks.engine import run_rules
from checks.registry import rule_by_id
from core.models.common import Status
from tests.rulefixtures import FixtureCase, all_cases

CASES = all_cases()


@pytest.mark.parametrize(("rule_id", "name", "case"), CASES, ids=[f"{r}-{n}" for r, n, _ in CASES])
def test_rule_reaches_the_expected_status_on_its_example(rule_id: str, name: str, case: FixtureCase) -> None:
    rule = rule_by_id(rule_id)
    findings = run_rules([rule], case.build())
    assert findings, f"{rule_id}/{name}: the rule judged nothing"
    assert all(f.id == rule_id for f in findings)
    errors = [f.message for f in findings if f.message.startswith("rule error")]
    assert not errors, errors
    got = worst(f.status for f in findings)
    assert got == case.expect, f"{rule_id}/{name}: {[(f.status.value, f.message) for f in findings]}"
    for f in findings:
        assert f.evidence.strip(), f"{rule_id}/{name}: a finding without evidence: {f.message}"
        if f.status in (Status.FAIL, Status.WARN):
            assert f.remediation.strip()
