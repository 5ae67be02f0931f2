"""Helpers shared by the Cisco-style parsers (IOS, IOS-XE, NX-OS, ASA, EOS).

Config hierarchy comes from ciscoconfparse2 (indentation-based, so the IOS
syntax mode serves every Cisco-like OS here); interface names are made
canonical with netutils. What is left here is small pure glue: DSCP names,
well-known port names and unit conversions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ciscoconfparse2 import CiscoConfParse
from netutils.interface import canonical_interface_name

from assess.errors import UserError
from assess.models.facts import Vlan
from collectors.parsers.common import check_text

RUNNING_CONFIG = "show running-config"
MAX_CONFIG_LINES = 200_000

# RFC 2474/2597/3246 code points by name; numeric DSCPs are reported by name when one exists.
DSCP_NAMES: dict[int, str] = {
    0: "default",
    8: "cs1",
    10: "af11",
    12: "af12",
    14: "af13",
    16: "cs2",
    18: "af21",
    20: "af22",
    22: "af23",
    24: "cs3",
    26: "af31",
    28: "af32",
    30: "af33",
    32: "cs4",
    34: "af41",
    36: "af42",
    38: "af43",
    40: "cs5",
    44: "voice-admit",
    46: "ef",
    48: "cs6",
    56: "cs7",
}
DSCP_VALUES: dict[str, int] = {name: num for num, name in DSCP_NAMES.items()}

# Port names IOS/ASA/NX-OS/EOS print instead of numbers in ACLs (the ones voice surveys meet).
NAMED_PORTS: dict[str, int] = {
    "bootpc": 68,
    "bootps": 67,
    "domain": 53,
    "echo": 7,
    "ftp": 21,
    "ftp-data": 20,
    "h323": 1720,
    "http": 80,
    "https": 443,
    "isakmp": 500,
    "ldap": 389,
    "ldaps": 636,
    "non500-isakmp": 4500,
    "ntp": 123,
    "rtsp": 554,
    "sip": 5060,
    "sips": 5061,
    "snmp": 161,
    "snmptrap": 162,
    "ssh": 22,
    "syslog": 514,
    "telnet": 23,
    "tftp": 69,
    "www": 80,
}


def dscp_name(token: str) -> str:
    """Normalise a DSCP token to its lower-case name.

    >>> dscp_name("46"), dscp_name("EF"), dscp_name("af31"), dscp_name("33")
    ('ef', 'ef', 'af31', '33')
    """
    low = token.strip().lower()
    if low.isdecimal():
        return DSCP_NAMES.get(int(low), low)
    return low


def port_number(token: str) -> int | None:
    """A port given by number or well-known name, or None.

    >>> port_number("sip"), port_number("5061"), port_number("nosuch"), port_number("99999")
    (5060, 5061, None, None)
    """
    low = token.lower()
    if low.isdecimal():
        num = int(low)
        return num if 0 <= num <= 65535 else None
    return NAMED_PORTS.get(low)


def bps_to_kbps(value: str, unit: str = "") -> int | None:
    """Convert a rate as IOS prints it (bps by default, or with a k/m/g unit) to kbit/s.

    >>> bps_to_kbps("100000000"), bps_to_kbps("100", "mbps"), bps_to_kbps("x")
    (100000, 100000, None)
    """
    if not value.isdecimal() or len(value) > 15:
        return None
    scale = {"": 0.001, "bps": 0.001, "kbps": 1, "k": 1, "mbps": 1000, "m": 1000, "gbps": 1e6, "g": 1e6}
    factor = scale.get(unit.lower())
    return None if factor is None else int(int(value) * factor)


def canonical(name: str) -> str:
    """Canonical interface name (``Gi1/0/1`` -> ``GigabitEthernet1/0/1``)."""
    try:
        return str(canonical_interface_name(name.strip()))
    except Exception:  # netutils may reject odd names; the raw name is still meaningful
        return name.strip()


def clean_config(text: str) -> list[str]:
    """Config lines without the show-command preamble, trailing blanks or ASA ``:`` comments."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_CONFIG_LINES:
        raise UserError(f"config has {len(lines)} lines (limit {MAX_CONFIG_LINES}): not a device config?")
    return [line.rstrip() for line in lines if line.strip() and not line.lstrip().startswith(":")]


def parse_config(text: str) -> CiscoConfParse:
    """A ciscoconfparse2 tree of a Cisco-like config (indentation defines hierarchy)."""
    lines = [ln.replace("\t", " ") for ln in clean_config(text)]
    try:
        return CiscoConfParse(lines, syntax="ios", ignore_blank_lines=True)
    except Exception as exc:  # the library raises assorted errors on malformed input
        raise UserError(f"could not parse the configuration: {type(exc).__name__}") from exc


def children(parent: object) -> list[str]:
    """Stripped text of a config object's direct children."""
    return [str(c.text).strip() for c in getattr(parent, "children", [])]


