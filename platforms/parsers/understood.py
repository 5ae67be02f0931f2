"""Warnings for what a parser could not have understood: leftover terminal bytes, or nothing voice-relevant.

Run on the normalised outputs after parsing, for every platform, so no parser drops data silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from core.models.facts import DeviceFacts

# Control bytes (tab excepted) or pager fragments the normaliser could not resolve.
_RESIDUE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|--More--|---\(more")
# The facts voice rules read. Parsers fill some from the platform's defaults (EOS tx-queues, a FortiGate's
# SIP ALG), so "recognised nothing" means: no different from what a blank configuration gives.
VOICE_FIELDS: Final[set[str]] = set(
    {
        "vlans",
        "ports",
        "class_maps",
        "policies",
        "attachments",
        "dscp_remarks",
        "nat_enabled",
        "sip_alg",
        "firewall_rules",
        "udp_timeout_s",
        "sip_timeout_s",
        "lldp_neighbors",
        "poe_budget_w",
        "poe_used_w",
    }
)


def understanding_warnings(facts: DeviceFacts, blank: DeviceFacts, outputs: Mapping[str, str]) -> list[str]:
    """Parse warnings about the outputs themselves; ``blank`` is what the parser makes of a blank config."""
    warnings = [w for command, text in outputs.items() if (w := _residue_warning(command, text))]
    if _same_voice_facts(facts, blank):
        lines = sum(1 for text in outputs.values() for line in text.splitlines() if line.strip())
        warnings.append(f"parsed {lines} lines, recognised nothing voice-relevant: unsupported syntax?")
    return warnings


def _same_voice_facts(facts: DeviceFacts, blank: DeviceFacts) -> bool:
    """The voice facts equal the blank config's (lists of other lengths differ without dumping thousands of ports)."""
    for name in VOICE_FIELDS:
        mine, theirs = getattr(facts, name), getattr(blank, name)
        if isinstance(mine, list) and isinstance(theirs, list) and len(mine) != len(theirs):
            return False
    return facts.model_dump(include=VOICE_FIELDS) == blank.model_dump(include=VOICE_FIELDS)


def _residue_warning(command: str, text: str) -> str | None:
    if _free_of_residue(text):
        return None
    residue = [n for n, line in enumerate(text.splitlines(), 1) if _RESIDUE.search(line)]
    if not residue:
        return None
    return (
        f"output of {command!r}: {len(residue)} line(s) still hold terminal control bytes or pager prompts "
        f"(first at line {residue[0]}); facts on those lines may be missing"
    )


def _free_of_residue(text: str) -> bool:
    """True when no line can hold residue: no pager fragment, and every character but newline and tab printable
    (each control byte is not). Three passes of C, where the pattern would be tried at every position of each line.
    """
    if "--More--" in text or "---(more" in text:
        return False
    return text.replace("\n", "").replace("\t", "").isprintable()
