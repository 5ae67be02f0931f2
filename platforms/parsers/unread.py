"""Lines inside voice-relevant blocks that a parser did not read, as parse warnings (they surface in VQ511).

Each parser decides what it reads in its QoS and filtering blocks (a policy-map class, a Junos scheduler, an
applied ACL) and which commands it knows carry nothing for voice; any other line there is a command it did
not understand — a typo, or syntax it does not support — whose fact would otherwise be lost in silence
(``priority level 1 percent 20`` read as "no priority"). This module only words and bounds the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from core.models.facts import DeviceFacts

LINES_SHOWN: Final = 3  # lines quoted per block
BLOCKS_WARNED: Final = 8  # blocks warned one by one; the rest are counted in one more warning


def unread_lines(lines: Iterable[str], understood: re.Pattern[str], among: re.Pattern[str] | None = None) -> list[str]:
    """The (stripped, non-blank, non-comment) lines that ``understood`` does not match at their start; with
    ``among``, only those of the lines it matches at their start (tested first: it rules out most lines).

    >>> unread_lines([" priority percent 20", " prority 100", "!"], re.compile(r"priority\\b"))
    ['prority 100']
    """
    read = [line for line in (line.strip() for line in lines) if line and not line.startswith("!")]
    if among is not None:
        read = [line for line in read if among.match(line)]
    return [line for line in read if not understood.match(line)]


def unread_warning(block: str, lines: Sequence[str]) -> str:
    """One warning naming the block and its first unread lines.

    >>> unread_warning("policy-map WAN class VOICE", ["prority 100"])
    'policy-map WAN class VOICE: 1 line not understood, its facts may be missing: `prority 100`'
    """
    shown = ", ".join(f"`{line}`" for line in lines[:LINES_SHOWN])
    more = f" (+{len(lines) - LINES_SHOWN} more)" if len(lines) > LINES_SHOWN else ""
    noun = "line" if len(lines) == 1 else "lines"
    return f"{block}: {len(lines)} {noun} not understood, its facts may be missing: {shown}{more}"


def warn_unread(facts: DeviceFacts, blocks: Iterable[tuple[str, list[str]]]) -> None:
    """Add a warning per block with unread lines to ``facts`` (at most BLOCKS_WARNED, then one count)."""
    found = [(block, lines) for block, lines in blocks if lines]
    facts.parse_warnings.extend(unread_warning(block, lines) for block, lines in found[:BLOCKS_WARNED])
    if len(found) > BLOCKS_WARNED:
        rest = found[BLOCKS_WARNED:]
        count = sum(len(lines) for _, lines in rest)
        facts.parse_warnings.append(f"{len(rest)} more blocks hold {count} lines not understood")
