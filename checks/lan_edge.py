"""LAN: phone ports are spanning-tree edge ports with storm control."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import na, names, port_evidence, port_names, voice_ports
from checks.platforms import SWITCHES
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts, Port


def _judge(ports: list[Port], flag: str, what: str, bad: Status) -> Outcome:
    off = [p for p in ports if getattr(p, flag) is False]
    unseen = [p for p in ports if getattr(p, flag) is None]
    if off:
        return Outcome(bad, f"no {what} on phone port(s) {names(off)}", port_evidence(off), subjects=port_names(off))
    if unseen:
        return Outcome(Status.UNKNOWN, f"{what} state not visible on {names(unseen)}", port_evidence(unseen))
    return Outcome(Status.PASS, f"{what} on all {len(ports)} phone port(s)", port_evidence(ports))


class PortfastOnPhonePorts(DeviceRule):
    """Phone ports are spanning-tree edge (portfast) ports.

    What it does:
        Checks each phone/voice-VLAN port is configured as an STP edge port.
    Why it matters:
        Without portfast a port waits 30 s (listening/learning) after every link flap or
        phone reboot; phones time out DHCP and show 'no service' for up to a minute.
    Example:
        interface Gi1/0/5 / switchport voice vlan 110   (no spanning-tree portfast)
    Fix:
        interface Gi1/0/5 / spanning-tree portfast / spanning-tree bpduguard enable
    """

    id = "VQ109"
    title = "Portfast (STP edge) on phone ports"
    severity = Severity.LOW
    category = Category.LAN_QOS
    rationale = "Non-edge ports block for 30 s after each flap, so phones lose DHCP and registration."
    platforms = SWITCHES
    remediation = "Make phone ports STP edge ports (portfast) with BPDU guard."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = voice_ports(facts)
        yield _judge(ports, "portfast", "portfast", Status.WARN) if ports else na("no phone ports")


class StormControlOnPhonePorts(DeviceRule):
    """Phone ports have broadcast storm control.

    What it does:
        Checks each phone/voice-VLAN port limits broadcast (storm control).
    Why it matters:
        A loop through a phone's PC port or a misbehaving PC floods the voice VLAN;
        storm control contains it to one port instead of every phone on the switch.
    Example:
        interface Gi1/0/5 / switchport voice vlan 110   (no storm-control)
    Fix:
        interface Gi1/0/5 / storm-control broadcast level 1.00
    """

    id = "VQ110"
    title = "Storm control on phone ports"
    severity = Severity.LOW
    category = Category.LAN_QOS
    rationale = "A broadcast storm from one port disrupts every phone in the voice VLAN."
    platforms = SWITCHES
    remediation = "Limit broadcast/multicast on access ports to about 1 % of line rate."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = voice_ports(facts)
        yield _judge(ports, "storm_control", "storm control", Status.WARN) if ports else na("no phone ports")
