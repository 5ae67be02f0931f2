"""Building site contexts from a plan, and drift across the sites of a survey."""

from __future__ import annotations

from assess.models.common import Status
from assess.models.facts import DeviceFacts
from assess.models.site import DeviceRecord
from assess.plan import parse_plan
from checks.context import site_context, with_peers
from checks.drift import SipAlgDrift
from checks.engine import run_rules

PLAN = """
company: Example
voice: {peak_calls: 12, keepalive_interval_s: 30}
sites:
  - {name: hq, links: [{name: fibre, contracted_up_mbps: 100, contracted_down_mbps: 100}]}
  - {name: branch, voice: {peak_calls: 4}}
  - {name: warehouse}
"""


def fw(state: str) -> tuple[DeviceRecord, ...]:
    facts = DeviceFacts(platform="fortinet", sip_alg=state, nat_enabled=True)  # type: ignore[arg-type]
    return (DeviceRecord(name="fw", platform="fortinet", facts=facts),)


def test_site_context_takes_the_sites_own_voice_or_the_plan_default() -> None:
    plan = parse_plan(PLAN)
    hq, branch = (site_context(plan, s) for s in plan.sites[:2])
    assert hq.voice.peak_calls == 12 and hq.links[0].name == "fibre"
    assert branch.voice.peak_calls == 4 and branch.links == ()


def test_the_one_site_with_the_alg_on_is_reported_as_drift_and_the_others_pass() -> None:
    plan = parse_plan(PLAN)
    states = {"hq": "disabled", "branch": "enabled", "warehouse": "disabled"}
    contexts = with_peers([site_context(plan, s, fw(states[s.name])) for s in plan.sites])
    assert [len(c.other_sites) for c in contexts] == [2, 2, 2]
    assert all(not o.other_sites for c in contexts for o in c.other_sites)
    verdicts = {c.site: run_rules([SipAlgDrift], c)[0] for c in contexts}
    assert verdicts["branch"].status == Status.WARN
    assert "enabled" in verdicts["branch"].evidence and "hq: disabled" in verdicts["branch"].evidence
    assert verdicts["hq"].status == verdicts["warehouse"].status == Status.PASS
