"""Helpers shared by the Cisco-style parsers (IOS, IOS-XE, NX-OS, ASA, EOS).

Config hierarchy comes from config_tree.py (indentation-based, so the IOS
syntax mode serves every Cisco-like OS here); interface names are made
canonical with netutils. What is left here is small pure glue: DSCP names,
well-known port names and unit conversions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache

from netutils.constants import BASE_INTERFACES
from netutils.interface import canonical_interface_name

from core.errors import UserError
from core.models.facts import DeviceFacts, Vlan
from core.service_ports import SIP_PORT, SIPS_PORT
from platforms.normalise import prompt_host
from platforms.parsers.common import check_text
from platforms.parsers.config_tree import ConfigTree

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
    "sip": SIP_PORT,
    "sips": SIPS_PORT,
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


# Full interface-type names by lower case: a full name typed in the device's own spelling is kept
# (EOS `Port-Channel1`, NX-OS `port-channel1`, IOS `Port-channel1`); one typed in another case in a
# pasted config (`gigabitEthernet0/1`, `interface fastEthernet 0/5`) gets the IOS spelling.
_PREFERRED = {"vlan": "Vlan", "port-channel": "Port-channel"}
_FULL_BY_LOWER = {full.lower(): full for full in BASE_INTERFACES.values()} | _PREFERRED
_DEVICE_LOWER_SPELLINGS = {"port-channel", "loopback"}  # NX-OS prints these in lower case
_TYPE_AND_NUMBER = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d\S*)$")


def canonical(name: str) -> str:
    """Canonical interface name: abbreviations expanded (netutils), case and stray spaces fixed.

    >>> canonical("Gi1/0/1"), canonical("gigabitEthernet0/1"), canonical("fastEthernet 0/5"), canonical("Po10")
    ('GigabitEthernet1/0/1', 'GigabitEthernet0/1', 'FastEthernet0/5', 'Port-channel10')
    >>> canonical("Port-Channel10"), canonical("port-channel10"), canonical("vlan 20"), canonical("Vlan20")
    ('Port-Channel10', 'port-channel10', 'Vlan20', 'Vlan20')
    """
    raw = name.strip()
    m = _TYPE_AND_NUMBER.match(raw)
    if m is None:
        return _netutils_canonical(raw)
    kind, number = m.group(1), m.group(2)
    full = _FULL_BY_LOWER.get(kind.lower())
    if full is None:
        return _netutils_canonical(kind + number)
    if kind[0].isupper() or kind in _DEVICE_LOWER_SPELLINGS:
        return kind + number
    return full + number


def _netutils_canonical(name: str) -> str:
    try:
        return str(canonical_interface_name(name))
    except Exception:  # netutils may reject odd names; the raw name is still meaningful
        return name


def range_members(spec: str) -> list[str]:
    """Interfaces of an IOS ``interface range`` spec (``fa0/1 - 3 , gi1/0/5``), canonical names.

    >>> range_members("fastEthernet 0/1 - 3 , fa0/7")
    ['FastEthernet0/1', 'FastEthernet0/2', 'FastEthernet0/3', 'FastEthernet0/7']
    >>> range_members("Gi1/0/1-2, Vlan10")
    ['GigabitEthernet1/0/1', 'GigabitEthernet1/0/2', 'Vlan10']
    """
    members: list[str] = []
    for part in spec.split(","):
        m = re.match(r"^\s*([A-Za-z-]*)\s*((?:\d+/)*)(\d+)\s*(?:-\s*(\d+))?\s*$", part)
        if m is None or (m.group(4) and int(m.group(4)) - int(m.group(3)) > 512):
            continue
        kind = m.group(1) or (re.match(r"^[A-Za-z-]*", members[-1]).group(0) if members else "")  # type: ignore[union-attr]
        last = int(m.group(4) or m.group(3))
        members += [canonical(f"{kind}{m.group(2)}{n}") for n in range(int(m.group(3)), last + 1)]
    return members


def interface_blocks(conf: ConfigTree) -> list[tuple[str, list[str], str]]:
    """(canonical name, lines, evidence) per interface; ``interface range`` blocks give every member.

    A pasted snippet may set one interface in several blocks (a range, then the port alone): their
    lines are joined in config order, as the device would apply them.
    """
    merged: dict[str, tuple[list[str], list[str]]] = {}
    for match, lines, evidence in blocks(conf, r"^interface\s+(.+?)\s*$"):
        spec = match.group(1)
        names = range_members(spec[6:]) if spec.lower().startswith("range ") else [canonical(spec)]
        for name in names:
            body, texts = merged.setdefault(name, ([], []))
            body.extend(lines)
            texts.append(evidence)
    return [(name, body, "\n".join(texts)) for name, (body, texts) in merged.items()]


def clean_config(text: str) -> list[str]:
    """Config lines without the show-command preamble, trailing blanks or ASA ``:`` comments."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_CONFIG_LINES:
        raise UserError(f"config has {len(lines)} lines (limit {MAX_CONFIG_LINES}): not a device config?")
    return [kept for line in lines if (kept := line.rstrip()) and not (":" in kept and kept.lstrip().startswith(":"))]


