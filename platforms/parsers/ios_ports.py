"""IOS / IOS-XE interface blocks to vendor-neutral ports.

Hand-written over indentation-tree blocks (config_tree.py): the voice-relevant interface
settings (voice VLAN, trust, PoE, LLDP-MED, portfast, storm-control, NAT side)
are single keyword lines, and their *defaults* (which differ between classic
IOS with ``mls qos`` and IOS-XE Catalyst) need the judgement written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.models.facts import PolicyAttachment, Port, Trust
from platforms.parsers.cisco_acl import interface_acls
from platforms.parsers.cisco_common import first_match, interface_speed_kbps
from platforms.parsers.cisco_mqc import interface_attachments
from platforms.parsers.unread import unread_lines

WAN_WORDS = re.compile(r"\b(wan|isp|internet|provider|carrier|mpls|dia|broadband|uplink to isp)\b", re.I)
# Interface types that face a provider whenever they carry an address (serial/ATM/DSL/LTE links, dialers,
# tunnels over the Internet such as DMVPN or IPsec VTIs).
WAN_TYPES = re.compile(r"^(Serial|ATM|Dialer|Cellular|Multilink|Virtual-PPP|BRI|Tunnel)\d", re.I)
ROUTED_ADDRESS = r"^(ip address \S|ip unnumbered |ipv6 address |pppoe-client |dialer pool-member )"
PHYSICAL = re.compile(
    r"^(Gigabit|TenGigabit|TwentyFiveGig|FortyGigabit|HundredGig|Fast|TwoGigabit|FiveGigabit)?Ethernet"
)


# Interface commands of the voice-relevant families (QoS policy, trust, voice VLAN, egress queue, PoE), and the
# forms of them the parser reads or knows to carry nothing more; another line of those families is one it
# did not understand (a typo such as `mls qos trust dcsp`, or syntax it does not support).
VOICE_FAMILIES = re.compile(
    r"(service-policy|switchport\s+voice|mls\s+qos|qos\s+trust|auto\s+qos|trust\s+device|priority-queue"
    r"|power\s+inline)\b"
)
VOICE_FORMS = re.compile(
    r"service-policy(\s+type\s+\S+)?\s+(input|output)\s+\S+$|service-policy\s+type\s+control\s+subscriber\s+\S+$"
    r"|switchport\s+voice\s+(vlan\s+(\d+|dot1p|none|untagged|name\s+\S+)|detect\s+cisco-phone(\s+full-duplex)?)$"
    r"|(mls\s+)?qos\s+trust\s+(dscp|cos|ip-precedence|device\s+\S+|extend(\s+cos\s+\d)?)$"
    r"|mls\s+qos\s+(vlan-based|cos\s+(\d|override)|dscp-mutation\s+\S+|monitor\b.*)$"
    r"|auto\s+qos\s+(voip(\s+(cisco-phone|cisco-softphone|trust))?|trust(\s+(dscp|cos))?|video\b.*|classify\b.*)$"
    r"|trust\s+device\s+\S+$"
    r"|priority-queue\s+out$"
    r"|power\s+inline\s+(never|auto|static|consumption|police|port|perpetual-poe-ha|max|four-pair)\b"
)


def interface_unread(lines: list[str]) -> list[str]:
    """The voice-relevant lines of one interface block that the parser did not understand."""
    return [line for line in unread_lines(lines, VOICE_FORMS) if VOICE_FAMILIES.match(line)]


@dataclass(frozen=True)
class IosContext:
    """Device-wide settings that change what an interface's silence means."""

    is_xe: bool = False
    is_switch: bool = False
    mls_qos: bool = False
    whole_config: bool = False  # a complete config: a missing global line means its default
    portfast_default: bool = False
    lldp_run: bool = False


@dataclass
class InterfaceResult:
    """A port plus what else its block declared."""

    port: Port
    attachments: list[PolicyAttachment] = field(default_factory=list)
    acls: list[tuple[str, str]] = field(default_factory=list)  # (acl, "<iface> in|out")


def port_mode(name: str, lines: list[str], ctx: IosContext) -> str:
    """access / trunk / routed / unknown, from explicit lines first."""
    if m := first_match(lines, r"^switchport mode (access|trunk)"):
        return m.group(1)
    if first_match(lines, r"^switchport (access|voice) vlan \d") and not first_match(lines, r"^no switchport$"):
        return "access"  # a switchport with an access/voice VLAN and no mode line: dynamic, ends up access
    if first_match(lines, r"^no switchport$") or not PHYSICAL.match(name) or not ctx.is_switch:
        return "routed"
    if first_match(lines, r"^ip address \d"):
        return "routed"
    return "unknown"


