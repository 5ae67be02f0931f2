"""Cisco/Arista ``show`` command outputs to facts, via ntc-templates where a template fits.

Templates used: ``show interfaces switchport`` (IOS), ``show interface
switchport`` (NX-OS), ``show lldp neighbors detail`` (IOS, NX-OS) and ``show
power inline`` (IOS). Hand-parsed, with the reason:
- the PoE budget line (``Available:370.0(w) Used:45.6(w)`` or the module table):
  the ntc template skips it;
- ``show mls qos interface``: no ntc template exists;
- EOS ``show lldp neighbors detail``: its template drops the capabilities we need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models.facts import LldpNeighbor
from platforms.parsers.cisco_common import canonical


@dataclass
class SwitchportState:
    """Operational switchport data of one interface."""

    mode: str
    access_vlan: int | None
    voice_vlan: int | None


def textfsm_rows(platform: str, command: str, text: str, warnings: list[str]) -> list[dict[str, object]]:
    """Rows of an ntc-templates parse; a template failure becomes a warning, never an exception."""
    if not text.strip():
        return []
    from ntc_templates.parse import parse_output  # textfsm only when there are show outputs to read

    try:
        rows = parse_output(platform=platform, command=command, data=text)
    except Exception as exc:  # textfsm raises its own error types on unexpected lines
        warnings.append(f"{command}: could not parse output ({type(exc).__name__})")
        return []
    return [{str(k).upper(): v for k, v in r.items()} for r in rows if isinstance(r, dict)]


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and 1 <= int(text) <= 4094 else None


def switchports(platform: str, command: str, text: str, warnings: list[str]) -> dict[str, SwitchportState]:
    """Interface -> operational switchport mode/VLANs."""
    states: dict[str, SwitchportState] = {}
    for row in textfsm_rows(platform, command, text, warnings):
        mode_text = str(row.get("MODE") or "").lower()
        if mode_text in ("", "down"):
            mode_text = str(row.get("ADMIN_MODE") or "").lower()
        mode = "trunk" if "trunk" in mode_text else "access" if "access" in mode_text else "unknown"
        states[canonical(str(row.get("INTERFACE", "")))] = SwitchportState(
            mode=mode, access_vlan=_int(row.get("ACCESS_VLAN")), voice_vlan=_int(row.get("VOICE_VLAN"))
        )
    return states


def _is_phone(capabilities: list[str], description: str) -> bool:
    caps = {c.strip().lower() for c in capabilities}
    return bool(caps & {"t", "telephone", "phone"}) or "phone" in description.lower()


def lldp_neighbors(platform: str, text: str, warnings: list[str]) -> list[LldpNeighbor]:
    """LLDP neighbours; a phone is a neighbour advertising the Telephone capability."""
    if platform == "arista_eos":
        return eos_lldp_neighbors(text)
    found: list[LldpNeighbor] = []
    for row in textfsm_rows(platform, "show lldp neighbors detail", text, warnings):
        caps = [c for c in re.split(r"[,\s]+", str(row.get("CAPABILITIES") or "")) if c]
        desc = str(row.get("NEIGHBOR_DESCRIPTION") or "")
        found.append(
            LldpNeighbor(
                local_port=canonical(str(row.get("LOCAL_INTERFACE", ""))),
                system_name=str(row.get("NEIGHBOR_NAME") or ""),
                capabilities=caps,
                is_phone=_is_phone(caps, desc),
            )
        )
    return found


def eos_lldp_neighbors(text: str) -> list[LldpNeighbor]:
    """EOS ``show lldp neighbors detail`` blocks (``Interface EthernetN detected ...``)."""
    found: list[LldpNeighbor] = []
    for block in re.split(r"(?m)^(?=Interface\s+\S+\s+detected)", text):
        port = re.match(r"Interface\s+(\S+)\s+detected\s+[1-9]", block)
        if port is None:
            continue
        name = re.search(r'System Name:\s+"?([^"\n]*)"?', block)
        caps = re.search(r"Enabled Capabilities:\s*(.*)", block)
        desc = re.search(r'System Description:\s+"?([^"\n]*)', block)
        cap_list = [c for c in re.split(r"[,\s]+", caps.group(1) if caps else "") if c]
        found.append(
            LldpNeighbor(
                local_port=canonical(port.group(1)),
                system_name=name.group(1).strip() if name else "",
                capabilities=cap_list,
                is_phone=_is_phone(cap_list, desc.group(1) if desc else ""),
            )
        )
    return found


@dataclass
class PoeState:
    """PoE budget and the ports drawing power."""

    budget_w: float | None
    used_w: float | None
    powered: dict[str, str]  # interface -> device column (e.g. "IP Phone 8845")
    enabled: dict[str, bool]


def power_inline(text: str, warnings: list[str]) -> PoeState:
    """``show power inline``: per-port state via ntc-templates, totals by hand (no template field)."""
    state = PoeState(None, None, {}, {})
    if not text.strip():  # not collected: nothing to compile the patterns for (start-up)
        return state
    compact = re.search(r"Available:\s*([\d.]+)\s*\(w\)\s+Used:\s*([\d.]+)\s*\(w\)", text)
    modules = re.findall(r"(?m)^\s*\d+\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s*$", text)
    if compact:
        state.budget_w, state.used_w = float(compact.group(1)), float(compact.group(2))
    elif modules:
        state.budget_w = round(sum(float(a) for a, _ in modules), 1)
        state.used_w = round(sum(float(u) for _, u in modules), 1)
    for row in textfsm_rows("cisco_ios", "show power inline", text, warnings):
        port = canonical(str(row.get("INTERFACE", "")))
        state.enabled[port] = str(row.get("ADMIN_STATUS", "")).lower() != "off"
        if str(row.get("OPERATIONAL_STATUS", "")).lower() == "on":
            state.powered[port] = str(row.get("DEVICE") or "")
    return state


def mls_qos_trust(text: str) -> dict[str, tuple[str, bool]]:
    """``show mls qos interface``: interface -> (trust state, trusts a Cisco phone)."""
    found: dict[str, tuple[str, bool]] = {}
    if not text.strip():  # not collected: nothing to compile the patterns for (start-up)
        return found
    for block in re.split(r"(?m)^(?=[A-Z][A-Za-z-]*\d\S*\s*$)", text):
        head = re.match(r"([A-Z][A-Za-z-]*\d\S*)\s*$", block.split("\n", 1)[0])
        trust = re.search(r"trust state:\s*(.+)", block)
        if head is None or trust is None:
            continue
        state = trust.group(1).strip().lower()
        value = "dscp" if "dscp" in state else "cos" if "cos" in state else "none"
        device = re.search(r"Trust device:\s*(\S+)", block)
        found[canonical(head.group(1))] = (value, bool(device and "phone" in device.group(1)))
    return found