def blocks(conf: CiscoConfParse, regex: str) -> Iterator[tuple[re.Match[str], list[str], str]]:
    """(match of the parent line, its descendants' lines, evidence text) for each top-level block."""
    pattern = re.compile(regex)
    for obj in conf.find_objects(regex):
        if obj.parent is not obj:  # top-level lines only
            continue
        match = pattern.match(str(obj.text))
        if match is None:
            continue
        lines = [str(c.text).strip() for c in obj.all_children]  # nested lines too, in config order
        yield match, lines, "\n".join([str(obj.text), *(str(c.text) for c in obj.all_children)])


def top_lines(conf: CiscoConfParse, regex: str) -> list[re.Match[str]]:
    """Matches of a regex against top-level config lines."""
    pattern = re.compile(regex)
    found: list[re.Match[str]] = []
    for obj in conf.find_objects(regex):
        match = pattern.match(str(obj.text))
        if match is not None and obj.parent is obj:
            found.append(match)
    return found


# Top-level lines one of these configs cannot be without (IOS, IOS-XE, NX-OS, ASA, EOS).
CONFIG_CUE = re.compile(
    r"^(?:!|:|(?:hostname|switchname|version|interface|vlan|class-map|policy-map|ip|ipv6|no|service|logging|ntp"
    r"|snmp-server|spanning-tree|aaa|username|line|router|access-list|object|object-group|feature|boot|enable"
    r"|end|ASA Version|Building configuration|Current configuration)\b)",
    re.MULTILINE,
)


def config_text(outputs: Mapping[str, str], command: str = RUNNING_CONFIG) -> str:
    """The running config among the outputs ('' when it was not collected).

    Raises UserError when the output is binary or holds no line of a Cisco-style config at all,
    rather than returning empty facts for something that was never a config.
    """
    text = outputs.get(command, "")
    if text.strip():
        check_text(text, f"output of {command!r}")
        if not CONFIG_CUE.search(text):
            raise UserError(f"output of {command!r} holds no configuration line (hostname, interface, ...)")
    return text


def first_match(lines: list[str], regex: str) -> re.Match[str] | None:
    """The first of ``lines`` matching ``regex`` (anchored at the start), or None."""
    pattern = re.compile(regex)
    return next((m for line in lines if (m := pattern.match(line))), None)


# Nominal speed of an interface type, which is also IOS's default `bandwidth` for it.
TYPE_SPEED_KBPS: tuple[tuple[str, int], ...] = (
    ("FastEthernet", 100_000),
    ("TwoGigabitEthernet", 2_500_000),
    ("FiveGigabitEthernet", 5_000_000),
    ("TenGigabitEthernet", 10_000_000),
    ("TwentyFiveGigE", 25_000_000),
    ("FortyGigabitEthernet", 40_000_000),
    ("HundredGigE", 100_000_000),
    ("GigabitEthernet", 1_000_000),
)


def interface_speed_kbps(name: str, lines: list[str]) -> tuple[int | None, str]:
    """(kbit/s, note): the ``bandwidth`` line, else a fixed ``speed``, else the nominal speed of the type.

    >>> interface_speed_kbps("GigabitEthernet0/1", [])
    (1000000, '(default: bandwidth = nominal speed of a GigabitEthernet)')
    >>> interface_speed_kbps("Ethernet1", ["speed 10g"])[0], interface_speed_kbps("Ethernet1", [])[0]
    (10000000, None)
    """
    if m := first_match(lines, r"^bandwidth (\d{1,11})$"):
        return int(m.group(1)), ""
    if m := first_match(lines, r"^speed (?:forced )?(\d{2,6})(full|half|g|gfull)?$"):
        per_unit = 1_000_000 if (m.group(2) or "").startswith("g") else 1000
        return int(m.group(1)) * per_unit, ""
    base = re.sub(r"[\d/.:]+$", "", name)
    for prefix, kbps in TYPE_SPEED_KBPS:
        if base == prefix:
            return kbps, f"(default: bandwidth = nominal speed of a {prefix})"
    return None, ""


def first_group(pattern: str, text: str, flags: int = re.MULTILINE) -> str | None:
    """First capture group of ``pattern`` in ``text``, or None."""
    match = re.search(pattern, text, flags)
    return match.group(1) if match else None


def vlans(conf: CiscoConfParse) -> list[Vlan]:
    """VLANs defined with ``vlan N`` (or ``vlan 10,20-30``) blocks."""
    found: dict[int, Vlan] = {}
    for match, lines, _ in blocks(conf, r"^vlan\s+([\d,-]+)\s*$"):
        name = next((ln.split(None, 1)[1] for ln in lines if ln.startswith("name ") and " " in ln), "")
        for vid in _vlan_list(match.group(1)):
            found[vid] = Vlan(id=vid, name=name)
    return [found[k] for k in sorted(found)]


def _vlan_list(spec: str) -> list[int]:
    ids: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        if lo.isdecimal() and (hi.isdecimal() or not hi) and len(lo) < 5 and len(hi) < 5:
            ids.extend(v for v in range(int(lo), int(hi or lo) + 1) if 1 <= v <= 4094)
    return ids
