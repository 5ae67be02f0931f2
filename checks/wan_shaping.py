"""WAN QoS: sub-rate links are shaped to the contracted rate so the queues engage."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import link_for_port, na, wan_ports
from checks.platforms import WAN_QOS
from checks.qos import qos_evidence, shaper_kbps
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts

OVERSHOOT = 1.02  # a shaper within 2 % above the contract is rounding, not a problem
UNDERSHOOT = 0.80  # below this the site pays for bandwidth it never uses


class ShapeToContractedRate(DeviceRule):
    """A WAN port faster than its contract shapes to the contracted rate.

    What it does:
        When the interface speed exceeds the link's contracted upload rate, checks an
        egress shaper exists and is at (not above) the contracted rate.
    Why it matters:
        On a 1 Gbit/s port with a 20 Mbit/s contract the router never sees congestion;
        the provider's policer drops packets blindly and the priority queue never engages.
    Example:
        interface Gi0/0 (1000 Mbit/s), link contracted 20 Mbit/s, no shape average
    Fix:
        policy-map SHAPE / class class-default / shape average 19000000 / service-policy WAN-EDGE
    """

    id = "VQ207"
    title = "Shaping to the contracted rate on sub-rate links"
    severity = Severity.HIGH
    category = Category.WAN_QOS
    rationale = "Without a shaper on a sub-rate link the provider drops voice blindly and LLQ never engages."
    platforms = WAN_QOS
    remediation = "Shape WAN egress to (just under) the contracted upload rate, with the voice policy inside it."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = wan_ports(facts)
        if not ports:
            yield na("no WAN interface on this device")
        for port in ports:
            link = link_for_port(port, ctx, facts)
            shaped = shaper_kbps(facts, port)
            evidence = qos_evidence(facts, port)
            if link is None:
                yield Outcome(Status.UNKNOWN, f"{port.name}: cannot tell which planned link it serves", evidence)
                continue
            contract = link.contracted_up_mbps * 1000
            evidence += f"\nlink {link.name}: contracted up {contract:.0f} kbit/s, port speed "
            evidence += f"{port.bandwidth_kbps or '?'} kbit/s, shaper {shaped or 'none'}"
            if shaped is not None and shaped > contract * OVERSHOOT:
                yield Outcome(
                    Status.FAIL,
                    f"{port.name}: shaped to {shaped} kbit/s above the {contract:.0f} contract",
                    evidence,
                    subjects=(port.name,),
                )
            elif shaped is not None and shaped < contract * UNDERSHOOT:
                yield Outcome(
                    Status.WARN,
                    f"{port.name}: shaped to {shaped} kbit/s, well under {contract:.0f}",
                    evidence,
                    subjects=(port.name,),
                )
            elif shaped is not None:
                yield Outcome(
                    Status.PASS, f"{port.name}: shaped to {shaped} kbit/s (contract {contract:.0f})", evidence
                )
            elif port.bandwidth_kbps is None:
                yield Outcome(Status.UNKNOWN, f"{port.name}: no shaper and interface speed unknown", evidence)
            elif port.bandwidth_kbps > contract * OVERSHOOT:
                yield Outcome(
                    Status.FAIL,
                    f"{port.name}: {port.bandwidth_kbps} kbit/s port, {contract:.0f} contract, no shaper",
                    evidence,
                    subjects=(port.name,),
                )
            else:
                yield Outcome(Status.PASS, f"{port.name}: port speed matches the contract, no shaper needed", evidence)
