"""Small pure helpers shared by the platform parsers: input checks, ports, DSCP, durations."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Mapping

from netutils.vlan import vlanconfig_to_list

from core.dscp import DSCP_BY_NAME, canonical_dscp
from core.errors import UserError

MAX_PORT = 65535


_DURATION_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def check_text(text: str, what: str) -> str:
    """Return ``text`` when it looks like device output; raise UserError for binary or empty input."""
    if "\x00" in text:
        raise UserError(f"{what} looks like binary data, not saved command output")
    if not text.strip():
        raise UserError(f"{what} is empty")
    return text


def pick_output(
    outputs: Mapping[str, str], preferred: Iterable[str], looks_right: Callable[[str], bool], what: str
) -> tuple[str, str]:
    """(command, text) of the first preferred command present, else of any output that looks right.

    The fallback lets ``assess facts FILE`` hand over a single saved file under any name.
    """
    for command in preferred:
        if command in outputs and outputs[command].strip():
            return command, check_text(outputs[command], f"output of {command!r}")
    for command, text in outputs.items():
        if "\x00" not in text and looks_right(text):
            return command, text
    wanted = " or ".join(repr(c) for c in preferred)
    raise UserError(f"no {what} found in the evidence (expected the output of {wanted})")


def shell_words(line: str) -> list[str]:
    """Split a config line into words, quoted strings kept whole (plain split when a quote is unbalanced).

    >>> shell_words('set name "Branch office" x'), shell_words('set comment "open')
    (['set', 'name', 'Branch office', 'x'], ['set', 'comment', 'open'])
    """
    if "\\" not in line and "'" not in line and '"' not in line:  # a plain line: the words are the runs of text
        return _SHELL_WORD.findall(line)
    if "\\" in line or "'" in line or line.count('"') % 2:
        try:
            return shlex.split(line, posix=True)
        except ValueError:
            return line.replace('"', " ").split()
    # No escape, no single quote, balanced double quotes (nearly every config line): shlex's answer is each
    # run of quoted and unquoted parts with the quotes dropped, found here without its per-character loop.
    return [word.replace('"', "") for word in _SHELL_WORD.findall(line)]


# A shell word without escapes or single quotes: unquoted text and "quoted" parts, up to shlex's whitespace.
_SHELL_WORD = re.compile(r'(?:[^ \t\r\n"]+|"[^"]*")+')


def vlan_ids(text: str) -> list[int]:
    """VLAN ids in a list such as '10,20-22' (empty when the text is not a VLAN list).

    >>> vlan_ids("10,20-22"), vlan_ids("DATA")
    ([10, 20, 21, 22], [])
    """
    if not re.fullmatch(r"\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*", text):
        return []
    try:
        return [v for v in vlanconfig_to_list(text) if 1 <= v <= 4094]
    except (ValueError, IndexError):
        return []


def port_range(text: str) -> tuple[int, int] | None:
    """One port or range ('5060', '10000-20000', '10000:20000') as (low, high); None when not a port.

    >>> port_range("10000-20000"), port_range("5060"), port_range("sip")
    ((10000, 20000), (5060, 5060), None)
    """
    match = re.fullmatch(r"\s*(\d{1,5})\s*(?:[-:]\s*(\d{1,5}))?\s*", text)
    if match is None:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > high or high > MAX_PORT:
        return None
    return low, high


def port_ranges(text: str, separators: str = ", ") -> list[tuple[int, int]]:
    """All port ranges in a list such as '5060,5061,10000-20000' (entries that are not ports are skipped).

    >>> port_ranges("5060,5061 10000-20000")
    [(5060, 5060), (5061, 5061), (10000, 20000)]
    """
    parts = re.split(f"[{re.escape(separators)}]+", text.strip())
    return [r for r in (port_range(p) for p in parts if p) if r is not None]


def dscp_name(value: str | int) -> str | None:
    """Normalise a DSCP given as name, decimal, hex or 6-bit string to its lower-case name.

    >>> dscp_name("EF"), dscp_name("46"), dscp_name("101110"), dscp_name("0x2e"), dscp_name(0)
    ('ef', 'ef', 'ef', 'ef', 'cs0')
    """
    text = str(value).strip().lower()
    if re.fullmatch(r"[01]{6}", text):
        text = str(int(text, 2))
    elif re.fullmatch(r"0x[0-9a-f]{1,2}", text):
        text = str(int(text, 16))
    elif text not in DSCP_BY_NAME and not re.fullmatch(r"\d{1,2}", text):
        return None
    try:
        return canonical_dscp(text)
    except ValueError:  # a number above 63
        return None


def tos_to_dscp(tos: int, mask: int = 0xFC) -> str | None:
    """DSCP name matched by a TOS byte value/mask pair, or None when the mask does not cover the DSCP bits.

    >>> tos_to_dscp(0xB8, 0xFC)
    'ef'
    """
    if mask & 0xFC != 0xFC:
        return None
    return dscp_name((tos & 0xFC) >> 2)


def duration_s(text: str) -> int | None:
    """Seconds in a duration such as '10s', '3m', '1h30m', '00:00:30', '1d' or '60'; None when unreadable.

    >>> duration_s("3m"), duration_s("1h30m"), duration_s("00:01:30"), duration_s("60")
    (180, 5400, 90, 60)
    """
    text = text.strip().lower()
    if re.fullmatch(r"\d{1,9}", text):
        return int(text)
    clock = re.fullmatch(r"(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})", text)
    if clock:
        days, hours, minutes, seconds = (int(g) if g else 0 for g in clock.groups())
        return days * 86400 + hours * 3600 + minutes * 60 + seconds
    parts = re.findall(r"(\d+)([wdhms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(int(n) * _DURATION_UNITS[u] for n, u in parts)


def status_field(text: str, *labels: str) -> str | None:
    """Value of the first ``Label: value`` line with one of ``labels`` (status/version outputs).

    >>> status_field("Model: srx300\\nJunos: 21.4R3-S5.4", "Junos", "JUNOS")
    '21.4R3-S5.4'
    """
    for label in labels:
        match = re.search(rf"^\s*{re.escape(label)}\s*:\s*(\S.*?)\s*$", text, re.M)
        if match:
            return match.group(1)
    return None


def add_evidence(evidence: dict[str, str], fact: str, line: str) -> None:
    """Append one source line to the evidence kept for ``fact``."""
    line = line.strip()
    if not line:
        return
    current = evidence.get(fact, "")
    if line not in current.splitlines():
        evidence[fact] = f"{current}\n{line}" if current else line
