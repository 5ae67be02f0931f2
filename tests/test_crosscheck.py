"""Cross-checks of configs against measurements (VQ315, VQ412), on facts and results written by hand.

Each expected verdict was written from reading the case: what the edge is configured to do, what the
probe measured, and which side a consultant would say is wrong.
"""

from __future__ import annotations

from typing import Any

from checks.base import SiteContext
from checks.engine import run_rules
from checks.registry import rule_by_id
from core.models.common import Status
from core.models.facts import ClassMatch, DeviceFacts, PolicyClass, Port, QosPolicy
from core.models.findings import Finding
from core.models.probes import RtpResult
from core.models.site import DeviceRecord, LinkProbes
from core.models.traversal import NatResult, SipAlgResult
from core.plan import Link, Voice

LINK = Link(name="dsl", contracted_up_mbps=10, contracted_down_mbps=10)
WAN = Port(name="ether1", is_wan=True)


def _edge(platform: str = "cisco_ios", **facts: Any) -> DeviceRecord:
    facts.setdefault("ports", [WAN])
    facts.setdefault("nat_enabled", True)
    return DeviceRecord(name="edge1", platform=platform, facts=DeviceFacts(platform=platform, **facts))


def _nat(life: float | None, at_least: bool = False) -> NatResult:
    return NatResult(
        public_address="198.18.1.1",
        mapping="endpoint-independent",
        filtering="endpoint-independent",
        binding_lifetime_s=life,
        binding_lifetime_resolution_s=1.0,
        binding_lifetime_at_least=at_least,
    )


def _rtp(far: int | None, back: int | None, sent: int = 46) -> RtpResult:
    return RtpResult(
        packets_sent=1000, packets_received=1000, loss_pct=0, jitter_ms=1, jitter_p95_ms=2, rtt_ms=20,
        reorder_pct=0, r_factor=93, mos=4.4, loss_up_pct=0, loss_down_pct=0, jitter_up_ms=1, jitter_down_ms=1,
        dscp_sent=sent, dscp_at_far_end=far, dscp_on_return=back,
    )


def _judge(rule_id: str, devices: list[DeviceRecord], probes: list[LinkProbes]) -> list[Finding]:
    ctx = SiteContext(site="s", voice=Voice(keepalive_interval_s=30), devices=tuple(devices),
                      links=(LINK,), probes=tuple(probes))
    return run_rules([rule_by_id(rule_id)], ctx)


def _one(rule_id: str, devices: list[DeviceRecord], probes: list[LinkProbes]) -> Finding:
    [finding] = _judge(rule_id, devices, probes)
    return finding


# --- VQ315: measured NAT binding lifetime vs the edge's UDP timeout ---------------------------------

def test_binding_far_shorter_than_the_edge_timeout_points_upstream() -> None:
    # Cisco IOS edge keeps UDP translations 300 s; bindings died after 20 s: something beyond it (CGNAT)
    f = _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl", nat=_nat(20))])
    assert f.status == Status.WARN and f.link == "dsl"
    assert "upstream" in f.message and "20 s" in f.message and "300 s" in f.message
    assert "keep-alive" in f.remediation.lower() and "isp" in f.remediation.lower()


def test_binding_close_to_the_edge_timeout_agrees() -> None:
    # 280 s measured against 300 s configured: within timer granularity, the edge is the limit
    f = _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl", nat=_nat(280))])
    assert f.status == Status.PASS


def test_routeros_one_way_timer_is_named_as_the_other_suspect() -> None:
    # RouterOS facts carry udp-stream-timeout; the probe's single exchange may sit on udp-timeout instead
    edge = _edge("mikrotik_routeros", udp_timeout_s=180)
    f = _one("VQ315", [edge], [LinkProbes(link="dsl", nat=_nat(9))])
    assert f.status == Status.WARN
    assert "udp-timeout" in f.message


def test_binding_lifetime_capped_early_is_unknown_capped_late_fits() -> None:
    # no binding expired before the probe's 60 s cap: lifetime is "over 60 s", nothing to compare with 300 s
    f = _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl", nat=_nat(60, at_least=True))])
    assert f.status == Status.UNKNOWN
    # no binding expired before a 150 s cap: at least half the 300 s timeout, consistent with the edge
    f = _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl", nat=_nat(150, at_least=True))])
    assert f.status == Status.PASS


def test_no_configured_timeout_is_unknown_and_no_nat_probe_is_unknown() -> None:
    assert _one("VQ315", [_edge()], [LinkProbes(link="dsl", nat=_nat(20))]).status == Status.UNKNOWN
    assert _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl")]).status == Status.UNKNOWN
    assert _one("VQ315", [_edge(udp_timeout_s=300)], []).status == Status.UNKNOWN


def test_no_nat_on_the_link_is_not_applicable() -> None:
    nat = _nat(None).model_copy(update={"mapping": "no-nat"})
    assert _one("VQ315", [_edge(udp_timeout_s=300)], [LinkProbes(link="dsl", nat=nat)]).status == Status.NA


def test_edge_on_another_link_is_not_compared() -> None:
    # two links; the only device's WAN port is described for the other link: no edge known for "dsl"
    other = Link(name="lte", contracted_up_mbps=5, contracted_down_mbps=5, role="backup")
    port = Port(name="ether2", is_wan=True, description="uplink lte")
    edge = _edge(udp_timeout_s=300, ports=[port])
    ctx = SiteContext(site="s", devices=(edge,), links=(LINK, other),
                      probes=(LinkProbes(link="dsl", nat=_nat(20)),))
    by_link = {f.link: f.status for f in run_rules([rule_by_id("VQ315")], ctx)}
    assert by_link == {"dsl": Status.UNKNOWN, "lte": Status.UNKNOWN}


