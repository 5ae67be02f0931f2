"""Consistency across sites: a site whose voice settings differ from the other sites is reported.

Settings are compared in vendor-neutral form (what the facts mean, not how a vendor spells
them), so an HQ on Cisco and a branch on FortiGate can still be compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from checks.base import Outcome, SiteContext, SiteRule
from checks.common import access_ports, link_for_port, listed, na, nat_or_filter, rule_evidence, unknown, wan_ports
from checks.firewall import fmt_ranges
from checks.qos import (
    SIGNALLING_NAMES,
    describe_policy,
    ef_queue,
    egress_rate_kbps,
    flatten,
    output_policy,
    queue_size_kbps,
    shaper_kbps,
)
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts

NO_EF_QUEUE = "no EF priority queue"


@dataclass(frozen=True)
class Setting:
    """A site's value of one standardised setting and the lines it came from."""

    value: str
    lines: str


def qos_setting(ctx: SiteContext) -> Setting | None:
    """WAN QoS design per WAN egress: EF priority and its share, signalling class, shaping."""
    values: set[str] = set()
    lines: list[str] = []
    for dev in ctx.devices:
        facts = dev.facts
        if facts is None:
            continue
        for port in wan_ports(facts):
            policy = output_policy(facts, port)
            queue = ef_queue(facts, policy) if policy else None
            if policy is None or queue is None:
                values.add(NO_EF_QUEUE)
                continue
            rate = egress_rate_kbps(facts, port, link_for_port(port, ctx, facts))
            size = queue_size_kbps(queue, rate)
            share = f"{100 * size / rate:.0f} %" if size and rate else "unsized"
            sig = any(set(qc.matches) & set(SIGNALLING_NAMES) for qc in flatten(facts, policy))
            shaped = "shaped" if shaper_kbps(facts, port) else "not shaped"
            values.add(f"EF priority {share}, {'signalling class' if sig else 'no signalling class'}, {shaped}")
            lines.append(f"{dev.name} {port.name}:\n{describe_policy(facts, policy)}")
    return Setting("; ".join(sorted(values)), "\n".join(lines) or "(no output policy)") if values else None


def vlan_setting(ctx: SiteContext) -> Setting | None:
    """Voice VLAN ids used on the site's switches ('as planned' when they are the site's planned VLAN)."""
    switches = [d for d in ctx.devices if d.facts is not None and access_ports(d.facts)]
    if not switches:
        return None
    vlans = sorted({v for d in switches if d.facts for v in d.facts.voice_vlans})
    lines = "\n".join(f"{d.name}: voice VLANs {listed(d.facts.voice_vlans)}" for d in switches if d.facts)
    planned = ctx.voice.voice_vlan
    if planned is not None and vlans == [planned]:
        # a plan may give each site its own voice VLAN on purpose; following it is not drift
        return Setting("as planned", f"{lines}\nplan: voice VLAN {planned}")
    return Setting(", ".join(map(str, vlans)) or "none", lines)


def _nat_devices(ctx: SiteContext) -> list[tuple[str, DeviceFacts]]:
    """Devices that NAT or filter (a switch's SIP ALG or UDP timeout means nothing for voice)."""
    return [(d.name, d.facts) for d in ctx.devices if d.facts is not None and nat_or_filter(d.facts)]


def alg_setting(ctx: SiteContext) -> Setting | None:
    """SIP ALG state of the site's NAT/firewall devices."""
    known = [(n, f) for n, f in _nat_devices(ctx) if f.sip_alg != "unknown"]
    if not known:
        return None
    lines = "\n".join(f"{n}: {f.sip_alg} {f.sip_alg_evidence.strip()}".strip() for n, f in known)
    return Setting("/".join(sorted({f.sip_alg for _, f in known})), lines)


def rtp_setting(ctx: SiteContext) -> Setting | None:
    """UDP port ranges the site's firewalls permit for RTP."""
    devices = [d.facts for d in ctx.devices if d.facts is not None and d.facts.firewall_rules]
    if not devices:
        return None
    ranges = sorted({r for f in devices for r in f.rtp_udp_ranges})
    rules = [r for f in devices for r in f.firewall_rules if r.protocol in ("udp", "any") and r.dst_ports]
    # a UDP permit without ports opens every RTP port (VQ302 judges its sources); it is not "no permit"
    every_port = [r for f in devices for r in f.firewall_rules if r.action == "permit" and r.protocol == "udp"
                  and not r.dst_ports]
    value = "all UDP ports" if every_port else fmt_ranges(ranges) or "none"
    return Setting(value, rule_evidence(every_port + rules) or "(no UDP permits)")


