"""Configs against measurements: when the edge's config and the link's probe disagree, say which side is wrong.

Both rules are diagnoses, not new damage: the damage itself (short bindings, bleached EF) is already judged
by the link rules (VQ310, VQ406/VQ407) and the device rules (VQ306, VQ209). What these add is where the fault
lives, so the fix goes to the right party (the site's edge, the ISP, or the evidence itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.common import listed, na, path_edges, probe_not_run, unknown
from checks.marking import NoEfBleaching
from core.models.common import Category, Severity, Status
from core.models.device import DeviceRecord
from core.plan import Link

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes

# A binding that lives less than half the edge's timeout is not the edge's timer rounding or GC lag.
WELL_BELOW = 0.5
# Platforms whose parsed UDP timeout is the replied-flow (stream) timer while conntrack keeps a flow that
# saw a single exchange - what the binding-lifetime probe leaves - on a shorter one-way timer.
ONE_WAY_TIMER = {"mikrotik_routeros": "udp-timeout"}


class BindingLifetimeMatchesEdgeTimeout(LinkRule):
    """The measured NAT binding lifetime agrees with the edge's configured UDP timeout.

    What it does:
        For each planned link, compares the binding lifetime the NAT probe measured with the UDP idle
        timeout configured on the edge device(s) serving that link; a lifetime under half the shortest
        configured timeout means a timer the configs do not show ended the binding.
    Why it matters:
        The usual culprit is the ISP (carrier-grade NAT, a provider router in front of the edge): raising
        the edge's timeout then changes nothing. Severity medium, status warn: the damage is VQ310's to
        judge; this rule says where the fix goes (keep-alives, or the ISP), which a consultant must tell.
    Example:
        edge udp-timeout 300 s; binding_lifetime_s 20
    Fix:
        set SIP/RTP keep-alives below the measured lifetime, or ask the ISP for a longer UDP timeout or a
        public address
    """

    id = "VQ315"
    title = "Measured NAT binding lifetime agrees with the edge's UDP timeout"
    severity = Severity.MEDIUM
    category = Category.FIREWALL_NAT
    since = "0.2.0"
    rationale = (
        "A binding far shorter than the edge's own timeout is ended by a timer its config does not show, "
        "usually upstream (ISP, CGNAT): raising the edge's timeout then does not help."
    )
    remediation = (
        "Set the phones' SIP keep-alive (and the PBX's NAT keep-alive) below the measured binding lifetime, or "
        "ask the ISP to lengthen its UDP/NAT timeout or give the site a public address (no CGNAT)."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        nat = probes.nat
        timed = [(d, d.facts.udp_timeout_s) for d in path_edges(link, ctx) if d.facts and d.facts.udp_timeout_s]
        if nat is None or not nat.assessed:
            yield probe_not_run("NAT")
        elif nat.mapping == "no-nat":
            yield na("no NAT on this link", f"mapping {nat.mapping}")
        elif nat.binding_lifetime_s is None:
            yield unknown("binding lifetime not measured", f"mapping {nat.mapping}")
        elif not timed:
            yield unknown("no edge device of this link shows a UDP timeout to compare with")
        else:
            yield _judge_lifetime(nat.binding_lifetime_s, nat.binding_lifetime_at_least, timed)


def _judge_lifetime(life: float, at_least: bool, timed: list[tuple[DeviceRecord, int]]) -> Outcome:
    edge, timeout = min(timed, key=lambda pair: pair[1])  # whichever edge timer ends a binding first
    configs = listed(f"{d.name} {t} s" for d, t in timed)
    capped = " (probe cap)" if at_least else ""
    evidence = f"measured binding lifetime {life:.0f} s{capped}; edge UDP timeout: {configs}"
    if life >= WELL_BELOW * timeout:  # a capped lifetime is a lower bound: past half the timeout it fits too
        over = "over " if at_least else ""
        return Outcome(Status.PASS, f"binding lifetime {over}{life:.0f} s fits {edge.name}'s UDP timeout {timeout} s",
                       evidence)
    if at_least:
        return unknown(f"binding lifetime over {life:.0f} s (probe cap): too short a search to compare with "
                       f"{edge.name}'s {timeout} s", evidence)
    message = (f"binding lifetime {life:.0f} s is far below {edge.name}'s UDP timeout {timeout} s: "
               "a NAT upstream (ISP, CGNAT) ends bindings sooner")
    one_way = ONE_WAY_TIMER.get(edge.platform)
    if one_way:
        message += f", or {edge.name}'s own one-way timer ({one_way}, not in the facts) does"
    return Outcome(Status.WARN, f"{message}; keep-alives must stay under {life:.0f} s", evidence)


class DscpMatchesEdgeMarking(LinkRule):
    """The DSCP measured on the link agrees with what the edge's config does to EF.

    What it does:
        For each planned link, reads what the edge device(s) do to EF (VQ209's reading: bleach, re-mark
        to 0 of unclear scope, or keep) and compares it with the DSCP the RTP probe saw at the far end
        and on return.
    Why it matters:
        Edge keeps EF but it arrives bleached: the provider bleaches, and no edge change will help.
        Edge bleaches EF but EF arrives intact: the audited config is not the one on this path, or the
        evidence is stale, so every config finding of the site is in doubt. Severity medium, status
        warn: these are diagnoses; the damage is judged by VQ406/VQ407 and VQ209.
    Example:
        edge: set dscp default on EF; probe: dscp_at_far_end 46
    Fix:
        provider bleaching: ask for a QoS-enabled service (or accept best effort on this link);
        config disagreeing: re-collect the edge's running config from the device on this path
    """

    id = "VQ412"
    title = "Measured DSCP agrees with the edge's marking"
    severity = Severity.MEDIUM
    category = Category.LINK_QUALITY
    since = "0.2.0"
    rationale = "EF bleached despite the config points at the provider; EF intact despite a bleaching config "\
        "points at the wrong or a stale config."
    remediation = (
        "If the provider bleaches EF: ask for a QoS-enabled (DSCP-honouring) service or accept best effort on "
        "this link. If the config bleaches yet EF arrives: re-collect the running config of the device actually "
        "on this path and re-run the audit."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        rtp = probes.rtp
        if rtp is None:
            yield probe_not_run("RTP")
            return
        sent, far, back = rtp.dscp_sent, rtp.dscp_at_far_end, rtp.dscp_on_return
        measured = f"DSCP sent {sent}, at the far end {far}, on return {back}"
        marking = [(d.name, _ef_marking(d, ctx)) for d in path_edges(link, ctx)]
        known = [(name, m) for name, m in marking if m is not None]
        evidence = measured + "\n" + "\n".join(f"{n}: {o.message}" for n, o in known)
        if not sent or far is None:
            yield unknown("the probe measured no EF marking to compare", measured)
        elif not known:
            yield unknown("no edge device of this link shows its DSCP marking", measured)
        else:
            yield _judge_dscp(sent, far, back, known, evidence)


def _ef_marking(device: DeviceRecord, ctx: SiteContext) -> Outcome | None:
    """VQ209's reading of the device (fail: bleaches EF, warn: zeroes something, pass: keeps); None if unseen."""
    facts = device.facts
    if facts is None or not (facts.qos_config_seen or facts.policies or facts.dscp_remarks):
        return None
    return next(iter(NoEfBleaching().check(facts, ctx)), None)