# --- VQ412: measured DSCP vs the edge's re-marking ----------------------------------------------------

BLEACH_EF = QosPolicy(name="WAN-OUT", classes=[PolicyClass(name="VOICE", set_dscp="default")])
KEEPS_EF = {"qos_config_seen": True}


def _bleaching_edge() -> DeviceRecord:
    # class VOICE matches dscp ef and sets dscp default: EF bleached on the way out (VQ209 fails)
    return _edge(policies=[BLEACH_EF], class_maps=[ClassMatch(name="VOICE", match_dscp=["ef"])], qos_config_seen=True)


def test_edge_bleaches_but_ef_arrived_intact_doubts_the_config() -> None:
    f = _one("VQ412", [_bleaching_edge()], [LinkProbes(link="dsl", rtp=_rtp(46, 46))])
    assert f.status == Status.WARN
    assert "not the one on this path" in f.message or "stale" in f.message


def test_edge_keeps_ef_but_it_arrived_bleached_blames_the_provider() -> None:
    f = _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl", rtp=_rtp(0, 46))])
    assert f.status == Status.WARN and "provider" in f.message
    assert "best effort" in f.remediation.lower()


def test_edge_keeps_ef_bleached_only_on_return_blames_the_provider() -> None:
    f = _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl", rtp=_rtp(46, 0))])
    assert f.status == Status.WARN and "provider" in f.message and "return" in f.message


def test_sides_agree_pass() -> None:
    # the edge bleaches and EF arrived as 0: the config explains it (VQ209 carries the fix)
    assert _one("VQ412", [_bleaching_edge()], [LinkProbes(link="dsl", rtp=_rtp(0, 46))]).status == Status.PASS
    # the edge keeps EF and EF arrived both ways
    assert _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl", rtp=_rtp(46, 46))]).status == Status.PASS


def test_zeroing_line_of_unclear_scope_with_ef_intact_warns() -> None:
    edge = _edge("mikrotik_routeros", qos_config_seen=True, dscp_remarks=[
        "/ip firewall mangle add action=change-dscp chain=postrouting new-dscp=0 out-interface=ether1 "
        "protocol=udp dst-port=6881"])
    f = _one("VQ412", [edge], [LinkProbes(link="dsl", rtp=_rtp(46, 46))])
    assert f.status == Status.WARN and "spares EF" in f.message


def test_zeroing_every_packet_with_ef_intact_doubts_the_config() -> None:
    # nothing but the interface narrows the line: it bleaches EF (VQ209 fail), so EF intact contradicts it
    line = "/ip firewall mangle add action=change-dscp chain=postrouting new-dscp=0 out-interface=ether1"
    edge = _edge("mikrotik_routeros", qos_config_seen=True, dscp_remarks=[line], dscp_remarks_all_traffic=[line])
    f = _one("VQ412", [edge], [LinkProbes(link="dsl", rtp=_rtp(46, 46))])
    assert f.status == Status.WARN and "re-marks EF to DSCP 0" in f.message and "stale" in f.message


def test_dscp_missing_on_either_side_is_unknown() -> None:
    assert _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl")]).status == Status.UNKNOWN
    assert _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl", rtp=_rtp(None, None))]).status == Status.UNKNOWN
    # unmarked probe: nothing to compare
    assert _one("VQ412", [_edge(**KEEPS_EF)], [LinkProbes(link="dsl", rtp=_rtp(0, 0, sent=0))]).status == Status.UNKNOWN
    # QoS config not read and nothing seen: the edge's marking is unknown, not "keeps EF"
    assert _one("VQ412", [_edge()], [LinkProbes(link="dsl", rtp=_rtp(0, 0))]).status == Status.UNKNOWN
    # no device on the path
    assert _one("VQ412", [], [LinkProbes(link="dsl", rtp=_rtp(0, 0))]).status == Status.UNKNOWN


# --- VQ312: the measured SIP ALG against the configs of the devices on that link's path -------------


def test_alg_probe_is_judged_against_the_edge_of_its_own_link() -> None:
    # two links, one router each: rtrA (link dsl) runs the ALG, rtrB (link lte) has it off.
    # The probe on lte saw rewriting: rtrA is not on that path, so something upstream of rtrB rewrites.
    lte = Link(name="lte", contracted_up_mbps=5, contracted_down_mbps=5, role="backup")
    rtr_a = DeviceRecord(name="rtrA", platform="cisco_ios", facts=DeviceFacts(
        platform="cisco_ios", nat_enabled=True, sip_alg="enabled",
        ports=[Port(name="Gi0/0", is_wan=True, description="to dsl")]))
    rtr_b = DeviceRecord(name="rtrB", platform="cisco_ios", facts=DeviceFacts(
        platform="cisco_ios", nat_enabled=True, sip_alg="disabled",
        ports=[Port(name="Gi0/0", is_wan=True, description="to lte")]))
    seen = SipAlgResult(sip_alg_detected=True, rewritten=["Via", "Contact"])
    ctx = SiteContext(site="s", devices=(rtr_a, rtr_b), links=(LINK, lte),
                      probes=(LinkProbes(link="lte", sip_alg=seen),))
    [f] = run_rules([rule_by_id("VQ312")], ctx)
    assert f.link == "lte" and f.status == Status.FAIL
    assert "rtrB: disabled" in f.evidence and "rtrA" not in f.evidence