# Interface sub-commands that are never global: flush left after an `interface` line (a paste that lost
# its indentation, or typed config-mode input) they still belong to that interface.
_INTERFACE_ONLY = re.compile(
    r"^(switchport(?! default)|channel-group |description |(no )?shutdown$|ip address |ipv6 address |"
    r"spanning-tree (portfast(?! (edge )?(default|bpdu))|bpduguard|link-type)|mls qos trust |auto qos voip|"
    r"trust device |qos trust |storm-control |power inline |speed |duplex |ip access-group |"
    r"ip nat (inside|outside)$|service-policy (input|output) |priority-queue out$|encapsulation |nameif |"
    r"security-level )"
)


# Sub-commands of a class-map or policy-map (IOS MQC, ASA MPF) a flat paste left at column 0: `match`/`description`
# under a class-map; `class X` under a policy-map and that class's actions under the class. A screen scraper
# that strips leading blanks turns `policy-map global_policy` / ` class inspection_default` / `  inspect sip`
# into three top-level lines, and the policy would read as empty.
_CLASS_MAP_ONLY = re.compile(r"^(match |description )")
_POLICY_CLASS = re.compile(r"^class (?!-map)\S")
_POLICY_ONLY = re.compile(r"^(description |parameters$)")
_POLICY_CLASS_ONLY = re.compile(
    r"^(inspect |priority\b|bandwidth |set |police |shape |service-policy \S+$|fair-queue|random-detect|queue-limit |"
    r"drop$|flow-export |user-statistics )"
)


def _flat_depth(section: str, line: str) -> int:
    """How deep a flush-left ``line`` belongs inside the open ``section`` (0: it is a top-level line)."""
    if section == "interface":
        return 1 if _INTERFACE_ONLY.match(line) else 0
    if section == "class-map":
        return 1 if _CLASS_MAP_ONLY.match(line) else 0
    if section in ("policy-map", "policy-class") and (_POLICY_CLASS.match(line) or _POLICY_ONLY.match(line)):
        return 1
    return 2 if section == "policy-class" and _POLICY_CLASS_ONLY.match(line) else 0


def indent_flat_sections(lines: list[str]) -> list[str]:
    """Re-indent interface, class-map and policy-map sub-commands a paste left at column 0.

    Only lines that can never be global are moved, and only after the section line they belong to.

    >>> indent_flat_sections(["interface Gi0/1", "switchport mode access", "vlan 10", "description x"])
    ['interface Gi0/1', ' switchport mode access', 'vlan 10', 'description x']
    >>> indent_flat_sections(["policy-map gp", "class inspection_default", "inspect sip", "service-policy gp global"])
    ['policy-map gp', ' class inspection_default', '  inspect sip', 'service-policy gp global']
    """
    out: list[str] = []
    section = ""
    for line in lines:
        if line[:1].isspace():
            out.append(line)
            continue
        depth = _flat_depth(section, line)
        if depth:
            out.append(" " * depth + line)
            if depth == 1 and _POLICY_CLASS.match(line):
                section = "policy-class"
            continue
        section = next((name for name in ("interface", "class-map", "policy-map") if line.startswith(name + " ")), "")
        out.append(line)
    return out


def parse_config(text: str) -> ConfigTree:
    """The indentation tree of a Cisco-like config."""
    return ConfigTree(indent_flat_sections(clean_config(text.replace("\t", " "))))  # a tab is blank to strip too


