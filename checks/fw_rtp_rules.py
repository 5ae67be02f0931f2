"""Firewall: the RTP range is open to the provider's media, fully, and no wider than needed."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import is_any, listed, rule_evidence, within
from checks.firewall import (
    covered,
    fmt_ranges,
    no_rules_outcome,
    nothing_blocked_outcome,
    open_to_all_outcome,
    permits_into,
    to_provider,
)
from checks.platforms import FIREWALLS
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts, FirewallRule


def rtp_permits(facts: DeviceFacts, ctx: SiteContext) -> list[FirewallRule] | Outcome:
    """The permits touching the plan's RTP range, or the outcome when there are none to judge."""
    if (missing := no_rules_outcome(facts)) is not None:
        return missing
    lo, hi = ctx.voice.rtp_ports
    rtp = permits_into(facts, lo, hi, ctx.voice.provider_media)
    if not rtp:
        return Outcome(Status.NA, f"no permit touches the RTP range {lo}-{hi} (see VQ303)", f"RTP {lo}-{hi}")
    return rtp


def inbound_rtp_permits(rtp: list[FirewallRule] | Outcome, ctx: SiteContext) -> list[FirewallRule]:
    """The RTP permits that let the outside in (not the site's own media going out to the provider)."""
    provider = [*ctx.voice.provider_media, *ctx.voice.provider_sip]
    return [] if isinstance(rtp, Outcome) else [r for r in rtp if not to_provider(r, provider)]


class RtpOpenToProviderOnly(DeviceRule):
    """RTP is permitted from the provider's media addresses, not from anywhere.

    What it does:
        Finds permits that let UDP into the plan's RTP range and checks their sources:
        ``any any`` fails; sources outside ``voice.provider_media`` warn. A device whose
        input and forward filter hooks accept by default with no rule that drops
        (netfilter) fails whatever its permits say: it lets RTP in from every source, as a
        global ``permit ip any any`` does (n/a would read as "nothing exposed").
    Why it matters:
        An RTP range open to the world exposes phones and the PBX to RTP injection
        and floods; scoping it to the provider costs nothing.
    Example:
        access-list OUTSIDE-IN permit udp any any range 10000 20000
    Fix:
        access-list OUTSIDE-IN permit udp object-group PROVIDER-MEDIA any range 10000 20000
    """

    id = "VQ302"
    title = "RTP open to the provider's media addresses, not any-any"
    severity = Severity.MEDIUM
    category = Category.FIREWALL_NAT
    rationale = "An RTP range open to any source exposes phones to RTP injection and floods."
    platforms = FIREWALLS
    remediation = "Restrict RTP permits to the provider's media prefixes."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        rtp = rtp_permits(facts, ctx)
        inbound = inbound_rtp_permits(rtp, ctx)
        if (open_box := open_to_all_outcome(facts, Status.FAIL, "RTP is open to any source", inbound)) is not None:
            yield open_box
            return
        if isinstance(rtp, Outcome):
            yield rtp
            return
        open_all = [r for r in inbound if is_any(r.sources) and is_any(r.destinations)]
        outside = [
            r for r in inbound if ctx.voice.provider_media and within(r.sources, ctx.voice.provider_media) is False
        ]
        if open_all:
            yield Outcome(
                Status.FAIL,
                "RTP permitted from any source to any destination",
                rule_evidence(open_all),
                rules=tuple(open_all),
            )
        elif outside:
            yield Outcome(
                Status.WARN,
                f"RTP permitted from outside the provider's media ({listed(ctx.voice.provider_media)})",
                rule_evidence(outside),
                rules=tuple(outside),
            )
        else:
            yield Outcome(Status.PASS, "RTP permits are scoped by source", rule_evidence(rtp))


