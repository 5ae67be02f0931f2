"""Merge operational show outputs (switchport, trust, LLDP, PoE) into config-derived ports.

The running config wins; show outputs fill what the config leaves open
(operational mode, ports missing from a partial config) and add what only the
device knows (neighbours, PoE draw).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.models.facts import DeviceFacts, Port
from platforms.parsers import cisco_show


def _port(facts: DeviceFacts, name: str, index: dict[str, Port]) -> Port:
    """The port called ``name``, added when only show outputs know it."""
    if name not in index:
        index[name] = Port(name=name, evidence="(seen in show outputs only)")
        facts.ports.append(index[name])
    return index[name]


def merge_show_outputs(facts: DeviceFacts, outputs: Mapping[str, str], platform: str, switchport_cmd: str) -> None:
    """Apply switchport, mls qos, LLDP and PoE outputs to ``facts``."""
    warnings = facts.parse_warnings
    index = {p.name: p for p in facts.ports}
    for name, state in cisco_show.switchports(
        platform, switchport_cmd, outputs.get(switchport_cmd, ""), warnings
    ).items():
        port = _port(facts, name, index)
        if port.mode == "unknown":
            port.mode = state.mode  # type: ignore[assignment]
        if port.access_vlan is None and port.mode == "access":
            port.access_vlan = state.access_vlan
        port.voice_vlan = port.voice_vlan if port.voice_vlan is not None else state.voice_vlan
    for name, (trust, phone) in cisco_show.mls_qos_trust(outputs.get("show mls qos interface", "")).items():
        port = _port(facts, name, index)
        if port.trust == "unknown":
            port.trust = trust  # type: ignore[assignment]
        port.trust_device_phone = port.trust_device_phone or phone
    lldp_text = outputs.get("show lldp neighbors detail", "")
    facts.lldp_neighbors = cisco_show.lldp_neighbors(platform, lldp_text, warnings)
    poe_text = outputs.get("show power inline", "")
    poe = cisco_show.power_inline(poe_text, warnings)
    facts.poe_budget_w, facts.poe_used_w = poe.budget_w, poe.used_w
    if poe.budget_w is not None:
        facts.evidence["poe"] = f"show power inline: available {poe.budget_w} W, used {poe.used_w} W"
    for name in poe.enabled:  # poe = the port is delivering power now (admin auto alone is no phone port)
        port = _port(facts, name, index)
        port.poe = port.poe is not False and name in poe.powered
    mark_phones(facts, bool(lldp_text.strip()), poe.powered)


def mark_phones(facts: DeviceFacts, have_lldp: bool, powered: dict[str, str]) -> None:
    """Set phone_attached from LLDP Telephone neighbours and PoE devices named as phones."""
    phone_ports = {n.local_port for n in facts.lldp_neighbors if n.is_phone}
    phone_ports |= {name for name, device in powered.items() if "phone" in device.lower()}
    for port in facts.ports:
        if port.name in phone_ports:
            port.phone_attached = True
        elif have_lldp and port.mode == "access":
            port.phone_attached = False
