"""The literal shortcut before a regex pass never skips a pattern that matches (detection cues, secret rules).

Truth is the regex itself: on every corpus input, every sample config and hand-written texts, a pattern
that ``re.search`` finds must hold one of its literals; redaction with the shortcut equals every rule over the
whole text; and the shortcut must actually skip (else it is no shortcut).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platforms import pattern_table
from platforms._pattern_literals import PATTERN_LITERALS
from platforms.base import Platform
from platforms.redact import RULES, SECTIONS, _redact_sections, _replacer, patterns_for, redact
from platforms.registry import UNITS
from platforms.required_text import (
    _WORDS_PAYBACK,
    FoldedLines,
    folded,
    from_line_starts,
    holds_any,
    line_local,
    may_match,
    required_literals,
)

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted(p for p in (ROOT / "tests" / "corpus").rglob("*") if p.is_file() and p.name != "expected.yaml")
TEXTS += sorted((ROOT / "samples" / "evidence").rglob("*.txt"))
PATTERNS = [c.pattern for u in UNITS.values() for c in u.cues] + [r.pattern for r in RULES]
PATTERNS += [s.start for s in SECTIONS]
# The parsers' line lookups (config_tree.ConfigTree.find_objects), whose literals the generated table holds too.
PATTERNS += [re.compile(regex) for regex, flags in pattern_table.patterns() if flags == 0]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pattern_that_matches_is_skipped(path: Path) -> None:
    text = path.read_text(errors="replace")
    seen = folded(text)
    missed = [p.pattern for p in PATTERNS if p.search(text) and not holds_any(required_literals(p), seen)]
    assert not missed


def _redact_every_rule_over_the_whole_text(text: str) -> str:
    """Redaction without the shortcut: every rule over the whole text, in order, then the sections."""
    for rule in patterns_for(None):
        text = rule.pattern.sub(_replacer(rule.replacement), text)
    return "\n".join(_redact_sections(text.split("\n")))


def test_redaction_with_the_shortcut_equals_every_rule_over_the_whole_text() -> None:
    # All inputs as one text: far past the size from which the shortcut reads literals and works per line.
    text = "\n".join(p.read_text(errors="replace") for p in TEXTS)
    assert len(text) > 200_000
    assert redact(text) == _redact_every_rule_over_the_whole_text(text)


def test_redaction_with_the_literal_scan_equals_every_rule_over_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from platforms import redact as redaction

    monkeypatch.setattr(redaction, "_redacted_chars", redaction.SCAN_PAYBACK_CHARS)  # as after many configs
    monkeypatch.setattr(redaction, "_scans", {})
    texts = [p.read_text(errors="replace") for p in TEXTS]
    assert [redact(t) for t in texts] == [_redact_every_rule_over_the_whole_text(t) for t in texts]
    assert redaction._scans, "the scan of the rules' literals was never built"


def test_only_patterns_that_cannot_cross_a_line_are_run_per_line() -> None:
    assert line_local(re.compile(r"(\bcommunity[ \t]+)\S+", re.M | re.I))
    assert not line_local(re.compile(r"(<key>)[^<]*(?=</key>)", re.M))  # [^<] takes newlines
    assert not line_local(re.compile(r"secret\s+\S+", re.M))  # \s takes a newline
    assert not line_local(re.compile(r"^key \S+"))  # without re.M, ^ is the start of the text
    assert not line_local(re.compile(r"key.*", re.S | re.M))
    assert not line_local(re.compile(r"x*", re.M))  # matches the empty string


def test_the_shortcut_skips_patterns_whose_literals_are_absent() -> None:
    cue = re.compile(r"^[ \t]*switchport voice vlan \d+(?#a pattern object of its own)", re.MULTILINE | re.IGNORECASE)
    access = folded("interface Gi1/0/1\n switchport access vlan 10\n")
    assert not holds_any(required_literals(cue), access)
    assert holds_any(required_literals(cue), folded("interface Gi1/0/1\n SWITCHPORT VOICE VLAN 20\n"))
    # may_match reads the literals only once the pattern has searched enough text to repay reading them
    big = access * 5000
    assert may_match(cue, access) and not may_match(cue, big)
    skipped = [r.name for r in RULES if not holds_any(required_literals(r.pattern), folded("hostname sw1\n"))]
    assert "keyword-secret" in skipped and "snmp-community" in skipped


def test_look_alike_letters_a_case_blind_regex_equates_are_folded() -> None:
    # U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S match k and s under re.IGNORECASE.
    text = "enable \u017fecret 5 $1$abc$def\nsnmp-server community \u212aEY RO\n"
    pattern = re.compile(r"\bsecret\b", re.IGNORECASE)
    assert pattern.search(text) and holds_any(required_literals(pattern), folded(text))
    assert "$1$abc" not in redact(text) and "\u212aEY" not in redact(text)


def test_a_pattern_searched_from_line_starts_finds_what_it_finds_in_the_text() -> None:
    texts = [p.read_text(errors="replace") for p in TEXTS]
    shifted = [p for p in PATTERNS if from_line_starts(p) is not None]
    assert len(shifted) > 20  # the cues that can cross a line: most start at a line start
    for pattern in shifted:
        behind_newline = from_line_starts(pattern)
        assert behind_newline is not None
        assert [bool(pattern.search(t)) for t in texts] == [bool(behind_newline.search("\n" + t)) for t in texts]


@pytest.mark.parametrize(
    "regex",
    [r"(?<=x)^a", r"^a|b", r"\A^a", r"^(?-m:^a)", r"^(a)?(?(1)b|c)", r"(?m:^a)", r"x^a"],
)
def test_patterns_that_can_see_what_precedes_a_line_are_not_shifted(regex: str) -> None:
    assert from_line_starts(re.compile(regex, re.MULTILINE)) is None


@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "b", " ", "\n", "\t", "-", "ab"]), max_size=20).map("".join))
def test_shifted_search_agrees_on_any_text(text: str) -> None:
    for regex in (r"^a\s*$", r"^\s*b", r"^$", r"^\bab\b|^ \B", r"^[^\n]*\n b", r"^(?=a)a\s+(?!b)", r"(^a|^ b)\s*$"):
        pattern = re.compile(regex, re.MULTILINE)
        shifted = from_line_starts(pattern)
        assert shifted is not None, regex
        assert bool(pattern.search(text)) == bool(shifted.search("\n" + text)), (regex, text)


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


def test_detection_with_the_shortcut_equals_searching_every_cue(monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors.loader import load_evidence
    from platforms import detection
    from platforms.parsers import registry

    outputs = [registry.normalised(load_evidence(p)) for p in TEXTS if p.suffix != ".md"]
    monkeypatch.setattr(detection, "SCAN_PAYBACK_CHARS", float("inf"))  # each config as in a fresh process
    one_by_one = [registry.detect(evidence).model_dump() for evidence in outputs]
    monkeypatch.setattr(detection, "SCAN_PAYBACK_CHARS", 0)  # as after many configs: the one-pass scan
    monkeypatch.setattr(detection, "_scans", {})
    shortcut = [registry.detect(evidence).model_dump() for evidence in outputs]
    assert detection._scans, "the one-pass scan of the cues was never built"

    def every_cue_searched(texts: list[tuple[str, object]], units: list[Platform]) -> set[tuple[str, int]]:
        cues = [c for u in units for c in u.cues]
        return {(c.regex, c.flags) for c in cues if any(c.pattern.search(text) for text, _ in texts)}

    monkeypatch.setattr(detection, "_cues_found", every_cue_searched)
    truth = [registry.detect(evidence).model_dump() for evidence in outputs]
    assert one_by_one == truth
    assert shortcut == truth


def test_config_tree_queries_equal_a_search_of_every_line() -> None:
    from benchmarks.bench_audit import ios_config
    from platforms.parsers.cisco_common import parse_config

    tree = parse_config(ios_config(6_000))  # past the size from which queries search only lines with literals
    for regex in (r"^interface\s+(.+?)\s*$", r"^\s+switchport", r"^policy-map(?:\s+type\s+(\S+))?\s+(\S+)\s*$",
                  r"^mls qos$", r"^\s+ip nat enable$", r"^ip route 0\.0\.0\.0 0\.0\.0\.0 (\S+)"):  # fmt: skip
        tree.find_objects(regex)
        assert tree.find_objects(regex) == [o for o in tree.objs if re.search(regex, o.text)], regex


@settings(max_examples=600, deadline=None)
@given(
    text=st.lists(st.sampled_from(["a", "b", "ab", " ", "\t", "\n", "\xa0", "-", "vlan"]), max_size=30).map("".join),
    literal=st.lists(st.sampled_from(["a", "b", " ", "\t", "\n", "\xa0", "-", "vlan"]), min_size=1, max_size=8).map(
        "".join
    ),
)
def test_the_word_index_answers_as_a_search_of_the_whole_text(text: str, literal: str) -> None:
    """FoldedLines.holds_any rules a literal out by the text's words only when ``in`` would not find it."""
    index = FoldedLines(text.split("\n"))
    for _ in range(_WORDS_PAYBACK):  # enough tests for the index to read the text's words
        index.holds_any(("\x00",))
    assert index.holds_any((literal,)) == (literal in index.text)