class RtpRangeCovered(DeviceRule):
    """Firewall permits cover the plan's whole RTP port range.

    What it does:
        Computes the union of UDP permits that let traffic in and reports any part of
        ``voice.rtp_ports`` no rule covers (a zone policy from inside zones out to an
        outside zone, or an ACL bound ``in`` on an inside interface or ``out`` on the
        outside one, lets nothing in, whatever ports it names). A device whose input and
        forward filter hooks accept by default with no rule that drops (netfilter) blocks
        nothing: n/a.
    Why it matters:
        Phones pick RTP ports anywhere in the range: a half-open range gives one-way
        audio on a fraction of calls, the hardest fault to reproduce.
    Example:
        permit udp ... range 10000 14999   (plan 10000-20000)
    Fix:
        permit udp ... range 10000 20000
    """

    id = "VQ303"
    title = "RTP range fully permitted"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "A partly open RTP range gives one-way audio on some calls only."
    platforms = FIREWALLS
    remediation = "Permit the whole RTP range of the plan (UDP) for voice."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        if (missing := no_rules_outcome(facts)) is not None:
            yield missing
            return
        lo, hi = ctx.voice.rtp_ports
        gaps = covered(facts, lo, hi, ctx.voice.provider_media)
        rtp = permits_into(facts, lo, hi, ctx.voice.provider_media)
        evidence = (rule_evidence(rtp) or "no rule permits UDP in the RTP range") + f"\nplan RTP range {lo}-{hi}"
        if (not rtp or gaps) and (open_box := nothing_blocked_outcome(facts)) is not None:
            yield open_box
        elif not rtp:
            yield Outcome(Status.WARN, f"no rule permits the RTP range {lo}-{hi} (stateful pinholes only)", evidence)
        elif gaps:
            yield Outcome(Status.FAIL, f"RTP ports not permitted: {fmt_ranges(gaps)}", evidence)
        else:
            yield Outcome(Status.PASS, f"RTP range {lo}-{hi} fully permitted", evidence)


class RtpPermitNotWider(DeviceRule):
    """RTP permits are not much wider than the plan's range.

    What it does:
        Flags UDP permits to all ports or to a range more than twice the width of the
        plan's RTP range (e.g. 1024-65535). A device whose input and forward filter hooks
        accept by default with no rule that drops (netfilter) warns whatever its permits
        say: every UDP port is open there.
    Why it matters:
        'Open all high UDP ports for voice' is the classic shortcut that leaves every
        UDP service behind the firewall reachable.
    Example:
        permit udp any any range 1024 65535
    Fix:
        permit udp PROVIDER-MEDIA any range 10000 20000
    """

    id = "VQ308"
    title = "RTP permit no wider than the RTP range"
    severity = Severity.LOW
    category = Category.FIREWALL_NAT
    rationale = "Permitting all high UDP ports for voice exposes every UDP service behind the firewall."
    platforms = FIREWALLS
    remediation = "Permit only the plan's RTP range, not all UDP ports."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        lo, hi = ctx.voice.rtp_ports
        rtp = rtp_permits(facts, ctx)
        # a wide permit from one known host (NTP, the provider) is not an open RTP range
        inbound = inbound_rtp_permits(rtp, ctx)
        every_port = f"every UDP port is open, far beyond the RTP range {lo}-{hi}"
        if (open_box := open_to_all_outcome(facts, Status.WARN, every_port, inbound)) is not None:
            yield open_box
            return
        if isinstance(rtp, Outcome):
            yield rtp
            return
        width = hi - lo + 1
        media = ctx.voice.provider_media
        unscoped = [r for r in inbound if is_any(r.sources) or (media and within(r.sources, media) is False)]
        wide = [
            r
            for r in unscoped
            if not r.dst_ports or any(h - low + 1 > 2 * width for low, h in r.dst_ports if low <= hi and lo <= h)
        ]
        if wide:
            yield Outcome(
                Status.WARN, f"UDP permitted far beyond the RTP range {lo}-{hi}", rule_evidence(wide), rules=tuple(wide)
            )
        else:
            yield Outcome(Status.PASS, f"RTP permits stay within about the range {lo}-{hi}", rule_evidence(rtp))
