"""Saved terminal output back to what the device printed: one normaliser for every platform.

Configs reach the audit pasted from terminal sessions, chat and Markdown notes. Before detection or parsing,
every output loses what the terminal or the paste added: ANSI/VT100 sequences, ``--More--`` paging prompts and
the backspaces/spaces that erase them, backspace overstrikes, carriage returns (CRLF and lone CR redraws),
the prompt and echoed command lines, and the Markdown fence (with its prose) around a config. Without this, a
``--More--`` glued to ``interface GigabitEthernet1/0/5`` hides that port from the parser, silently.
"""

from __future__ import annotations

import re
import textwrap
from collections import OrderedDict
from typing import Final

from platforms.required_text import compiled

# The patterns of what only some pastes hold (escapes, pager prompts, Markdown fences) are kept as text and compiled
# on first use (required_text.compiled): a plain saved config compiles none of them.
# CSI (colours, erase-line, cursor moves), OSC (window titles) and two-byte escapes. Cursor-left and
# erase-in-line are replayed (pagers erase their prompt with them); the rest only styles the text.
_CURSOR_LEFT: Final = r"\x1b\[(\d*)D"
_ERASE_TO_END: Final = r"\x1b\[0?K"
_ERASE_LINE: Final = r"\x1b\[2K"
_EOL, _WHOLE = "\ue000", "\ue001"  # private-use stand-ins for the two erase sequences while replaying
_ANSI: Final = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
# Paging prompts printed between two pages: Cisco/Arista/Fortinet `--More--`, ASA `<--- More --->`, Junos
# `---(more 45%)---`, RouterOS `-- [Q quit|D dump|down]`; and less's own status lines.
_PAGER: Final = r" ?(?:--+ ?[Mm]ore ?--+|<-+ More -+>|-+\(more(?: \d+%)?\)-+|-- \[Q quit\|[^\]\n]*\]) ?"
_PAGER_LINE: Final = r"^[ \t]*(?:\(END\)|lines \d+-\d+(?:/\d+)?(?: \(END\)| \d+%)?)[ \t]*$"  # also re.MULTILINE
# A prompt, alone or followed by the command it runs: `sw1#`, `sw1(config-if)#`, `FGT (global) #`,
# `admin@PA-220>`, `user@srx>`, `[admin@MikroTik] >`, `[admin@MikroTik] /ip firewall>`, `root@r1:~#`, `$ cmd`.
_PROMPT: Final = re.compile(
    r"^(?:"
    r"[A-Za-z0-9][\w.\-/:]*(?: ?\([\w.\-:/ ]+\))?[ ]?[#>]"  # Cisco / Arista / ASA / FortiOS / PAN-OS
    r"|\[[\w.\-]+@[^\]\n]+\][ ]?(?:/[\w /-]*)?>"  # RouterOS
    r"|[\w.\-]+@[\w.\-]+(?::[^\s#$]*)?[#$>]"  # Linux shells, Junos, PAN-OS
    r"|\[[\w.\-]+@[\w.\-]+[^\]\n]*\][#$]"  # [root@host ~]#
    r"|[$]"  # a bare shell prompt (not `#`: RouterOS and iptables-save headers are `# ...` comments)
    r")(?: ?(?P<command>\S.*?))?[ \t]*$"  # the echoed command: at once or after one space (a table header has more)
)
_PROMPT_LINES: Final = re.compile(_PROMPT.pattern, re.MULTILINE)
_REPLAYED: Final = ("\b", "\r", _EOL, _WHOLE)  # what a terminal replay changes; other lines stay as they are
# Junos prints the routing-engine role on its own line before each prompt.
_JUNOS_RE_LINE: Final = re.compile(r"^\{(?:master|backup|primary|secondary|linecard)(?::[\w-]+)?\}$")
_SESSION_LINES: Final = re.compile(f"{_PROMPT.pattern}|{_JUNOS_RE_LINE.pattern}", re.MULTILINE)
_FENCE: Final = r"^[ \t]{0,3}(```+|~~~+)[ \t]*[\w+.-]*[ \t]*$"
# Markdown markup (bullets, numbered items, `## Headings`, links, images, `code`, quotes) or a sentence of
# twelve words or more. Not `# heading`: shell, nft, RouterOS and sysctl comments look the same.
_PROSE: Final = r"^\s*([-*+]\s+\S|\d+\.\s|>\s|#{2,6} [A-Z])|\]\(|`[^`\n]+`|(\b\w+\W+){11,}\w+[.:!?]\s*$"