def timeout_setting(ctx: SiteContext) -> Setting | None:
    """UDP idle timeouts of the site's NAT/firewall devices."""
    known = [(n, f, f.udp_timeout_s) for n, f in _nat_devices(ctx) if f.udp_timeout_s is not None]
    if not known:
        return None
    lines = "\n".join(f"{n}: {f.evidence.get('udp_timeout_s', '').strip() or t}" for n, f, t in known)
    return Setting(", ".join(f"{t} s" for t in sorted({t for _, _, t in known})), lines)


class _DriftRule(SiteRule):
    """Compare one setting of this site with the other sites of the survey."""

    aspect: ClassVar[str]

    def setting(self, ctx: SiteContext) -> Setting | None:
        """This rule's setting at a site (None when the site has nothing to compare)."""
        raise NotImplementedError

    def planned(self, ctx: SiteContext) -> str | None:
        """The value the plan asks for at this site, when it sets one (the plan beats the majority)."""
        return None

    def comparable(self, setting: Setting) -> bool:
        """False for a value that can never be the standard (e.g. no QoS at all)."""
        return True

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        if not ctx.other_sites:
            yield na("no other site to compare with")
            return
        mine = self.setting(ctx)
        others = {o.site: s for o in ctx.other_sites if (s := self.setting(o)) is not None and self.comparable(s)}
        if mine is None:
            yield unknown(f"{self.aspect} not known at this site")
            return
        if not self.comparable(mine):
            outcome = na(f"{self.aspect}: {mine.value} (judged by its own rule, not compared)", mine.lines)
            yield replace(outcome, compared=((ctx.site, mine.value),))
            return
        if not others:
            yield na(f"no other site has a known {self.aspect}", f"{ctx.site}: {mine.value}")
            return
        # the standard is the value most sites (this one included) use; a tie has no standard
        counts = Counter([mine.value, *(s.value for s in others.values())])
        top = max(counts.values())
        usual = {v for v, n in counts.items() if n == top}
        # the differing sites' own lines go in too, so the report shows both sides of the drift
        evidence = "\n".join(
            [f"{ctx.site} (this site): {mine.value}", mine.lines]
            + [
                f"{site}: {s.value}" + (f"\n{s.lines}" if s.value != mine.value else "")
                for site, s in sorted(others.items())
            ]
        )
        compared = ((ctx.site, mine.value), *((site, s.value) for site, s in sorted(others.items())))
        planned = self.planned(ctx)
        if planned is not None:
            # the plan states the company standard: it beats any majority of sites
            usual = {planned}
        if mine.value in usual and len(usual) == 1:
            differ = [site for site, s in others.items() if s.value != mine.value]
            note = f"; differs at {', '.join(sorted(differ))}" if differ else ""
            text = f"{self.aspect} is the standard one ({mine.value}){note}"
            yield Outcome(Status.PASS, text, evidence, compared=compared)
        else:
            differ = [f"{site}: {s.value!r}" for site, s in sorted(others.items()) if s.value != mine.value]
            plan = f" (plan: {planned!r})" if planned is not None else ""
            others_say = ", ".join(differ) or "the same at every other site"  # all differ from the plan alike
            text = f"{self.aspect} differs: here {mine.value!r}; {others_say}{plan}"
            yield Outcome(Status.WARN, text, evidence, compared=compared)


_DRIFT_FIX = "Bring this site in line with the company standard (or update the standard and every site)."