def children(parent: object) -> list[str]:
    """Stripped text of a config object's direct children."""
    return [str(c.text).strip() for c in getattr(parent, "children", [])]


def blocks(conf: ConfigTree, regex: str) -> Iterator[tuple[re.Match[str], list[str], str]]:
    """(match of the parent line, its descendants' lines, evidence text) for each top-level block."""
    pattern = re.compile(regex)
    for obj in conf.find_objects(regex):
        if obj.parent is not obj:  # top-level lines only
            continue
        match = pattern.match(obj.text)
        if match is None:
            continue
        texts = [c.text for c in obj.all_children]  # nested lines too, in config order
        yield match, [text.strip() for text in texts], "\n".join([obj.text, *texts])


def top_lines(conf: ConfigTree, regex: str) -> list[re.Match[str]]:
    """Matches of a regex against top-level config lines."""
    pattern = re.compile(regex)
    found: list[re.Match[str]] = []
    for obj in conf.find_objects(regex):
        match = pattern.match(obj.text)
        if match is not None and obj.parent is obj:
            found.append(match)
    return found


# Top-level lines one of these configs cannot be without (IOS, IOS-XE, NX-OS, ASA, EOS), and the headers of
# `show access-lists`, whose entries are configuration read back.
CONFIG_CUE = re.compile(
    r"^(?:!|:|(?:hostname|switchname|version|interface|vlan|class-map|policy-map|ip|ipv6|no|service|logging|ntp"
    r"|snmp-server|spanning-tree|aaa|username|line|router|access-list|object|object-group|feature|boot|enable"
    r"|end|ASA Version|Building configuration|Current configuration"
    r"|(?:Standard|Extended|Reflexive) IP access list|IPv6 access list)\b)",  # `show access-lists` as evidence
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
    if not lines:  # an interface without that command: nothing to compile the pattern for (start-up)
        return None
    match = _compiled(regex).match  # called per line of every interface block: no re-module cache lookup
    for line in lines:
        if found := match(line):
            return found
    return None


_compiled: Callable[[str], re.Pattern[str]] = cache(re.compile)


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


def vlans(conf: ConfigTree) -> list[Vlan]:
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


# Headers only a whole `show running-config` carries; `version` and the closing `end` also appear in
# pasted fragments, so they count only next to a `hostname` line.
_WHOLE_CONFIG_HEADER = re.compile(
    r"^(Building configuration|Current configuration :|! ?Command: (show running-config|Checkpoint)|: Saved|"
    r"ASA Version \S|! device: )",
    re.MULTILINE,
)
_WHOLE_CONFIG_MARKER = re.compile(r"^(version \S+|end|: end)\s*$", re.MULTILINE)


def is_whole_config(text: str) -> bool:
    """True for a complete running config: a show-command header, or a hostname with ``version``/``end``.

    Only then does a missing section mean the device's default; in a pasted snippet it means unknown.

    >>> is_whole_config("hostname r1\\ninterface Gi0/0\\nend\\n"), is_whole_config("hostname r1\\ninterface Gi0/0\\n")
    (True, False)
    """
    if _WHOLE_CONFIG_HEADER.search(text):
        return True
    return bool(re.search(r"^hostname\s+\S", text, re.MULTILINE)) and bool(_WHOLE_CONFIG_MARKER.search(text))


def hostname(conf: ConfigTree, text: str) -> tuple[str | None, str]:
    """(hostname, evidence) from the ``hostname`` line, else from a CLI prompt left in the text.

    >>> hostname(parse_config("hostname sw1"), "hostname sw1")
    ('sw1', 'hostname sw1')
    >>> hostname(parse_config("x"), "sw-2#show running-config | section interface\\ninterface Gi0/1\\nsw-2#")
    ('sw-2', 'prompt: sw-2#show running-config | section interface')
    """
    if found := top_lines(conf, r"^hostname\s+(\S+)"):
        return found[0].group(1), found[0].group(0)
    if prompt := prompt_host(text):
        return prompt[0], f"prompt: {prompt[1]}"
    return None, ""


def set_hostname(facts: DeviceFacts, conf: ConfigTree, text: str) -> None:
    """Fill ``facts.hostname`` (and its evidence) from the config or a prompt in it."""
    name, evidence = hostname(conf, text)
    if name is not None:
        facts.hostname, facts.evidence["hostname"] = name, evidence
