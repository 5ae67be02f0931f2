"""Firewall & NAT: the SIP ALG is in the state the plan wants (and never behind an SBC)."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import na, unknown
from checks.platforms import FIREWALLS
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts


def _alg_evidence(facts: DeviceFacts) -> str:
    return facts.sip_alg_evidence.strip() or f"sip_alg: {facts.sip_alg} (parser kept no ALG lines)"


def _not_nat_device(facts: DeviceFacts) -> bool:
    return facts.sip_alg == "unknown" and facts.nat_enabled is False and not facts.firewall_rules


class SipAlgMatchesPlan(DeviceRule):
    """The SIP ALG is enabled or disabled as the plan says.

    What it does:
        Compares the device's SIP ALG state (IOS ``ip nat service sip``, ASA ``inspect
        sip``, Junos ``security alg sip``, FortiOS session helper/VoIP ALG, PAN-OS ALG,
        MikroTik ``service-port sip``, nftables ``ct helper "sip"``) with ``voice.sip_alg``.
    Why it matters:
        Most SIP trunks and hosted PBXs handle NAT themselves; an ALG that rewrites SIP
        and SDP on top breaks registration, one-way audio and call transfers.
    Example:
        policy-map global_policy / class inspection_default / inspect sip   (plan: disabled)
    Fix:
        no inspect sip
    """

    id = "VQ301"
    title = "SIP ALG state matches the plan"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "An unwanted SIP ALG rewrites SIP/SDP and causes one-way audio and failed registrations."
    platforms = FIREWALLS
    remediation = "Disable the SIP ALG / SIP helper (or enable it if the provider requires it)."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        want = ctx.voice.sip_alg
        evidence = _alg_evidence(facts)
        if want == "any":
            yield na("the plan accepts either ALG state", evidence)
        elif _not_nat_device(facts):
            yield na("device does no NAT or filtering", evidence)
        elif facts.sip_alg == "unknown":
            yield unknown("SIP ALG state not visible in the collected evidence", evidence)
        elif facts.sip_alg != want:
            yield Outcome(Status.FAIL, f"SIP ALG is {facts.sip_alg}, plan wants it {want}", evidence)
        else:
            yield Outcome(Status.PASS, f"SIP ALG {facts.sip_alg} as planned", evidence)


class NoAlgBehindSbc(DeviceRule):
    """No SIP ALG in front of an on-site SBC.

    What it does:
        When the plan has an on-site SBC, checks the firewall does not also run a SIP ALG.
    Why it matters:
        The SBC already fixes NAT in SIP/SDP; an ALG rewriting the same headers again
        (double NAT handling) makes the SBC advertise wrong addresses: one-way or no audio.
    Example:
        voice.sbc: true and  ip nat service sip udp port 5060  active
    Fix:
        no ip nat service sip udp port 5060 (let the SBC do NAT traversal)
    """

    id = "VQ307"
    title = "No SIP ALG in front of the SBC"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "An ALG and an SBC both rewriting SIP/SDP produce wrong media addresses."
    platforms = FIREWALLS
    remediation = "Disable the SIP ALG on every firewall in front of the SBC."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        evidence = _alg_evidence(facts)
        if not ctx.voice.sbc:
            yield na("no on-site SBC in the plan", evidence)
        elif _not_nat_device(facts):
            yield na("device does no NAT or filtering", evidence)
        elif facts.sip_alg == "unknown":
            yield unknown("SIP ALG state not visible; an SBC sits behind this device", evidence)
        elif facts.sip_alg == "enabled":
            yield Outcome(Status.FAIL, "SIP ALG enabled in front of the on-site SBC (double NAT handling)", evidence)
        else:
            yield Outcome(Status.PASS, "SIP ALG disabled; the SBC handles NAT", evidence)
