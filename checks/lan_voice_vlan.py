"""LAN: phones in a dedicated voice VLAN that matches the plan and exists."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from checks.common import (
    access_ports,
    fact_evidence,
    has_phone,
    lldp_phone_ports,
    na,
    names,
    port_evidence,
    port_names,
    unknown,
    voice_ports,
)
from checks.platforms import SWITCHES
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts


class VoiceVlanOnPhonePorts(DeviceRule):
    """Every port with a phone carries a voice VLAN.

    What it does:
        Finds access ports with a phone (LLDP/CDP neighbour or port flag) or with PoE
        enabled and checks each has a voice VLAN.
    Why it matters:
        A phone left in the data VLAN shares queues and broadcast domain with PCs, gets
        no CoS/DSCP treatment from the access switch and often the wrong DHCP options.
    Example:
        interface Gi1/0/5 / switchport access vlan 10   (phone seen by LLDP, no voice VLAN)
    Fix:
        interface Gi1/0/5 / switchport voice vlan 110
    """

    id = "VQ101"
    title = "Voice VLAN on phone ports"
    severity = Severity.HIGH
    category = Category.LAN_QOS
    rationale = "Phones outside a voice VLAN get no QoS treatment and share the PCs' broadcast domain."
    platforms = SWITCHES
    remediation = "Configure the voice VLAN on every access port that has (or will have) an IP phone."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = access_ports(facts)
        if not ports:
            yield na("no access ports on this device")
            return
        # a PoE port counts unless LLDP/CDP showed it is not a phone (AP, camera, printer)
        phones = lldp_phone_ports(facts)
        candidates = [p for p in ports if has_phone(facts, p, phones) or (p.poe and p.phone_attached is not False)]
        if not candidates:
            if all(p.poe is None and p.phone_attached is None for p in ports) and not facts.lldp_neighbors:
                yield unknown("cannot tell which access ports have phones (no LLDP, PoE or phone data)")
            else:
                yield na("no access port with a phone or PoE")
            return
        missing = [p for p in candidates if p.voice_vlan is None]
        if missing:
            yield Outcome(
                Status.FAIL,
                f"{len(missing)} of {len(candidates)} phone/PoE port(s) have no voice VLAN: {names(missing)}",
                port_evidence(missing),
                subjects=port_names(missing),
            )
        else:
            yield Outcome(
                Status.PASS, f"all {len(candidates)} phone/PoE port(s) carry a voice VLAN", port_evidence(candidates)
            )


class VoiceVlanMatchesPlan(DeviceRule):
    """The voice VLAN on the ports is the one in the plan.

    What it does:
        Compares each port's voice VLAN with ``voice.voice_vlan`` of the plan.
    Why it matters:
        A port in another VLAN puts phones in a subnet without the voice DHCP scope,
        ACLs and QoS policies built for the plan's voice VLAN.
    Example:
        switchport voice vlan 120   (plan says 110)
    Fix:
        switchport voice vlan 110
    """

    id = "VQ102"
    title = "Voice VLAN matches the plan"
    severity = Severity.MEDIUM
    category = Category.LAN_QOS
    rationale = "Phones in an unplanned VLAN miss the voice DHCP scope, ACLs and QoS built for the voice VLAN."
    platforms = SWITCHES
    remediation = "Set the voice VLAN on phone ports to the plan's voice VLAN (or correct the plan)."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        want = ctx.voice.voice_vlan
        ports = [p for p in voice_ports(facts) if p.voice_vlan is not None]
        if want is None:
            yield na("the plan sets no voice VLAN")
        elif not ports:
            yield na("no port carries a voice VLAN")
        else:
            wrong = [p for p in ports if p.voice_vlan != want]
            if wrong:
                seen = sorted({p.voice_vlan for p in wrong if p.voice_vlan is not None})
                yield Outcome(
                    Status.FAIL,
                    f"{len(wrong)} port(s) use voice VLAN {seen}, plan says {want}: {names(wrong)}",
                    port_evidence(wrong),
                    subjects=port_names(wrong),
                )
            else:
                yield Outcome(Status.PASS, f"all {len(ports)} voice port(s) use VLAN {want}", port_evidence(ports))


class VoiceVlanDefined(DeviceRule):
    """The voice VLAN configured on ports exists on the switch.

    What it does:
        Checks every voice VLAN id used on a port is defined in the VLAN database.
    Why it matters:
        A voice VLAN that was never created is not forwarded: phones get CDP/LLDP
        instructions to tag into a VLAN that goes nowhere and never register.
    Example:
        switchport voice vlan 110   (no 'vlan 110' defined)
    Fix:
        vlan 110 / name VOICE
    """

    id = "VQ103"
    title = "Voice VLAN exists on the switch"
    severity = Severity.HIGH
    category = Category.LAN_QOS
    rationale = "A voice VLAN that is not created (or not allowed) black-holes the phones' tagged traffic."
    platforms = SWITCHES
    remediation = "Create the voice VLAN on the switch and allow it on the uplink trunks."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        used = facts.voice_vlans
        if not used:
            yield na("no port carries a voice VLAN")
            return
        if not facts.vlans:
            yield unknown(f"voice VLAN(s) {used} in use but the VLAN list was not collected")
            return
        defined = {v.id for v in facts.vlans}
        missing = [v for v in used if v not in defined]
        evidence = fact_evidence(facts, "vlans") or ", ".join(f"vlan {v.id} {v.name}".strip() for v in facts.vlans)
        if missing:
            yield Outcome(
                Status.FAIL,
                f"voice VLAN(s) {missing} used on ports but not defined",
                evidence,
                subjects=tuple(str(v) for v in missing),
            )
        else:
            yield Outcome(Status.PASS, f"voice VLAN(s) {used} defined", evidence)


class VoiceVlanDistinctFromData(DeviceRule):
    """The voice VLAN differs from the port's data (access) VLAN.

    What it does:
        Flags ports whose voice VLAN equals their access VLAN.
    Why it matters:
        With the same VLAN for both, phones and PCs share one broadcast domain and
        802.1p priority is lost on the untagged frames; it defeats the voice VLAN.
    Example:
        switchport access vlan 10 / switchport voice vlan 10
    Fix:
        switchport voice vlan 110   (a dedicated voice VLAN)
    """

    id = "VQ104"
    title = "Voice VLAN separate from the data VLAN"
    severity = Severity.MEDIUM
    category = Category.LAN_QOS
    rationale = "A voice VLAN equal to the data VLAN gives no separation and no 802.1p tagging for voice."
    platforms = SWITCHES
    remediation = "Use a dedicated voice VLAN, different from the data VLAN of the port."

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        ports = [p for p in voice_ports(facts) if p.voice_vlan is not None]
        if not ports:
            yield na("no port carries a voice VLAN")
            return
        same = [p for p in ports if p.access_vlan is not None and p.access_vlan == p.voice_vlan]
        if same:
            yield Outcome(
                Status.FAIL,
                f"voice VLAN equals data VLAN on {names(same)}",
                port_evidence(same),
                subjects=port_names(same),
            )
        else:
            yield Outcome(Status.PASS, f"voice VLAN separate on {len(ports)} port(s)", port_evidence(ports))
