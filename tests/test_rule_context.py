"""Drift across the sites of a survey: each site's context sees the other sites."""

from __future__ import annotations

from dataclasses import replace

from checks.base import SiteContext
from checks.drift import SipAlgDrift, UdpTimeoutDrift
from checks.engine import run_rules
from core.models.common import Status
from core.models.facts import DeviceFacts
from core.models.site import DeviceRecord
from core.plan import Voice


def site(name: str, alg: str, timeout: int, voice: Voice | None = None) -> SiteContext:
    facts = DeviceFacts(platform="fortinet", sip_alg=alg, nat_enabled=True, udp_timeout_s=timeout)  # type: ignore[arg-type]
    return SiteContext(
        site=name, voice=voice or Voice(), devices=(DeviceRecord(name="fw", platform="fortinet", facts=facts),)
    )


def with_peers(contexts: list[SiteContext]) -> list[SiteContext]:
    return [replace(c, other_sites=tuple(o for o in contexts if o is not c)) for c in contexts]


def test_the_one_site_with_the_alg_on_is_reported_as_drift_and_the_others_pass() -> None:
    contexts = with_peers([site("hq", "disabled", 900), site("branch", "enabled", 900), site("wh", "disabled", 900)])
    verdicts = {c.site: run_rules([SipAlgDrift], c)[0] for c in contexts}
    assert verdicts["branch"].status == Status.WARN
    assert "enabled" in verdicts["branch"].evidence and "hq: disabled" in verdicts["branch"].evidence
    assert verdicts["hq"].status == verdicts["wh"].status == Status.PASS


def test_without_a_plan_target_the_majority_is_the_standard_and_a_tie_has_none() -> None:
    three = with_peers([site("hq", "disabled", 900), site("branch", "disabled", 30), site("wh", "disabled", 900)])
    assert [run_rules([UdpTimeoutDrift], c)[0].status for c in three] == [Status.PASS, Status.WARN, Status.PASS]
    two = with_peers([site("hq", "disabled", 900), site("branch", "disabled", 30)])
    assert [run_rules([UdpTimeoutDrift], c)[0].status for c in two] == [Status.WARN, Status.WARN]


def test_the_plans_alg_intent_beats_a_majority_of_sites_that_left_it_on() -> None:
    contexts = with_peers([site("hq", "disabled", 900), site("branch", "enabled", 900), site("wh", "enabled", 900)])
    statuses = {c.site: run_rules([SipAlgDrift], c)[0].status for c in contexts}
    assert statuses == {"hq": Status.PASS, "branch": Status.WARN, "wh": Status.WARN}


def test_sites_that_agree_with_each_other_but_not_the_plan_are_not_told_no_other_site_agrees() -> None:
    # the lab demo's portfolio: every site 'enabled' against a plan of 'disabled' read "no other site agrees"
    plan = Voice(sip_alg="disabled")
    contexts = with_peers([site(n, "enabled", 900, plan) for n in ("hq", "branch", "wh")])
    for found in (run_rules([SipAlgDrift], c)[0] for c in contexts):
        assert found.status == Status.WARN
        assert "no other site agrees" not in found.message
        assert "the same at every other site" in found.message and "(plan: 'disabled')" in found.message
