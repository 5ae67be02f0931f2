"""Firewall: SIP is reachable only from the provider, on TLS 5061 when the plan says TLS."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import is_any, listed, na, rule_evidence, within
from checks.firewall import (
    InterfaceSides,
    interface_sides,
    leaves_for_outside,
    no_rules_outcome,
    nothing_blocked_outcome,
    open_to_all_outcome,
    opens_all_udp_inbound,
    to_provider,
)
from checks.platforms import FIREWALLS
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts, FirewallRule
from core.service_ports import SIP_PORT, SIP_PORTS, SIPS_PORT


def _sip_rules(facts: DeviceFacts, *ports: int) -> list[FirewallRule]:
    """Permits letting in the SIP ``ports`` by name, and inbound port-less ``permit ip|udp any ...`` entries (SIP
    gets in too)."""
    sides = interface_sides(facts)
    return [r for r in facts.firewall_rules if any(_lets_sip_in(r, sides, port) for port in ports)]


def _lets_sip_in(rule: FirewallRule, sides: InterfaceSides, port: int) -> bool:
    if leaves_for_outside(rule, sides):
        return False  # the PBX reaching the provider: nothing gets in by it
    return bool(rule.dst_ports and (rule.permits_udp_port(port) or rule.permits_tcp_port(port))) or (
        opens_all_udp_inbound(rule, sides)
    )


class SipFromProviderOnly(DeviceRule):
    """SIP (5060/5061) is permitted only from the provider's signalling addresses.

    What it does:
        Finds permits to 5060/5061 and checks their sources: ``any`` fails; sources
        outside ``voice.provider_sip`` warn. A device whose input and forward filter hooks
        accept by default with no rule that drops (netfilter) fails whatever its permits
        say: it lets SIP in from every source, as a global ``permit ip any any`` does
        (n/a would read as "nothing exposed").
    Why it matters:
        SIP open to the Internet is scanned within minutes (friendly-scanner, sipvicious);
        toll fraud through a PBX behind it is the costliest VoIP incident there is.
    Example:
        access-list OUTSIDE-IN permit udp any host 192.0.2.10 eq 5060
    Fix:
        access-list OUTSIDE-IN permit udp object-group PROVIDER-SIP host 192.0.2.10 eq 5060
    """

    id = "VQ304"
    title = "SIP restricted to the provider's addresses"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "SIP open to any source invites scanning, registration hijack and toll fraud."
    platforms = FIREWALLS
    remediation = "Permit SIP only from the provider's signalling prefixes; drop SIP from everywhere else."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        sip = _sip_rules(facts, *SIP_PORTS)
        inbound = [r for r in sip if not to_provider(r, [*ctx.voice.provider_sip, *ctx.voice.provider_media])]
        if (open_box := open_to_all_outcome(facts, Status.FAIL, "SIP is open to any source", inbound)) is not None:
            yield open_box
            return
        if (missing := no_rules_outcome(facts)) is not None:
            yield missing
            return
        if not sip:
            yield na("no rule permits SIP")
            return
        open_any = [r for r in inbound if is_any(r.sources)]
        outside = [r for r in inbound if ctx.voice.provider_sip and within(r.sources, ctx.voice.provider_sip) is False]
        if open_any:
            yield Outcome(Status.FAIL, "SIP permitted from any source", rule_evidence(open_any), rules=tuple(open_any))
        elif outside:
            message = f"SIP permitted from outside the provider's addresses ({listed(ctx.voice.provider_sip)})"
            yield Outcome(Status.WARN, message, rule_evidence(outside), rules=tuple(outside))
        else:
            yield Outcome(Status.PASS, "SIP permits are scoped to known sources", rule_evidence(sip))


class SipTlsPermitted(DeviceRule):
    """TCP 5061 (SIP over TLS) is permitted when the plan uses TLS.

    What it does:
        With ``voice.sip_transport: tls``, checks a rule permits TCP 5061.
    Why it matters:
        With TLS signalling, 5060 rules are irrelevant; a firewall that only opens 5060
        blocks every registration on cutover day.
    Example:
        permit udp ... eq 5060   (plan: tls)
    Fix:
        permit tcp PROVIDER-SIP any eq 5061
    """

    id = "VQ305"
    title = f"SIP over TLS (TCP {SIPS_PORT}) permitted when the plan uses TLS"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = f"TLS signalling needs TCP {SIPS_PORT}; a firewall opening only {SIP_PORT} blocks registration."
    platforms = FIREWALLS
    remediation = f"Permit TCP {SIPS_PORT} from the provider's signalling addresses when SIP runs over TLS."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        if ctx.voice.sip_transport != "tls":
            yield na(f"plan uses SIP over {ctx.voice.sip_transport}")
            return
        if (missing := no_rules_outcome(facts)) is not None:
            yield missing
            return
        tls = [r for r in facts.firewall_rules if r.dst_ports and r.permits_tcp_port(SIPS_PORT)]
        if tls:
            yield Outcome(Status.PASS, f"TCP {SIPS_PORT} permitted", rule_evidence(tls))
        elif (open_box := nothing_blocked_outcome(facts)) is not None:
            yield open_box
        else:
            yield Outcome(
                Status.FAIL,
                f"plan uses TLS but no rule permits TCP {SIPS_PORT}",
                rule_evidence(_sip_rules(facts, SIP_PORT)) or f"no rule permits TCP {SIPS_PORT}",
            )
