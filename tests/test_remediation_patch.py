"""Patch and re-audit: every rendered fix, applied to the saved config, makes its rule pass.

For every config fixture (tests/fixtures/<platform>/<case>) and every device rule that fails or
warns on it, the fix the audit rendered is merged into the saved configuration the way the
device's CLI would take it (tests/config_patch.py), the result is parsed again by the project's
own parser and every rule is run again: the rule must pass and no other rule may get worse.
Linux routers are proven for real in a namespace (tests/test_remediation_lab.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from checks.base import SiteContext
from checks.common import worst
from checks.engine import run_rules
from checks.registry import device_rules
from collectors.evidence import read_outputs
from core.models.common import Status
from core.models.findings import Finding
from core.models.site import DeviceRecord
from core.plan import Link, Voice, load_plan
from platforms.parsers.registry import parse_device
from tests import config_patch
from tests.test_rule_configs import ALL_CONFIGS, MUTATIONS, SPEC, edited

ROOT = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parents[1] / "samples"
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
    "fortinet/fgt-voice-ready": (50, 200),  # estimated-upstream/downstream-bandwidth 50000/200000
    "mikrotik_routeros/ros7-voice-ready": (100, 100),  # queue tree wan-out max-limit=95M
}
# The voice-ready configs were written for a provider at 198.51.100.10-11 and 198.51.100.64/26 that
# signals and sends media from all of them (one address set in the configs); their plan says so.
_OTHER = ["198.51.100.10/32", "198.51.100.11/32", "198.51.100.64/26"]
OTHER_PROVIDER = {"provider_sip": _OTHER, "provider_media": _OTHER}
PLAN_PROVIDER = {
    case: OTHER_PROVIDER
    for case in (
        "fortinet/fgt-voice-ready",
        "juniper_junos/srx-branch-voice-ready",
        "paloalto_panos/pa-voice-ready",
    )
}
# Fixes that cannot make everything better at once, with why. A 1 Mbit/s DSL carrying 6 calls: the
# priority queue is sized for the calls (VQ202), so it is over a third of the link (VQ203) until the
# link grows; VQ210 already says so.
ACCEPTED_WORSE = {("sample warehouse/wh-rtr1", "VQ203")}
# Where the fixed rule passes but the finding stays a warning for another rule's sake: the outbound
# voice rule of these configs names the provider by an FQDN object the audit cannot resolve, so it
# is not recognised as outbound to the provider. The fix must still turn the fail into that warning.
IMPROVES_ONLY = {
    ("fortinet/fgt-voice-ready (provider-in policy opened to all sources)", "VQ304"),
    ("paloalto_panos/pa-voice-ready (SIP rule from any source)", "VQ304"),
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


@dataclass(frozen=True)
class Subject:
    """A saved device configuration with the plan it is judged by."""

    label: str
    platform: str
    name: str
    outputs: dict[str, str]
    voice: Voice
    links: tuple[Link, ...]

    def audit(self, outputs: Mapping[str, str] | None = None) -> list[Finding]:
        facts = parse_device(self.platform, outputs or self.outputs)
        record = DeviceRecord(name=self.name, platform=self.platform, facts=facts)
        return run_rules(device_rules(), SiteContext(site="s", voice=self.voice, devices=(record,), links=self.links))


def _links(case: str, given: list[dict[str, Any]] | None = None) -> tuple[Link, ...]:
    links = given or SPEC["cases"].get(case, {}).get("links") or []
    if not links and case in PLAN_LINK:
        up, down = PLAN_LINK[case]
        links = [{"name": "wan", "contracted_up_mbps": up, "contracted_down_mbps": down}]
    return tuple(Link.model_validate(x) for x in links)


def _voice(case: str) -> Voice:
    return VOICE.model_copy(update={"voice_vlan": PLAN_VOICE_VLAN.get(case), **PLAN_PROVIDER.get(case, {})})


def _fixture_subjects() -> list[Subject]:
    out = []
    for case in ALL_CONFIGS:
        platform, _, name = case.partition("/")
        if platform in CONFIG_OUTPUT:
            voice = _voice(case)
            out.append(Subject(case, platform, name, dict(read_outputs(ROOT / case)), voice, _links(case)))
    for m in MUTATIONS:
        platform, _, name = m["base"].partition("/")
        if platform not in CONFIG_OUTPUT:
            continue
        voice = _voice(m["base"])
        label = f"{m['base']} ({m['what']})"
        out.append(
            Subject(label, platform, name, edited(m["base"], m["edits"]), voice, _links(m["base"], m.get("links")))
        )
    return out


def _sample_subjects() -> list[Subject]:
    """The sample survey's devices with their own site's plan: the blocks the sample reports print."""
    plan = load_plan(SAMPLES / "plan.yaml")
    out = []
    for site in plan.sites:
        for device in site.devices:
            folder = SAMPLES / "evidence" / site.name / device.name
            if device.platform in CONFIG_OUTPUT and folder.is_dir():
                outputs = dict(read_outputs(folder))
                out.append(
                    Subject(
                        f"sample {site.name}/{device.name}",
                        device.platform,
                        device.name,
                        outputs,
                        plan.voice_for(site),
                        tuple(site.links),
                    )
                )
    return out


def _statuses(findings: list[Finding]) -> dict[str, Status]:
    return {rid: worst(f.status for f in findings if f.id == rid) for rid in {f.id for f in findings}}


# A parse warning (VQ511) asks for better evidence or a parser fix, not a configuration change.
NOT_A_CONFIG_FINDING = {"VQ511"}
SUBJECTS = _fixture_subjects() + _sample_subjects()
CASES = [
    (n, rid)
    for n, subject in enumerate(SUBJECTS)
    for rid in sorted({f.id for f in subject.audit() if f.failed} - NOT_A_CONFIG_FINDING)
]


def _config_key(platform: str, outputs: Mapping[str, str]) -> str:
    return next(k for k in CONFIG_OUTPUT[platform] if k in outputs)


@pytest.mark.parametrize(("n", "rule_id"), CASES, ids=[f"{SUBJECTS[n].label}:{r}" for n, r in CASES])
def test_rendered_fix_applied_to_the_config_makes_the_rule_pass(n: int, rule_id: str) -> None:
    subject = SUBJECTS[n]
    outputs = dict(subject.outputs)
    before = subject.audit()
    blocks = [f.fix for f in before if f.id == rule_id and f.failed and f.fix is not None]
    assert blocks, f"{rule_id} on {subject.label}: no rendered fix"
    for block in blocks:
        assert block.complete, f"placeholder left in the fix: {block.fill_in}"
    key = _config_key(subject.platform, outputs)
    for block in blocks:
        outputs[key] = config_patch.merge(subject.platform, outputs[key], block.config)
    after = subject.audit(outputs)
    got = _statuses(after)
    was = _statuses(before)
    target = RANK[was[rule_id]] - 1 if (subject.label, rule_id) in IMPROVES_ONLY else 0
    assert RANK[got[rule_id]] <= target, f"{rule_id} still {got[rule_id]}: " + "; ".join(
        f.message for f in after if f.id == rule_id and f.failed
    )
    worse = {
        rid: (was.get(rid), st)
        for rid, st in got.items()
        if RANK[st] > RANK[was.get(rid, Status.NA)] and (subject.label, rid) not in ACCEPTED_WORSE
    }
    assert not worse, f"other rules got worse: {worse}"


def test_every_failing_device_rule_on_a_config_fixture_is_a_patch_case() -> None:
    # the count the issue asks for; it only grows as fixtures are added
    assert len(CASES) >= 100, len(CASES)
