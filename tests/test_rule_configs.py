"""Rules on real-looking configs: parse tests/fixtures/<platform>/<case>/ and check key findings.

Good configs must pass the rules they were written to satisfy and bad ones must fail them;
every registered rule must run on every parsed fixture without crashing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assess.models.common import Status
from assess.models.findings import Finding
from assess.models.site import DeviceRecord
from assess.plan import Link, Voice
from checks.base import SiteContext
from checks.common import worst
from checks.engine import run_rules
from checks.registry import ALL_RULES
from collectors.evidence import read_outputs
from collectors.parsers.registry import PARSERS, parse_device

ROOT = Path(__file__).parent
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "rule_fixtures" / "configs.yaml").read_text())
CASES = sorted(SPEC["cases"])
ALL_CONFIGS = sorted(
    f"{p.parent.name}/{p.name}" for p in (ROOT / "fixtures").glob("*/*") if p.is_dir() and p.parent.name in PARSERS
)


def audit(case: str, links: list[dict[str, Any]] | None = None) -> list[Finding]:
    platform, _, name = case.partition("/")
    facts = parse_device(platform, read_outputs(ROOT / "fixtures" / case))
    ctx = SiteContext(
        site="s",
        voice=Voice.model_validate(SPEC["voice"]),
        devices=(DeviceRecord(name=name, platform=platform, facts=facts),),
        links=tuple(Link.model_validate(x) for x in links or ()),
    )
    return run_rules(ALL_RULES, ctx)


@pytest.mark.parametrize("case", CASES)
def test_config_fixture_gives_the_expected_key_findings(case: str) -> None:
    spec = SPEC["cases"][case]
    findings = audit(case, spec.get("links"))
    got = {rid: worst(f.status for f in findings if f.id == rid) for rid in spec["expect"]}
    want = {rid: Status(v) for rid, v in spec["expect"].items()}
    detail = {f.id: f.message for f in findings if f.id in want and got[f.id] != want[f.id]}
    assert got == want, detail
    for f in findings:
        if f.id in want and f.status in (Status.FAIL, Status.WARN):
            assert f.evidence.strip() and f.remediation.strip(), f.id


@pytest.mark.parametrize("case", ALL_CONFIGS)
def test_every_rule_runs_on_every_parsed_config_without_crashing(case: str) -> None:
    errors = [f"{f.id}: {f.message}" for f in audit(case) if f.message.startswith("rule error")]
    assert not errors


def test_every_config_fixture_has_expectations() -> None:
    assert set(ALL_CONFIGS) <= set(CASES), sorted(set(ALL_CONFIGS) - set(CASES))
