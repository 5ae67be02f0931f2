"""Patch and re-audit: every rendered fix, applied to the saved config, makes its rule pass.

For every config fixture (tests/fixtures/<platform>/<case>) and every device rule that fails or
warns on it, the fix the audit rendered is merged into the saved configuration the way the
device's CLI would take it (tests/config_patch.py), the result is parsed again by the project's
own parser and every rule is run again: the rule must pass and no other rule may get worse.
Linux routers are proven for real in a namespace (tests/test_remediation_lab.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from assess.models.common import Status
from assess.models.findings import Finding
from assess.models.site import DeviceRecord
from assess.plan import Link, Voice
from checks.base import SiteContext
from checks.common import worst
from checks.engine import run_rules
from checks.registry import device_rules
from collectors.evidence import read_outputs
from collectors.parsers.registry import parse_device
from tests import config_patch
from tests.test_rule_configs import ALL_CONFIGS, SPEC

ROOT = Path(__file__).parent / "fixtures"
# The plan a consultant would write for these devices: the provider's documentation-range addresses
# the fixtures use, phones sending keep-alives every 30 s (as tests/rule_fixtures/configs.yaml).
VOICE = Voice.model_validate(
    {
        **SPEC["voice"],
        "provider_sip": ["203.0.113.10/32", "203.0.113.11/32"],
        "provider_media": ["203.0.113.0/24"],
    }
)
# What the consultant's plan says where the device alone cannot tell (read from each config):
# the access switch uses VLANs 1, 10 and 99 only, so the plan gives its phones a new VLAN 110.
PLAN_VOICE_VLAN = {"cisco_nxos/access-no-classification": 110}
# The WAN contract of each firewall/router's site, as the plan would give it: from the WAN port's own
# description or queue where the config states it ("WAN DSL 20/5", max-limit=20M/5M, "ISP fibre 100M"),
# else a typical small-office broadband contract the consultant took from the customer's bill.
PLAN_LINK = {
    "juniper_junos/srx-branch-problems": (5, 20),
    "mikrotik_routeros/ros6-problems": (5, 20),
    "paloalto_panos/pa-voice-ready": (100, 100),
    "fortinet/fgt-problems": (10, 50),
    "paloalto_panos/pa-problems": (10, 50),
    "paloalto_panos/pa-problems-set-format": (10, 50),
}
# Which saved output holds the configuration a fix is merged into, per platform.
CONFIG_OUTPUT = {
    "cisco_ios": ("show running-config",),
    "cisco_xe": ("show running-config",),
    "cisco_nxos": ("show running-config",),
    "cisco_asa": ("show running-config",),
    "arista_eos": ("show running-config",),
    "juniper_junos": ("show configuration | display set", "show configuration"),
    "fortinet": ("show full-configuration", "show"),
    "mikrotik_routeros": ("/export verbose", "/export"),
    "paloalto_panos": ("show", "show config running"),
}
# Severity of a status for "no other rule gets worse" (n/a and pass are equally good).
RANK = {Status.PASS: 0, Status.NA: 0, Status.UNKNOWN: 1, Status.WARN: 2, Status.FAIL: 3}


def _context(case: str, outputs: Mapping[str, str]) -> SiteContext:
    platform, _, name = case.partition("/")
    links = SPEC["cases"].get(case, {}).get("links") or []
    if case in PLAN_LINK:
        up, down = PLAN_LINK[case]
        links = [{"name": "wan", "contracted_up_mbps": up, "contracted_down_mbps": down}]
    return SiteContext(
        site="s",
        voice=VOICE.model_copy(update={"voice_vlan": PLAN_VOICE_VLAN.get(case)}),
        devices=(DeviceRecord(name=name, platform=platform, facts=parse_device(platform, outputs)),),
        links=tuple(Link.model_validate(x) for x in links),
    )


def _audit(case: str, outputs: Mapping[str, str]) -> list[Finding]:
    return run_rules(device_rules(), _context(case, outputs))


def _statuses(findings: list[Finding]) -> dict[str, Status]:
    return {rid: worst(f.status for f in findings if f.id == rid) for rid in {f.id for f in findings}}


def _patch_cases() -> list[tuple[str, str]]:
    cases = []
    for case in ALL_CONFIGS:
        platform = case.split("/")[0]
        if platform not in CONFIG_OUTPUT:
            continue
        outputs = dict(read_outputs(ROOT / case))
        failing = sorted({f.id for f in _audit(case, outputs) if f.failed})
        cases += [(case, rid) for rid in failing]
    return cases


CASES = _patch_cases()


def _config_key(platform: str, outputs: Mapping[str, str]) -> str:
    return next(k for k in CONFIG_OUTPUT[platform] if k in outputs)


@pytest.mark.parametrize(("case", "rule_id"), CASES, ids=[f"{c}:{r}" for c, r in CASES])
def test_rendered_fix_applied_to_the_config_makes_the_rule_pass(case: str, rule_id: str) -> None:
    platform = case.split("/")[0]
    outputs = dict(read_outputs(ROOT / case))
    before = _audit(case, outputs)
    blocks = [f.fix for f in before if f.id == rule_id and f.failed and f.fix is not None]
    assert blocks, f"{rule_id} on {case}: no rendered fix"
    for block in blocks:
        assert block.complete, f"placeholder left in the fix: {block.fill_in}"
    key = _config_key(platform, outputs)
    for block in blocks:
        outputs[key] = config_patch.merge(platform, outputs[key], block.config)
    after = _audit(case, outputs)
    got = _statuses(after)
    assert RANK[got[rule_id]] == 0, f"{rule_id} still {got[rule_id]}: " + "; ".join(
        f.message for f in after if f.id == rule_id and f.failed
    )
    was = _statuses(before)
    worse = {rid: (was.get(rid), st) for rid, st in got.items() if RANK[st] > RANK[was.get(rid, Status.NA)]}
    assert not worse, f"other rules got worse: {worse}"


def test_every_failing_device_rule_on_a_config_fixture_is_a_patch_case() -> None:
    # the count the issue asks for; it only grows as fixtures are added
    assert len(CASES) >= 40, len(CASES)
