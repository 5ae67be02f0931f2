"""LAN: the QoS trust boundary sits at the phone port, and only there."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import access_ports, na, names, port_evidence, port_names, voice_ports
from checks.platforms import SWITCHES
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts


class TrustAtPhonePorts(DeviceRule):
    """Phone ports trust the phone's marking.

    What it does:
        Checks each port with a voice VLAN or phone trusts DSCP/CoS or a detected phone.
    Why it matters:
        An untrusting port re-marks the phone's EF media to best effort, so every queue
        behind it (uplinks, WAN) treats voice like bulk data.
    Example:
        interface Gi1/0/5 / switchport voice vlan 110   (mls qos on, no trust)
    Fix:
        mls qos trust device cisco-phone / mls qos trust cos
    """

    id = "VQ105"
    title = "QoS trust at phone ports"
    severity = Severity.HIGH
    category = Category.LAN_QOS
    rationale = "Without trust at the phone port the access switch re-marks voice to best effort."
    platforms = SWITCHES
    remediation = "Trust DSCP (or CoS from a detected phone) on ports where phones connect."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = voice_ports(facts)
        if not ports:
            yield na("no phone or voice-VLAN ports")
            return
        trusted = [p for p in ports if p.trust in ("dscp", "cos", "phone") or p.trust_device_phone]
        untrusted = [p for p in ports if p.trust == "none" and not p.trust_device_phone]
        decided = {id(p) for p in (*trusted, *untrusted)}  # by identity: comparing models is slow on big stacks
        unclear = [p for p in ports if id(p) not in decided]
        if untrusted:
            yield Outcome(
                Status.FAIL,
                f"phone port(s) not trusted: {names(untrusted)}",
                port_evidence(untrusted),
                subjects=port_names(untrusted),
            )
        elif unclear:
            yield Outcome(Status.UNKNOWN, f"trust state not visible on {names(unclear)}", port_evidence(unclear))
        else:
            yield Outcome(Status.PASS, f"all {len(ports)} phone port(s) trust marking", port_evidence(trusted))


class UntrustedDataPorts(DeviceRule):
    """Access ports without a phone do not trust DSCP.

    What it does:
        Flags access ports with no voice VLAN and no phone that trust DSCP or CoS.
    Why it matters:
        A PC on a trusting port can mark its own traffic EF and take the priority queue
        from the phones (a backup or game client is enough to break every call).
    Example:
        interface Gi1/0/20 / switchport access vlan 10 / mls qos trust dscp
    Fix:
        interface Gi1/0/20 / no mls qos trust
    """

    id = "VQ106"
    title = "Data-only ports do not trust DSCP"
    severity = Severity.MEDIUM
    category = Category.LAN_QOS
    rationale = "PCs on trusting ports can mark traffic EF and starve voice in the priority queue."
    platforms = SWITCHES
    remediation = "Do not trust DSCP/CoS on access ports without a phone; re-mark their traffic to default."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        phones = {id(p) for p in voice_ports(facts)}  # the same Port objects, from facts.ports
        data = [p for p in access_ports(facts) if id(p) not in phones]
        if not data:
            yield na("no data-only access ports")
            return
        trusting = [p for p in data if p.trust in ("dscp", "cos")]
        if trusting:
            yield Outcome(
                Status.WARN,
                f"{len(trusting)} data-only port(s) trust DSCP/CoS: {names(trusting)}",
                port_evidence(trusting),
                subjects=port_names(trusting),
            )
        elif all(p.trust == "unknown" for p in data):
            yield Outcome(Status.UNKNOWN, "trust state of data ports not visible", port_evidence(data[:5]))
        else:
            yield Outcome(Status.PASS, f"{len(data)} data-only port(s) do not trust marking", port_evidence(data[:5]))
