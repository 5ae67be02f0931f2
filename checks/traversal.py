"""NAT traversal as measured: NAT type, binding lifetime, SIP ALG on the path, blocked ports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext, SiteRule
from checks.common import listed, na, nat_or_filter, off_path, port_list, probe_not_run, unknown
from checks.nat_timeouts import refresh_interval_s
from core.models.common import Category, Severity, Status
from core.plan import Link
from core.service_ports import SIP_PORTS

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes

RFC4787_MIN_BINDING_S = 120  # RFC 4787 REQ-5: UDP mapping timer must not expire in less than 2 minutes


class NatMappingEndpointIndependent(LinkRule):
    """The NAT maps endpoint-independently (or an SBC handles NAT).

    What it does:
        Reads the NAT probe's RFC 4787/5780 mapping behaviour; address- or
        address-and-port-dependent mapping fails unless the plan has an on-site SBC.
    Why it matters:
        With 'symmetric' mapping the public port differs per destination, so media to
        a different address than signalling (most hosted platforms) needs a TURN relay
        or media latching; otherwise calls have one-way audio.
    Example:
        mapping: address-and-port-dependent
    Fix:
        enable endpoint-independent mapping (static/persistent NAT for phones), or use an SBC
    """

    id = "VQ309"
    title = "NAT mapping endpoint-independent"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "Symmetric NAT breaks media sent to a different address than signalling: one-way audio."
    remediation = (
        "Use endpoint-independent mapping for the voice subnet (e.g. Junos 'persistent-nat', FortiOS 'set "
        "fixedport enable' with EIM, PAN-OS DIPP -> static/dynamic-ip NAT, Linux SNAT without --random), or "
        "terminate SIP on an SBC."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        nat = probes.nat
        if nat is None:
            yield probe_not_run("NAT")
            return
        evidence = f"mapping {nat.mapping}, filtering {nat.filtering}, public address {nat.public_address}"
        if nat.mapping in ("no-nat", "endpoint-independent"):
            yield Outcome(Status.PASS, f"NAT mapping {nat.mapping}", evidence)
        elif nat.mapping == "unknown":
            yield unknown("NAT mapping behaviour could not be determined", evidence)
        elif ctx.voice.sbc:
            yield Outcome(Status.PASS, f"NAT mapping {nat.mapping}, handled by the on-site SBC", evidence)
        else:
            yield Outcome(Status.FAIL, f"NAT mapping {nat.mapping} without an SBC", evidence)


class NatBindingLifetime(LinkRule):
    """The measured UDP binding lifetime outlives the phones' refresh and RFC 4787's 120 s.

    What it does:
        Compares the measured binding lifetime with 120 s and with the keep-alive (or
        registration) interval of the plan.
    Why it matters:
        A binding that dies between refreshes closes the pinhole: inbound calls are lost
        until the phone's next registration, often for minutes.
    Example:
        binding_lifetime_s: 30 (keep-alive every 60 s)
    Fix:
        raise the UDP/NAT timeout, or set the phones' keep-alive below the lifetime
    """

    id = "VQ310"
    title = "NAT binding lifetime longer than the refresh interval"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "Bindings that expire between refreshes make inbound calls fail until the next registration."
    remediation = (
        "Raise the firewall's UDP idle timeout (see VQ306 for each platform) or shorten the phones' keep-"
        "alive interval below the measured binding lifetime."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        nat = probes.nat
        if nat is None:
            yield probe_not_run("NAT")
            return
        if nat.mapping == "no-nat":
            yield na("no NAT on this link", f"mapping {nat.mapping}")
            return
        life = nat.binding_lifetime_s
        if life is None:
            yield unknown("binding lifetime not measured", f"mapping {nat.mapping}")
            return
        need, what = refresh_interval_s(ctx.voice)
        evidence = f"binding lifetime {life:.0f} s; plan {what} {need} s; RFC 4787 minimum {RFC4787_MIN_BINDING_S} s"
        if nat.binding_lifetime_at_least and life < max(need, RFC4787_MIN_BINDING_S):
            # No binding expired before the probe's cap: the lifetime is at least `life`, not `life`.
            cap = max(need, RFC4787_MIN_BINDING_S)
            yield unknown(f"binding lifetime over {life:.0f} s (probe cap): measure up to {cap} s with "
                          f"`assess probe nat HOST --lifetime-cap {cap}`", evidence)
        elif life < need:
            yield Outcome(Status.FAIL, f"binding lifetime {life:.0f} s < {what} {need} s", evidence)
        elif life < RFC4787_MIN_BINDING_S:
            yield Outcome(Status.WARN, f"binding lifetime {life:.0f} s below RFC 4787's 120 s", evidence)
        else:
            yield Outcome(Status.PASS, f"binding lifetime {life:.0f} s covers the {what}", evidence)


class SipAlgOnPath(LinkRule):
    """No SIP ALG rewrites SIP on the path unless the plan wants one.

    What it does:
        Reads the SIP ALG probe: a message echoed back with rewritten Via/Contact/SDP
        fields shows an ALG somewhere on the path (site firewall or provider CPE).
    Why it matters:
        Whatever the configs say, a rewriting ALG on the path breaks hosted SIP:
        one-way audio, dropped calls after transfer, failed registrations.
    Example:
        sip_alg_detected: true, rewritten: [Via, Contact, c=]
    Fix:
        find and disable the ALG (site firewall, ISP router in front of it)
    """

    id = "VQ311"
    title = "No SIP ALG detected on the path"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "A SIP ALG anywhere on the path rewrites SIP/SDP and breaks hosted voice."
    remediation = (
        "Disable the SIP ALG on the site firewall and on any ISP router in front of it (ask the ISP); then "
        "re-run 'assess probe sip-alg'."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        alg = probes.sip_alg
        if alg is None or alg.sip_alg_detected is None:
            yield unknown("SIP ALG probe not run (or not assessed) on this link")
            return
        changed = ", ".join(alg.rewritten + [f"+{a}" for a in alg.added] + [f"-{d}" for d in alg.dropped])
        detected = "true" if alg.sip_alg_detected else "false"  # as in the probe's JSON (VQ314 writes it so too)
        evidence = f"sip_alg_detected {detected} over {alg.transport}; changed: {changed or 'nothing'}"
        if ctx.voice.sip_alg == "any":
            yield na("the plan accepts either ALG state", evidence)
        elif alg.sip_alg_detected and ctx.voice.sip_alg == "disabled":
            yield Outcome(Status.FAIL, f"SIP ALG on the path rewrote {changed}", evidence)
        elif not alg.sip_alg_detected and ctx.voice.sip_alg == "enabled":
            yield Outcome(Status.WARN, "plan expects an ALG but none rewrote the probe", evidence)
        else:
            yield Outcome(Status.PASS, "SIP crossed the path as the plan expects", evidence)


class SipAlgConfigMatchesPath(SiteRule):
    """The measured SIP ALG agrees with what the device configs say.

    What it does:
        Compares each link's SIP ALG probe result with the SIP ALG state parsed from the
        site's devices on that link's path (a router that is the edge of other links only is
        left out) and reports contradictions.
    Why it matters:
        'ALG active on the path although the firewall config says disabled' means another
        box (often the ISP's router) rewrites SIP: fixing the firewall will not help.
    Example:
        firewall: sip_alg disabled; probe: sip_alg_detected true
    Fix:
        trace the path for another NAT device (ISP CPE) and disable its ALG or bridge it
    """

    id = "VQ312"
    title = "Measured SIP ALG agrees with the configs"
    severity = Severity.MEDIUM
    category = Category.FIREWALL_NAT
    rationale = "An ALG measured on the path but off in the configs points at another device, e.g. the ISP router."
    remediation = (
        "Find the other NAT device between the firewall and the provider (traceroute, ISP router) and disable"
        " its SIP ALG or put it in bridge mode."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        measured = [(p.link, p.sip_alg) for p in ctx.probes if p.sip_alg is not None and p.sip_alg.assessed]
        if not measured or not _alg_states(ctx, None):
            yield unknown("needs both a SIP ALG probe and a parsed SIP ALG state")
            return
        for link, alg in measured:
            # a router that is the edge of other links only is not on this probe's path
            configured = _alg_states(ctx, ctx.link(link))
            if not configured:
                yield replace(unknown("no device on this link's path shows its SIP ALG state"), link=link)
                continue
            conf = ", ".join(f"{k}: {v}" for k, v in configured.items())
            seen = alg.sip_alg_detected
            evidence = f"configs: {conf}\nprobe on {link}: detected {seen}, rewritten: {listed(alg.rewritten)}"
            if seen and "enabled" not in configured.values():
                yield Outcome(
                    Status.FAIL,
                    "ALG active on the path although the firewall config says disabled",
                    evidence,
                    link=link,
                )
            elif not seen and "enabled" in configured.values():
                yield Outcome(
                    Status.WARN, "config enables a SIP ALG but the probe saw no rewriting", evidence, link=link
                )
            else:
                yield Outcome(Status.PASS, "probe and configs agree", evidence, link=link)


def _alg_states(ctx: SiteContext, link: Link | None) -> dict[str, str]:
    """Device name -> parsed SIP ALG state, for the NAT/filtering devices on ``link``'s path (all when None)."""
    return {
        d.name: d.facts.sip_alg
        for d in ctx.devices
        if d.facts and d.facts.sip_alg != "unknown" and nat_or_filter(d.facts) and not off_path(d.facts, link, ctx)
    }


class VoicePortsReachable(LinkRule):
    """SIP and RTP ports cross the firewall/NAT.

    What it does:
        Reads the ports probe and fails when a SIP port (5060/5061) or a sampled port of
        the plan's RTP range was blocked.
    Why it matters:
        A blocked RTP port means one-way or no audio on the calls that pick it; a blocked
        SIP port means no registration at all.
    Example:
        blocked_udp: [5060, 16384]
    Fix:
        permit the blocked ports from the provider (see VQ303/VQ304 per platform)
    """

    id = "VQ313"
    title = "SIP and RTP ports reachable"
    severity = Severity.CRITICAL
    category = Category.FIREWALL_NAT
    rationale = "Blocked SIP ports stop registration; blocked RTP ports give one-way or no audio."
    remediation = "Permit the blocked SIP/RTP ports from the provider on the site firewall."

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        ports = probes.ports
        if ports is None or not (ports.tested_udp or ports.tested_tcp):
            yield probe_not_run("ports")
            return
        lo, hi = ctx.voice.rtp_ports
        voice_udp = [p for p in ports.blocked_udp if p in SIP_PORTS or lo <= p <= hi]
        voice_tcp = [p for p in ports.blocked_tcp if p in SIP_PORTS]
        evidence = (
            f"tested UDP {len(ports.tested_udp)} port(s), blocked: {port_list(ports.blocked_udp)}; "
            f"tested TCP {listed(ports.tested_tcp)}, blocked: {port_list(ports.blocked_tcp)}; plan RTP {lo}-{hi}"
        )
        if voice_udp or voice_tcp:
            message = f"blocked voice ports: UDP {port_list(voice_udp)}; TCP {port_list(voice_tcp)}"
            yield Outcome(Status.FAIL, message, evidence)
        else:
            yield Outcome(Status.PASS, "all tested SIP/RTP ports reachable", evidence)


class LargeSipOverUdp(LinkRule):
    """Large SIP messages survive UDP fragmentation on the path.

    What it does:
        Reads the SIP ALG probe's large-message test (an INVITE-sized message above
        the path MTU sent over UDP).
    Why it matters:
        INVITEs with many codecs or ICE candidates exceed 1300 bytes and fragment;
        firewalls that drop fragments make exactly those calls fail.
    Example:
        large_message_ok: false
    Fix:
        allow IP fragments from the provider, or move SIP to TCP/TLS (RFC 3261 §18.1.1)
    """

    id = "VQ314"
    title = "Large SIP messages pass over UDP"
    severity = Severity.LOW
    category = Category.FIREWALL_NAT
    rationale = "Firewalls dropping UDP fragments make large INVITEs (many codecs, ICE) fail."
    remediation = "Permit IP fragments from the provider's SIP addresses, or use SIP over TCP/TLS."

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        alg = probes.sip_alg
        if alg is None or alg.large_message_ok is None:
            yield unknown("large SIP message not tested on this link")
        elif alg.large_message_ok:
            yield Outcome(Status.PASS, "a fragmented SIP message crossed the path", "large_message_ok true")
        else:
            yield Outcome(Status.WARN, "a fragmented SIP message was lost on the path", "large_message_ok false")