def _judge_dscp(sent: int, far: int, back: int | None, known: list[tuple[str, Outcome]], evidence: str) -> Outcome:
    bleachers = [n for n, o in known if o.status == Status.FAIL]
    zeroers = [n for n, o in known if o.status == Status.WARN]
    if far == sent and bleachers:
        return Outcome(Status.WARN, f"{listed(bleachers)} re-marks EF to DSCP 0 yet EF arrived intact: the audited "
                       "config is not the one on this path, or the evidence is stale", evidence)
    if far == sent and zeroers:
        return Outcome(Status.WARN, f"{listed(zeroers)} re-marks to DSCP 0 yet EF arrived intact: that re-marking "
                       "spares EF, or the audited config is not the one on this path (or stale)", evidence)
    if far != sent and (bleachers or zeroers):
        return Outcome(Status.PASS, f"EF lost upstream as {listed(bleachers + zeroers)}'s re-marking explains "
                       "(VQ209)", evidence)
    keepers = listed(n for n, _ in known)
    lost = [f"{'re-marked to ' + str(got) if got else 'bleached'} {where}"
            for got, where in ((far, "upstream"), (back, "on return")) if got is not None and got != sent]
    if lost:
        return Outcome(Status.WARN, f"{keepers} keeps EF but it was {' and '.join(lost)}: the provider does not "
                       "honour EF on this link", evidence)
    return Outcome(Status.PASS, f"{keepers} keeps EF and EF arrived intact", evidence)