def test_the_parsers_line_lookup_regexes_are_found_in_their_source() -> None:
    # Read off platforms/parsers/cisco_ios.py and cisco_mqc.py by hand: one written in the call, one a constant.
    parsers = ROOT / "platforms" / "parsers"
    assert r"^mls qos$" in pattern_table.lookup_regexes(parsers / "cisco_ios.py")
    assert r"^policy-map(?:\s+type\s+(\S+))?\s+(\S+)\s*$" in pattern_table.lookup_regexes(parsers / "cisco_mqc.py")
    assert (r"^mls qos$", 0) in PATTERN_LITERALS


def test_the_table_of_literals_is_what_the_patterns_give_now() -> None:
    from platforms.pattern_table import TABLE_PATH, render_pattern_literals

    assert TABLE_PATH.read_text(encoding="utf-8") == render_pattern_literals(), "run: python -m platforms.pattern_table"


# In a fresh interpreter: detect and redact a small IOS config, then count the patterns that were compiled.
COMPILED_SCRIPT = """
import sys
from pathlib import Path
import platforms.required_text as required_text
asked = set()  # (regex, flags) of every pattern compiled through required_text.compiled, as cues and rules are
real = required_text.compiled
required_text.compiled = lambda regex, flags: asked.add((regex, flags)) or real(regex, flags)
from collectors.loader import load_evidence
from platforms.parsers import registry
from platforms.redact import RULES, redact
outputs = {command: redact(text) for command, text in registry.normalised(load_evidence(Path(sys.argv[1]))).items()}
detection = registry.detect(outputs)
cues = [cue for unit in registry.UNITS.values() for cue in unit.cues]
print(detection.platform, sum((c.regex, c.flags) in asked for c in cues), len(cues),
      sum((r.regex, r.flags) in asked for r in RULES), len(RULES))
"""


def test_a_small_config_compiles_only_the_patterns_whose_literals_it_holds() -> None:
    import subprocess
    import sys

    config = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"
    done = subprocess.run([sys.executable, "-c", COMPILED_SCRIPT, str(config)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True)  # fmt: skip
    platform, cues, all_cues, rules, all_rules = done.stdout.split()
    assert platform == "cisco_ios"
    # By hand: the config holds the literals of ~40 of the cues (IOS and IOS-XE syntax) and ~10 of the rules.
    assert 0 < int(cues) < int(all_cues) / 3
    assert 0 < int(rules) < int(all_rules) / 2
