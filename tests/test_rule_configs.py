"""Rules on real-looking configs: parse tests/fixtures/<platform>/<case>/ and check key findings.

Good configs must pass the rules they were written to satisfy and bad ones must fail them;
every registered rule must run on every parsed fixture without crashing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.base import SiteContext
from checks.common import worst
from checks.engine import run_rules
from checks.registry import ALL_RULES
from collectors.evidence import read_outputs
from core.models.common import Status
from core.models.findings import Finding
from core.models.site import DeviceRecord
from core.plan import Link, Voice
from platforms.parsers.registry import PARSERS, parse_device

ROOT = Path(__file__).parent
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "rule_fixtures" / "configs.yaml").read_text())
CASES = sorted(SPEC["cases"])
ALL_CONFIGS = sorted(
    f"{p.parent.name}/{p.name}" for p in (ROOT / "fixtures").glob("*/*") if p.is_dir() and p.parent.name in PARSERS
)


MUTATIONS: list[dict[str, Any]] = SPEC["mutations"]


def edited(case: str, edits: list[list[str]]) -> dict[str, str]:
    """The fixture's outputs with each (old, new) edit applied; an edit that matches nothing fails."""
    outputs = dict(read_outputs(ROOT / "fixtures" / case))
    for old, new in edits:
        assert any(old in text for text in outputs.values()), f"{case}: edit does not apply: {old!r}"
        outputs = {cmd: text.replace(old, new) for cmd, text in outputs.items()}
    return outputs


def audit(case: str, links: list[dict[str, Any]] | None = None, edits: list[list[str]] | None = None) -> list[Finding]:
    platform, _, name = case.partition("/")
    facts = parse_device(platform, edited(case, edits or []))
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
    assert_expected(audit(case, spec.get("links")), spec["expect"])


def assert_expected(findings: list[Finding], expect: dict[str, str]) -> None:
    got = {rid: worst(f.status for f in findings if f.id == rid) for rid in expect}
    want = {rid: Status(v) for rid, v in expect.items()}
    assert got == want, {f.id: f.message for f in findings if f.id in want and got[f.id] != want[f.id]}
    for f in findings:
        if f.id in want and f.status in (Status.FAIL, Status.WARN):
            assert f.evidence.strip() and f.remediation.strip(), f.id


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[f"{m['base']}: {m['what']}" for m in MUTATIONS])
def test_one_config_edit_flips_the_rule_it_concerns(mutation: dict[str, Any]) -> None:
    findings = audit(mutation["base"], mutation.get("links"), mutation["edits"])
    assert_expected(findings, mutation["expect"])


def test_each_config_rule_has_a_good_and_a_bad_parsed_config_on_several_platforms() -> None:
    seen: dict[tuple[str, str], set[str]] = {}
    for case, spec in SPEC["cases"].items():
        for rid, status in spec["expect"].items():
            seen.setdefault((rid, case.split("/")[0]), set()).add(status)
    for m in MUTATIONS:
        for rid, status in m["expect"].items():
            seen.setdefault((rid, m["base"].split("/")[0]), set()).add(status)
    both = {key for key, statuses in seen.items() if "pass" in statuses and statuses & {"fail", "warn"}}
    for rid in ("VQ201", "VQ301", "VQ303", "VQ304", "VQ306"):
        platforms = sorted(p for r, p in both if r == rid)
        assert len(platforms) >= 5, (rid, platforms)


@pytest.mark.parametrize("case", ALL_CONFIGS)
def test_every_rule_runs_on_every_parsed_config_without_crashing(case: str) -> None:
    errors = [f"{f.id}: {f.message}" for f in audit(case) if f.message.startswith("rule error")]
    assert not errors
