"""Traversal results the probes produce read correctly by the traversal rules (not-assessed, capped lifetime)."""

from __future__ import annotations

from checks.base import SiteContext
from checks.traversal import NatBindingLifetime, SipAlgOnPath
from core.models.common import Status
from core.models.site import LinkProbes
from core.models.traversal import NatResult, SipAlgResult
from core.plan import Voice


def _statuses(rule, probes: LinkProbes, voice: Voice) -> list[Status]:
    ctx = SiteContext(site="s", voice=voice, probes=(probes,))
    return [o.status for o in rule().check_link(None, probes, ctx)]


def test_lifetime_that_outlived_the_probe_cap_is_unknown_not_a_failure():
    nat = NatResult(public_address="203.0.113.1", mapping="endpoint-independent", filtering="address-dependent",
                    binding_lifetime_s=300.0, binding_lifetime_at_least=True)
    assert _statuses(NatBindingLifetime, LinkProbes(link="l", nat=nat), Voice(registration_interval_s=600)) == [
        Status.UNKNOWN]


def test_measured_short_lifetime_still_fails():
    nat = NatResult(public_address="203.0.113.1", mapping="endpoint-independent", filtering="address-dependent",
                    binding_lifetime_s=30.0, binding_lifetime_resolution_s=2.0)
    assert _statuses(NatBindingLifetime, LinkProbes(link="l", nat=nat), Voice(registration_interval_s=600)) == [
        Status.FAIL]


def test_sip_alg_probe_not_assessed_is_unknown():
    alg = SipAlgResult(sip_alg_detected=None, assessed=False, reason="no answer")
    assert _statuses(SipAlgOnPath, LinkProbes(link="l", sip_alg=alg), Voice(sip_alg="enabled")) == [Status.UNKNOWN]


def test_a_capped_lifetime_says_which_command_measures_far_enough():
    # the lab demo's hq links read "raise the cap to compare", and the survey has no option for that cap
    nat = NatResult(public_address="203.0.113.1", mapping="endpoint-independent", filtering="address-dependent",
                    binding_lifetime_s=70.0, binding_lifetime_at_least=True)
    probes = LinkProbes(link="l", nat=nat)
    voice = Voice(registration_interval_s=600, keepalive_interval_s=None)  # the plan needs 600 s
    (outcome,) = NatBindingLifetime().check_link(None, probes, SiteContext(site="s", voice=voice, probes=(probes,)))
    assert outcome.status == Status.UNKNOWN
    assert "`assess probe nat HOST --lifetime-cap 600`" in outcome.message


def test_sip_alg_evidence_writes_the_probe_field_as_json_does():
    # the site reports read "sip_alg_detected False over udp" (Python's spelling) beside "large_message_ok true"
    alg = SipAlgResult(sip_alg_detected=False, assessed=True, transport="udp")
    probes = LinkProbes(link="l", sip_alg=alg)
    (outcome,) = SipAlgOnPath().check_link(None, probes, SiteContext(site="s", voice=Voice(), probes=(probes,)))
    assert outcome.evidence == "sip_alg_detected false over udp; changed: nothing"
