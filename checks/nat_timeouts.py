"""NAT: UDP bindings outlive the phones' keep-alive / re-registration interval."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import fact_evidence, na, unknown
from checks.platforms import FIREWALLS, STATEFUL_FIREWALLS
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts
from core.plan import Voice

KEEPALIVE_MARGIN = 2  # one lost keep-alive must not close the binding


def refresh_interval_s(voice: Voice) -> tuple[int, str]:
    """How long a NAT binding must live for the phones' refreshes, and why."""
    if voice.keepalive_interval_s:
        return (
            KEEPALIVE_MARGIN * voice.keepalive_interval_s,
            f"2 x keep-alive interval ({voice.keepalive_interval_s} s)",
        )
    return voice.registration_interval_s, "registration interval"


class UdpTimeoutCoversRefresh(DeviceRule):
    """The UDP/NAT idle timeout is at least the keep-alive or registration interval.

    What it does:
        Compares the device's UDP idle timeout with twice ``voice.keepalive_interval_s``
        (one lost keep-alive must not close the binding), or with ``registration_interval_s``
        when phones send no keep-alives.
    Why it matters:
        When the binding expires before the phone refreshes it, inbound calls hit a
        closed pinhole: the phone looks registered but never rings.
    Example:
        ip nat translation udp-timeout 60   (phones re-register every 600 s)
    Fix:
        ip nat translation udp-timeout 900 (or make phones send keep-alives)
    """

    id = "VQ306"
    title = "UDP timeout at least the registration / keep-alive interval"
    severity = Severity.HIGH
    category = Category.FIREWALL_NAT
    rationale = "A UDP binding that expires before the refresh makes inbound calls fail silently."
    platforms = FIREWALLS
    remediation = (
        "Raise the UDP idle timeout above the phones' keep-alive/re-registration interval, or shorten the interval."
    )

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        need, what = refresh_interval_s(ctx.voice)
        timeout = facts.udp_timeout_s
        shown = "not found in the configuration" if timeout is None else f"{timeout} s"
        evidence = fact_evidence(facts, "udp_timeout_s") or f"UDP idle timeout: {shown}"
        evidence += f"\nplan {what}: {need} s"
        # a stateful firewall tracks UDP whatever its policy shows: with no rules in the evidence it is unknown, not n/a
        stateless = facts.platform not in STATEFUL_FIREWALLS
        if timeout is None and facts.nat_enabled is False and not facts.firewall_rules and stateless:
            yield na("device does no NAT or stateful filtering", evidence)
        elif timeout is None:
            yield unknown("UDP idle timeout not visible in the collected evidence", evidence)
        elif timeout < need:
            yield Outcome(Status.FAIL, f"UDP timeout {timeout} s < {what} {need} s", evidence)
        else:
            yield Outcome(Status.PASS, f"UDP timeout {timeout} s >= {what} {need} s", evidence)