def normalise(text: str) -> str:
    """``text`` without terminal and paste artefacts; idempotent.

    >>> normalise("sw1#show run\\r\\n\\x1b[1minterface Gi1/0/1\\x1b[0m\\r\\n --More-- \\b\\b\\b\\b\\b\\b\\b\\b\\b\\b"
    ...           "          \\b\\b\\b\\b\\b\\b\\b\\b\\b\\b switchport voice vlan 20\\r\\nsw1#")
    'interface Gi1/0/1\\n switchport voice vlan 20\\n'
    """
    known = _recent.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    lines = _resolved(unfence(_without_escapes(text)))
    if _has_session_line(lines):  # one pass first: most configs hold no prompt
        lines = [line for line in lines if not is_session_line(line)]
    kept = _undent("\n".join(lines).strip("\n"))
    result = kept + "\n" if kept.strip() else ""
    for seen in (text, result):  # idempotent: the result normalises to itself
        _recent[id(seen)] = (seen, result)
    while len(_recent) > _RECENT_SIZE:
        try:
            _recent.popitem(last=False)  # one call: safe while another thread normalises too
        except KeyError:
            break
    return result


# An audit normalises each output three times: on loading, then in detection and in the parser, which are
# handed the same text objects (redaction returns its input when it finds no secret). The recent answers are
# kept by the identity of the text (each held, so its id is not reused): a text read again is worked out again.
_RECENT_SIZE: Final = 16
_recent: OrderedDict[int, tuple[str, str]] = OrderedDict()


def terminal_lines(text: str) -> list[str]:
    """The lines as the terminal showed them: escapes, overstrikes, CR redraws and pager prompts resolved."""
    return _resolved(_without_escapes(text))


def _resolved(text: str) -> list[str]:
    lines = text.split("\n")
    if any(mark in text for mark in _REPLAYED):
        lines = [_replay(line) for line in lines]
        text = "\n".join(lines)
    if not _may_page(text):  # no line has a pager prompt
        return lines
    return [_strip_pager(line) for line in lines]


# Every paging prompt holds one of these (``--More--``, ``<--- More --->``, ``---(more 45%)---``, ``-- [Q quit|``,
# ``(END)``, ``lines 1-40``): a text without them is not searched by the pager patterns at every position.
_PAGER_TEXT: Final = ("ore-", "ore -", "(more", "[Q quit", "(END)", "lines ")
# Every prompt ends in `#`, `>` or `$`, and Junos's routing-engine line starts with `{`.
_PROMPT_MARKS: Final = "#>$"


def _may_page(text: str) -> bool:
    """True when a pager prompt may be in ``text``: it holds one of their fixed parts and a pattern finds one."""
    if not any(part in text for part in _PAGER_TEXT):
        return False
    return compiled(_PAGER, 0).search(text) is not None or compiled(_PAGER_LINE, re.MULTILINE).search(text) is not None


def _has_session_line(lines: list[str]) -> bool:
    """True when a line is a prompt (or a Junos routing-engine line); only lines with a prompt mark are tried
    (the pattern's matches start at a line's start and stay within the line)."""
    text = "\n".join(lines)
    if any(_SESSION_LINES.match(text, start) is not None for start in _marked_line_starts(text)):
        return True
    starts = ([0] if text.startswith("{") else []) + [m.start() + 1 for m in re.finditer("\n\\{", text)]
    return any(_SESSION_LINES.match(text, start) is not None for start in starts)


def _marked_line_starts(text: str) -> list[int]:
    """Where the lines holding a prompt mark start, in order: the only lines a prompt can be. Found with
    ``str.find``: a regex tried at every position of the text costs ~10 ns a character (~0.2 ms a config)."""
    starts: set[int] = set()
    for mark in _PROMPT_MARKS:
        at = text.find(mark)
        while at != -1:
            starts.add(text.rfind("\n", 0, at) + 1)
            line_end = text.find("\n", at)
            at = text.find(mark, line_end) if line_end != -1 else -1
    return sorted(starts)


def echoed_command(line: str) -> str | None:
    """The command typed at a prompt on this (terminal) line, or None when the line is no prompt with a command.

    >>> echoed_command("hq-sw1#sh run")
    'sh run'
    >>> echoed_command("hq-sw1#") is None
    True
    """
    match = _PROMPT.match(line)
    return match.group("command") if match else None


_PROMPT_HOST: Final = r"^([A-Za-z][\w.-]{0,62})(?: ?\([\w.\-:/ ]+\))? ?[#>]"


def prompt_host(text: str) -> tuple[str, str] | None:
    """(host name, the prompt line) from the first CLI prompt with a typed command left in ``text``.

    >>> prompt_host("sw-2#show running-config | section interface\\ninterface Gi0/1")
    ('sw-2', 'sw-2#show running-config | section interface')
    >>> prompt_host("interface Gi0/1\\n description uplink") is None
    True
    """
    text = _without_escapes(text)
    for start in _marked_line_starts(text):
        match = _PROMPT_LINES.match(text, start)
        host = compiled(_PROMPT_HOST, 0).match(match.group(0)) if match and match.group("command") else None
        if match and host:
            return host.group(1), match.group(0).strip()
    return None


def looks_like_session(text: str) -> bool:
    """True when ``text`` holds two or more prompts with a typed command (a cheap test before splitting)."""
    text = _without_escapes(text)  # a prompt's matches start at a line start and stay within its line
    typed = (_PROMPT_LINES.match(text, start) for start in _marked_line_starts(text))
    return sum(1 for match in typed if match is not None and match.group("command")) >= 2


