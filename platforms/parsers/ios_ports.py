"""IOS / IOS-XE interface blocks to vendor-neutral ports.

Hand-written over indentation-tree blocks (config_tree.py): the voice-relevant interface
settings (voice VLAN, trust, PoE, LLDP-MED, portfast, storm-control, NAT side)
are single keyword lines, and their *defaults* (which differ between classic
IOS with ``mls qos`` and IOS-XE Catalyst) need the judgement written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

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
    return unread_lines(lines, VOICE_FORMS, among=VOICE_FAMILIES)


class BlockLines:
    """One interface block's lines, grouped by their first word.

    Every lookup here is anchored on its command's first word(s), so it scans only the lines that start with
    them: ~18 lookups per port cost one pass over the block instead of ~18 (2,500-port configs).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.by_word: dict[str, list[str]] = {}
        for line in lines:
            self.by_word.setdefault(line.split(" ", 1)[0], []).append(line)

    def first(self, regex: str, *words: str) -> re.Match[str] | None:
        """The first line (in block order) matching ``regex``, which only lines starting with ``words`` can."""
        if len(words) == 1:
            lines = self.by_word.get(words[0])
            return first_match(lines, regex) if lines else None
        if not any(word in self.by_word for word in words):
            return None
        return first_match([line for line in self.lines if line.split(" ", 1)[0] in words], regex)


class IosContext(NamedTuple):
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


def port_mode(name: str, block: BlockLines, ctx: IosContext) -> str:
    """access / trunk / routed / unknown, from explicit lines first."""
    if m := block.first(r"^switchport mode (access|trunk)", "switchport"):
        return m.group(1)
    routed = block.first(r"^no switchport$", "no")
    if block.first(r"^switchport (access|voice) vlan \d", "switchport") and not routed:
        return "access"  # a switchport with an access/voice VLAN and no mode line: dynamic, ends up access
    if routed or not PHYSICAL.match(name) or not ctx.is_switch:
        return "routed"
    if block.first(r"^ip address \d", "ip"):
        return "routed"
    return "unknown"


def port_trust(block: BlockLines, mode: str, ctx: IosContext) -> tuple[Trust, bool, str]:
    """(trust, trusts a Cisco phone, evidence note) from trust lines or the platform default."""
    phone = bool(
        block.first(r"^(mls qos )?trust device cisco-phone|^auto qos voip cisco-phone", "mls", "trust", "auto")
    )
    inert = ctx.whole_config and not ctx.is_xe and not ctx.mls_qos
    if inert and block.first(r"^(mls qos trust|auto qos)", "mls", "auto"):
        return "none", False, "(inert: global `mls qos` is off, so the port's trust/auto-qos lines do nothing)"
    if m := block.first(r"^(?:mls )?qos trust (dscp|cos|ip-precedence)", "mls", "qos"):
        return ("dscp" if m.group(1) == "ip-precedence" else m.group(1)), phone, ""  # type: ignore[return-value]
    if m := block.first(r"^auto qos (?:voip )?trust(?: (dscp|cos))?", "auto"):
        value = m.group(1) or ("cos" if mode in ("access", "trunk") else "dscp")
        return value, phone, f"(from `{m.group(0)}`)"  # type: ignore[return-value]
    if block.first(r"^auto qos voip cisco-phone", "auto"):
        return "cos", True, "(auto qos voip cisco-phone trusts CoS from a detected phone)"
    if mode == "routed":
        return "unknown", phone, "(routed interface: no port trust; markings kept unless a policy re-marks them)"
    if ctx.is_xe:
        return "dscp", phone, "(default: IOS-XE Catalyst switch ports trust DSCP when no trust/policy is set)"
    if phone:
        return "none", True, "(`trust device cisco-phone` without an `mls qos trust` state trusts nothing)"
    if ctx.mls_qos:
        return "none", False, "(default: `mls qos` is on and the port has no trust line, so markings are reset to 0)"
    if not ctx.whole_config:
        return "unknown", False, "(no trust line, and this partial config does not show whether global `mls qos` is on)"
    return "none", False, "(`mls qos` is off: QoS disabled, markings pass unchanged but nothing is prioritised)"


def _vlan(block: BlockLines, regex: str) -> int | None:
    m = block.first(regex, "switchport")
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 4094 else None


def _bool_line(block: BlockLines, word: str, on: str, off: str, default: bool | None) -> bool | None:
    if block.first(off, word):
        return False
    if block.first(on, word):
        return True
    return default


def build_port(name: str, lines: list[str], evidence: str, ctx: IosContext) -> InterfaceResult:
    """One interface block (canonical name) as a Port with its policy and ACL attachments."""
    block = BlockLines(lines)
    mode = port_mode(name, block, ctx)
    trust, phone, trust_note = port_trust(block, mode, ctx)
    access_vlan = _vlan(block, r"^switchport access vlan (\d+)")
    notes = [trust_note] if trust_note else []
    if mode == "access" and access_vlan is None:
        access_vlan = 1
        notes.append("(default: access VLAN 1)")
    voice_vlan = _vlan(block, r"^switchport voice vlan (\d+)")
    speed, speed_note = interface_speed_kbps(name, block.by_word.get("bandwidth", []) + block.by_word.get("speed", []))
    notes += [speed_note] if speed_note else []
    desc = block.first(r"^description (.*)", "description")
    description = desc.group(1) if desc else ""
    nat = block.first(r"^ip nat (inside|outside)$", "ip")
    access = mode == "access"
    port = Port(
        name=name,
        description=description,
        mode=mode,  # type: ignore[arg-type]
        access_vlan=access_vlan,
        voice_vlan=voice_vlan,
        trust=trust,
        trust_device_phone=phone,
        shutdown=bool(block.first(r"^shutdown$", "shutdown")),
        nat_side=nat.group(1) if nat else None,  # type: ignore[arg-type]
        is_wan=bool(nat and nat.group(1) == "outside")
        or bool(WAN_WORDS.search(description))
        or bool(WAN_TYPES.match(name) and block.first(ROUTED_ADDRESS, "ip", "ipv6", "pppoe-client", "dialer")),
        bandwidth_kbps=speed,
        poe=False if block.first(r"^power inline never", "power") else None,
        lldp_med_voice=_lldp_med(block, voice_vlan, ctx),
        portfast=_bool_line(
            block,
            "spanning-tree",
            r"^spanning-tree portfast(?! disable)",
            r"^spanning-tree portfast disable",
            (ctx.portfast_default if access else None),
        ),
        storm_control=True if block.first(r"^storm-control ", "storm-control") else (False if access else None),
        evidence="\n".join([evidence, *notes]),
    )
    attachments = interface_attachments(name, block.by_word.get("service-policy", []))
    if ctx.mls_qos and not ctx.is_xe and block.first(r"^priority-queue out", "priority-queue"):
        attachments.append(PolicyAttachment(interface=name, direction="output", policy="priority-queue out"))
    return InterfaceResult(port, attachments, interface_acls([(name, block.by_word.get("ip", []))]))


def _lldp_med(block: BlockLines, voice_vlan: int | None, ctx: IosContext) -> bool | None:
    """Does the port advertise its voice VLAN by LLDP-MED (what non-Cisco phones need)?"""
    if voice_vlan is None and not block.first(r"^network-policy \d+", "network-policy"):
        return None
    if block.first(r"^no lldp (transmit|med-tlv-select network-policy)", "no"):
        return False
    return ctx.lldp_run or bool(block.first(r"^network-policy \d+", "network-policy"))
