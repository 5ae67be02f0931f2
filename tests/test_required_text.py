"""The literal shortcut before a regex pass never skips a pattern that matches (detection cues, secret rules).

Truth is the regex itself: on every corpus input, every sample config and hand-written texts, a pattern
that ``re.search`` finds must pass ``may_match``; and the shortcut must actually skip (else it is no shortcut).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from platforms.redact import RULES, SECTIONS, redact
from platforms.registry import UNITS
from platforms.required_text import folded, may_match, required_literals

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted(p for p in (ROOT / "tests" / "corpus").rglob("*") if p.is_file() and p.name != "expected.yaml")
TEXTS += sorted((ROOT / "samples" / "evidence").rglob("*.txt"))
PATTERNS = [c.pattern for u in UNITS.values() for c in u.cues] + [r.pattern for r in RULES]
PATTERNS += [s.start for s in SECTIONS]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pattern_that_matches_is_skipped(path: Path) -> None:
    text = path.read_text(errors="replace")
    seen = folded(text)
    missed = [p.pattern for p in PATTERNS if p.search(text) and not may_match(p, seen)]
    assert not missed


def test_the_shortcut_skips_patterns_whose_literals_are_absent() -> None:
    cue = re.compile(r"^[ \t]*switchport voice vlan \d+", re.MULTILINE | re.IGNORECASE)
    assert not may_match(cue, folded("interface Gi1/0/1\n switchport access vlan 10\n"))
    assert may_match(cue, folded("interface Gi1/0/1\n SWITCHPORT VOICE VLAN 20\n"))
    skipped = [r.name for r in RULES if not may_match(r.pattern, folded("hostname sw1\ninterface Gi1/0/1\n"))]
    assert "keyword-secret" in skipped and "snmp-community" in skipped


def test_look_alike_letters_a_case_blind_regex_equates_are_folded() -> None:
    # U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S match k and s under re.IGNORECASE.
    text = "enable \u017fecret 5 $1$abc$def\nsnmp-server community \u212aEY RO\n"
    pattern = re.compile(r"\bsecret\b", re.IGNORECASE)
    assert pattern.search(text) and may_match(pattern, folded(text))
    assert "$1$abc" not in redact(text) and "\u212aEY" not in redact(text)


@pytest.mark.parametrize(
    ("regex", "literals"),
    [
        (r"^[ \t]*mls qos\b", ("mls qos",)),
        (r"\b(ge|xe|et)-\d+/\d+/\d+", ("et-", "ge-", "xe-")),
        (r"^(Extended|Standard) IP access list \S+", ("extended ip access list ", "standard ip access list ")),
        (r"^\s+\S+$", ()),
        (r"(?:abc)?x", ("x",)),
        (r"(?:abc)*", ()),
    ],
)
def test_literals_read_from_the_pattern(regex: str, literals: tuple[str, ...]) -> None:
    assert required_literals(re.compile(regex, re.IGNORECASE)) == literals