def _without_escapes(text: str) -> str:
    """CRLF as LF, cursor-left as backspaces, erase-in-line as markers for the replay, other escapes gone."""
    text = text.replace("\r\n", "\n")
    if "\x1b" not in text:  # every sequence starts with ESC
        return text
    text = compiled(_CURSOR_LEFT, 0).sub(lambda m: "\b" * int(m.group(1) or 1), text)
    text = compiled(_ERASE_TO_END, 0).sub(_EOL, text)
    return compiled(_ANSI, 0).sub("", compiled(_ERASE_LINE, 0).sub(_WHOLE, text))


_FLUSH_LEFT: Final = re.compile(r"^\S", re.MULTILINE)


def _undent(text: str) -> str:
    """A config pasted as an indented block (Markdown, e-mail) loses the indentation every line shares.

    Only from 4 columns on: show outputs indent all their lines by one or two spaces by design.
    """
    if _FLUSH_LEFT.search(text):
        return text  # a line starts at column 0: no shared margin
    margin = min((len(line) - len(line.lstrip()) for line in text.split("\n") if line.strip()), default=0)
    return textwrap.dedent(text) if margin >= 4 else text


def _replay(line: str) -> str:
    """The line as a terminal shows it: a backspace moves left, a CR returns to column 0, both overwrite.

    >>> _replay("abc\\b\\bXY")
    'aXY'
    >>> _replay("--More--\\r        \\rinterface Gi1")
    'interface Gi1'
    >>> _replay("lines 1-40 \\r" + _EOL + "  <a/>")
    '  <a/>'
    """
    if "\b" not in line and "\r" not in line and _EOL not in line and _WHOLE not in line:
        return line
    screen: list[str] = []
    col = 0
    for char in line:
        if char == "\b":
            col = max(col - 1, 0)
        elif char == "\r":
            col = 0
        elif char == _EOL:
            del screen[col:]
        elif char == _WHOLE:
            screen = [" "] * col
        else:
            if col < len(screen):
                screen[col] = char
            else:
                screen.append(char)
            col += 1
    return "".join(screen).rstrip()


def _strip_pager(line: str) -> str:
    """The line without a paging prompt, nor the spaces that erased it when a log dropped the backspaces.

    The device erases ` --More-- ` with as many spaces as it is long; any space beyond those is the
    indentation of the line that follows, and is kept.

    >>> _strip_pager(" --More-- " + " " * 10 + " switchport voice vlan 20")
    ' switchport voice vlan 20'
    """
    if compiled(_PAGER_LINE, 0).match(line):
        return ""
    match = compiled(_PAGER, 0).search(line)
    if match is None:
        return line
    rest = line[match.end() :]
    erased = min(len(rest) - len(rest.lstrip(" ")), len(match.group(0)))
    return _strip_pager(line[: match.start()] + rest[erased:])


def is_session_line(line: str) -> bool:
    """True for a prompt (with or without a command) or Junos's routing-engine line before one."""
    return bool(_PROMPT.match(line) or _JUNOS_RE_LINE.match(line))


def unfence(text: str) -> str:
    """The contents of the Markdown code fences in ``text``, or ``text`` itself when it has no closed fence.

    Prose around and between fences is dropped; the blocks are joined in order. A Markdown document that was
    itself wrapped in a fence turns the parity around (its prose lands "inside"): when the fenced lines are
    mostly prose and the rest is not, the rest is the config.

    >>> unfence("Here is the switch:\\n```\\nhostname sw1\\n```\\nThanks")
    'hostname sw1\\n'
    """
    if "```" not in text and "~~~" not in text:
        return text
    inside: list[str] = []
    outside: list[str] = []
    block: list[str] | None = None
    opener = ""
    fence_at = compiled(_FENCE, 0).match
    for line in text.split("\n"):
        fence = fence_at(line)
        if block is None and fence:
            block, opener = [], fence.group(1)
        elif block is not None and fence and _closes(opener, line):
            inside.extend(block)
            block = None
        else:
            (block if block is not None else outside).append(line)
    if not inside:
        return text
    outside.extend(block or [])  # a fence left open at the end was never a block
    # Flip only on a clear case: fenced lines mostly prose, the rest mostly not.
    flipped = _prose_share(inside) > 0.6 and _prose_share(outside) < 0.2
    kept = outside if flipped else inside
    return "".join(f"{line}\n" for line in kept)


def _closes(opener: str, line: str) -> bool:
    """A closing fence: the opener's character, at least as many of them, and nothing after (CommonMark)."""
    mark = line.strip()
    return bool(mark) and set(mark) == {opener[0]} and len(mark) >= len(opener)


def _prose_share(lines: list[str]) -> float:
    """The share of non-blank lines that read as Markdown prose rather than device output."""
    filled = [line for line in lines if line.strip()]
    prose = compiled(_PROSE, 0).search
    return sum(1 for line in filled if prose(line)) / len(filled) if filled else 0.0