class QosPolicyDrift(_DriftRule):
    """The WAN QoS design is the same as at the other sites.

    What it does:
        Compares, vendor-neutrally, whether EF gets a priority queue, its share of the
        egress, a signalling class and shaping, against the other sites of the survey.
    Why it matters:
        A branch with a different QoS design behaves differently under load; a call
        between two sites is only as good as the weaker policy.
    Example:
        HQ: EF priority 30 %, signalling class, shaped; branch: no EF priority queue
    Fix:
        apply the standard WAN-EDGE policy template at the odd site
    """

    id = "VQ504"
    title = "QoS policy consistent with other sites"
    severity = Severity.LOW
    category = Category.RESILIENCE
    rationale = "Sites with different QoS designs behave differently under load; calls between them suffer."
    remediation = _DRIFT_FIX
    aspect = "WAN QoS policy"

    def setting(self, ctx: SiteContext) -> Setting | None:
        return qos_setting(ctx)

    def comparable(self, setting: Setting) -> bool:
        # sites without any EF queue fail VQ201; letting them out-vote the sites that have one
        # would flag the well-configured site as the odd one out
        return setting.value != NO_EF_QUEUE


class VoiceVlanDrift(_DriftRule):
    """The voice VLAN numbering is the same as at the other sites.

    What it does:
        Compares the voice VLAN ids in use with those at the other sites.
    Why it matters:
        A consistent voice VLAN lets one DHCP/LLDP/ACL template serve every site; an odd
        one is where provisioning mistakes happen.
    Example:
        HQ and warehouse: 110; branch: 20
    Fix:
        renumber the voice VLAN to the standard at the next change window
    """

    id = "VQ505"
    title = "Voice VLAN scheme consistent with other sites"
    severity = Severity.INFO
    category = Category.RESILIENCE
    rationale = "A common voice VLAN scheme lets one template serve every site."
    remediation = _DRIFT_FIX
    aspect = "voice VLAN"

    def setting(self, ctx: SiteContext) -> Setting | None:
        return vlan_setting(ctx)


class SipAlgDrift(_DriftRule):
    """The SIP ALG state is the same as at the other sites.

    What it does:
        Compares the SIP ALG state of the site's NAT/firewall devices with other sites.
    Why it matters:
        A site that differs is usually one where a firmware upgrade or replacement
        quietly re-enabled the ALG.
    Example:
        HQ: disabled; branch: enabled
    Fix:
        set the ALG to the company standard (see VQ301 for each platform)
    """

    id = "VQ506"
    title = "SIP ALG consistent with other sites"
    severity = Severity.LOW
    category = Category.RESILIENCE
    rationale = "An ALG state differing from other sites often follows a firmware upgrade or swap."
    remediation = _DRIFT_FIX
    aspect = "SIP ALG state"

    def setting(self, ctx: SiteContext) -> Setting | None:
        return alg_setting(ctx)

    def planned(self, ctx: SiteContext) -> str | None:
        return None if ctx.voice.sip_alg == "any" else ctx.voice.sip_alg


class RtpRangeDrift(_DriftRule):
    """The permitted RTP range is the same as at the other sites.

    What it does:
        Compares the UDP ranges the site's firewalls permit with other sites.
    Why it matters:
        Phones are provisioned with one RTP range; a site permitting another range
        has one-way audio on part of its calls.
    Example:
        HQ: 10000-20000; branch: 16384-32767
    Fix:
        align the firewall's RTP range with the standard
    """

    id = "VQ507"
    title = "RTP port range consistent with other sites"
    severity = Severity.LOW
    category = Category.RESILIENCE
    rationale = "Phones use one RTP range everywhere; a site permitting another has one-way audio."
    remediation = _DRIFT_FIX
    aspect = "permitted RTP range"

    def setting(self, ctx: SiteContext) -> Setting | None:
        return rtp_setting(ctx)

    def planned(self, ctx: SiteContext) -> str | None:
        return fmt_ranges([ctx.voice.rtp_ports])


class UdpTimeoutDrift(_DriftRule):
    """The UDP/NAT timeout is the same as at the other sites.

    What it does:
        Compares UDP idle timeouts of the site's NAT/firewall devices with other sites.
    Why it matters:
        Phone keep-alive settings are usually global; a site with a shorter timeout is
        where inbound calls are silently lost.
    Example:
        HQ: 900 s; branch: 30 s
    Fix:
        set the standard UDP timeout (see VQ306 for each platform)
    """

    id = "VQ508"
    title = "UDP timeout consistent with other sites"
    severity = Severity.LOW
    category = Category.RESILIENCE
    rationale = "Keep-alives are global; a site with a shorter UDP timeout loses inbound calls."
    remediation = _DRIFT_FIX
    aspect = "UDP timeout"

    def setting(self, ctx: SiteContext) -> Setting | None:
        return timeout_setting(ctx)
