"""LAN: LLDP-MED network policy and PoE power for the phones."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import fact_evidence, na, names, port_evidence, port_names, voice_ports
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts

# A typical desk phone is IEEE 802.3af class 2 (up to 6.49 W at the PD); 7 W per port leaves
# a little margin for cable loss, as switch vendors' PoE calculators do.
WATTS_PER_PHONE = 7.0
POE_WARN_FRACTION = 0.9


class LldpMedNetworkPolicy(DeviceRule):
    """Phone ports advertise the voice VLAN by LLDP-MED network policy.

    What it does:
        Checks ports with a voice VLAN send the LLDP-MED network-policy TLV.
    Why it matters:
        Non-Cisco phones learn their voice VLAN, CoS and DSCP from LLDP-MED; without it
        they stay untagged in the data VLAN and mark nothing.
    Example:
        interface Gi1/0/5 / switchport voice vlan 110   (no network-policy, lldp med off)
    Fix:
        network-policy profile 1 / voice vlan 110 cos 5 ; interface Gi1/0/5 / network-policy 1
    """

    id = "VQ107"
    title = "LLDP-MED network policy on phone ports"
    severity = Severity.MEDIUM
    category = Category.LAN_QOS
    rationale = "Third-party phones learn voice VLAN and DSCP only from the LLDP-MED network policy."
    platforms = ("cisco_ios", "cisco_xe", "juniper_junos", "arista_eos")
    remediation = "Enable LLDP and LLDP-MED with a network policy (voice VLAN, CoS 5, DSCP 46) on phone ports."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = [p for p in voice_ports(facts) if p.voice_vlan is not None]
        if not ports:
            yield na("no port carries a voice VLAN")
            return
        off = [p for p in ports if p.lldp_med_voice is False]
        unseen = [p for p in ports if p.lldp_med_voice is None]
        if off:
            yield Outcome(
                Status.WARN, f"no LLDP-MED network policy on {names(off)}", port_evidence(off), subjects=port_names(off)
            )
        elif unseen:
            yield Outcome(Status.UNKNOWN, f"LLDP-MED state not visible on {names(unseen)}", port_evidence(unseen))
        else:
            yield Outcome(Status.PASS, f"LLDP-MED network policy on {len(ports)} port(s)", port_evidence(ports))


class PoeBudgetForPhones(DeviceRule):
    """The switch's PoE budget powers every phone port.

    What it does:
        Compares the PoE budget with 7 W per phone port and with the power in use.
    Why it matters:
        When the budget runs out the switch denies power to the last phones plugged in
        (often after a reboot, on cutover day), and they stay dark.
    Example:
        48 phone ports x 7 W = 336 W needed, budget 195 W
    Fix:
        add a power supply / use a PoE+ switch, or set power inline priorities
    """

    id = "VQ108"
    title = "PoE budget covers the phones"
    severity = Severity.MEDIUM
    category = Category.LAN_QOS
    rationale = "An exhausted PoE budget leaves phones unpowered, typically after a reload."
    platforms = ("cisco_ios", "cisco_xe", "juniper_junos", "arista_eos")
    remediation = "Give the switch enough PoE power for every phone (7 W each) plus margin, or add a PSU."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        phones = [p for p in voice_ports(facts) if p.poe is not False]
        if not phones:
            yield na("no phone ports needing PoE")
            return
        if facts.poe_budget_w is None:
            yield Outcome(
                Status.UNKNOWN, f"{len(phones)} phone port(s) but PoE budget not collected", port_evidence(phones)
            )
            return
        need = len(phones) * WATTS_PER_PHONE
        used = facts.poe_used_w
        evidence = fact_evidence(facts, "poe_budget_w", "poe_used_w") or (
            f"budget {facts.poe_budget_w} W, used {used if used is not None else '?'} W, "
            f"{len(phones)} phone port(s) x {WATTS_PER_PHONE} W = {need:.0f} W"
        )
        if facts.poe_budget_w < need:
            yield Outcome(
                Status.FAIL,
                f"PoE budget {facts.poe_budget_w:.0f} W < {need:.0f} W needed",
                evidence,
                subjects=port_names(phones),
            )
        elif used is not None and used > POE_WARN_FRACTION * facts.poe_budget_w:
            yield Outcome(
                Status.WARN,
                f"PoE {used:.0f} of {facts.poe_budget_w:.0f} W in use (>90 %)",
                evidence,
                subjects=port_names(phones),
            )
        else:
            yield Outcome(Status.PASS, f"PoE budget {facts.poe_budget_w:.0f} W covers {need:.0f} W", evidence)