def port_trust(lines: list[str], mode: str, ctx: IosContext) -> tuple[Trust, bool, str]:
    """(trust, trusts a Cisco phone, evidence note) from trust lines or the platform default."""
    phone = bool(first_match(lines, r"^(mls qos )?trust device cisco-phone|^auto qos voip cisco-phone"))
    if ctx.whole_config and not ctx.is_xe and not ctx.mls_qos and first_match(lines, r"^(mls qos trust|auto qos)"):
        return "none", False, "(inert: global `mls qos` is off, so the port's trust/auto-qos lines do nothing)"
    if m := first_match(lines, r"^(?:mls )?qos trust (dscp|cos|ip-precedence)"):
        return ("dscp" if m.group(1) == "ip-precedence" else m.group(1)), phone, ""  # type: ignore[return-value]
    if m := first_match(lines, r"^auto qos (?:voip )?trust(?: (dscp|cos))?"):
        value = m.group(1) or ("cos" if mode in ("access", "trunk") else "dscp")
        return value, phone, f"(from `{m.group(0)}`)"  # type: ignore[return-value]
    if first_match(lines, r"^auto qos voip cisco-phone"):
        return "cos", True, "(auto qos voip cisco-phone trusts CoS from a detected phone)"
    if mode == "routed":
        return "unknown", phone, "(routed interface: no port trust; markings kept unless a policy re-marks them)"
    if ctx.is_xe:
        return "dscp", phone, "(default: IOS-XE Catalyst switch ports trust DSCP when no trust/policy is set)"
    if phone:
        return "none", True, "(`trust device cisco-phone` without an `mls qos trust` state trusts nothing)"
    if ctx.mls_qos:
        return "none", False, "(default: `mls qos` is on and the port has no trust line, so markings are reset to 0)"
    return "none", False, "(`mls qos` is off: QoS disabled, markings pass unchanged but nothing is prioritised)"


def _vlan(lines: list[str], regex: str) -> int | None:
    m = first_match(lines, regex)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 4094 else None


def _bool_line(lines: list[str], on: str, off: str, default: bool | None) -> bool | None:
    if first_match(lines, off):
        return False
    if first_match(lines, on):
        return True
    return default


def build_port(name: str, lines: list[str], evidence: str, ctx: IosContext) -> InterfaceResult:
    """One interface block (canonical name) as a Port with its policy and ACL attachments."""
    mode = port_mode(name, lines, ctx)
    trust, phone, trust_note = port_trust(lines, mode, ctx)
    access_vlan = _vlan(lines, r"^switchport access vlan (\d+)")
    notes = [trust_note] if trust_note else []
    if mode == "access" and access_vlan is None:
        access_vlan = 1
        notes.append("(default: access VLAN 1)")
    voice_vlan = _vlan(lines, r"^switchport voice vlan (\d+)")
    speed, speed_note = interface_speed_kbps(name, lines)
    notes += [speed_note] if speed_note else []
    desc = first_match(lines, r"^description (.*)")
    description = desc.group(1) if desc else ""
    nat = first_match(lines, r"^ip nat (inside|outside)$")
    access = mode == "access"
    port = Port(
        name=name,
        description=description,
        mode=mode,  # type: ignore[arg-type]
        access_vlan=access_vlan,
        voice_vlan=voice_vlan,
        trust=trust,
        trust_device_phone=phone,
        shutdown=bool(first_match(lines, r"^shutdown$")),
        nat_side=nat.group(1) if nat else None,  # type: ignore[arg-type]
        is_wan=bool(nat and nat.group(1) == "outside")
        or bool(WAN_WORDS.search(description))
        or bool(WAN_TYPES.match(name) and first_match(lines, ROUTED_ADDRESS)),
        bandwidth_kbps=speed,
        poe=False if first_match(lines, r"^power inline never") else None,
        lldp_med_voice=_lldp_med(lines, voice_vlan, ctx),
        portfast=_bool_line(
            lines,
            r"^spanning-tree portfast(?! disable)",
            r"^spanning-tree portfast disable",
            (ctx.portfast_default if access else None),
        ),
        storm_control=True if first_match(lines, r"^storm-control ") else (False if access else None),
        evidence="\n".join([evidence, *notes]),
    )
    attachments = interface_attachments(name, lines)
    if ctx.mls_qos and not ctx.is_xe and first_match(lines, r"^priority-queue out"):
        attachments.append(PolicyAttachment(interface=name, direction="output", policy="priority-queue out"))
    return InterfaceResult(port, attachments, interface_acls([(name, lines)]))


def _lldp_med(lines: list[str], voice_vlan: int | None, ctx: IosContext) -> bool | None:
    """Does the port advertise its voice VLAN by LLDP-MED (what non-Cisco phones need)?"""
    if voice_vlan is None and not first_match(lines, r"^network-policy \d+"):
        return None
    if first_match(lines, r"^no lldp (transmit|med-tlv-select network-policy)"):
        return False
    return ctx.lldp_run or bool(first_match(lines, r"^network-policy \d+"))
