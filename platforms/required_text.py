"""Skip a regex pass over a whole config when the text lacks a literal every match must contain.

Detection runs ~150 cue patterns and redaction ~30 secret patterns over each output; most find nothing, and a
``^[ \\t]*keyword`` search with re.MULTILINE tries every position of the text. A substring test (``in``) is
an order of magnitude cheaper, so each pattern is first reduced to the literals one of which any match holds
(read from the pattern's parse tree), and the regex runs only when one of them is in the text.

The test is sound (it never skips a pattern that could match): literals are compared lower-cased against a
folded text in which every character is lower-cased and every non-ASCII character that a case-insensitive
regex would equate with an ASCII letter (the Kelvin sign, the long s, dotted/dotless i) becomes that letter.

The literals of the layer's own patterns (the units' cues, the secret rules) are read once, when they change,
into a generated table (``platforms/_pattern_literals.py``): a command then compiles and runs only the patterns
whose literals its text holds (a small IOS config: ~40 of ~170 cues, ~10 of ~30 rules) instead of compiling
every one (Python's regex compiler is pure Python: ~0.1 ms a pattern, ~25 ms of `assess facts`).
"""

from __future__ import annotations

import importlib
import re
import string
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Iterator, Mapping
from functools import cache, cached_property
from itertools import accumulate
from typing import Any, Final, Generic, Protocol, TypeVar

from platforms._pattern_literals import PATTERN_LITERALS

try:  # the regex parser's tree; private, so a Python without it only loses the shortcut
    sre_constants: Any = importlib.import_module("re._constants")
    sre_parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - every supported Python has it
    sre_parser = None

Key = TypeVar("Key", bound=Hashable)  # what a PatternScan names its patterns by
Requirement = tuple[str, ...]  # any match contains one of these (lower case); () when nothing is known
_NOTHING: Final[Requirement] = ()
_MAX_ALTERNATIVES: Final = 64  # a run spelt more ways than this is not worth testing one by one


@cache
def required_literals(pattern: re.Pattern[str]) -> Requirement:
    """Lower-case literals of which every match of ``pattern`` contains at least one; () when unknown.

    >>> required_literals(re.compile(r"^[ \\t]*switchport voice vlan \\d+", re.M))
    ('switchport voice vlan ',)
    >>> sorted(required_literals(re.compile(r"\\b(secret|password) \\S+", re.I)))
    ['password ', 'secret ']
    >>> sorted(required_literals(re.compile(r"\\b(ge|xe)-\\d+/\\d+")))
    ['ge-', 'xe-']
    >>> required_literals(re.compile(r"^\\s+\\S+$"))
    ()
    """
    if sre_parser is None:
        return _NOTHING
    try:
        tree = _parsed(pattern)
    except Exception:  # a pattern the private parser reads differently: never skip it
        return _NOTHING
    return _required(list(tree)) or _NOTHING


@cache
def _parsed(pattern: re.Pattern[str]) -> Any:
    """The pattern's parse tree, read once for the questions asked of it here (literals, line-local, line starts)."""
    return sre_parser.parse(pattern.pattern, pattern.flags)


def _required(items: list[tuple[Any, Any]]) -> Requirement | None:
    """The strongest requirement among the runs of fixed text and the required sub-parts of one sequence.

    A run is the set of strings consecutive fixed items spell (``(ge|xe)-`` spells ``ge-`` or ``xe-``).
    """
    best: Requirement | None = None
    run: Requirement = ("",)

    def consider(candidate: Requirement | None) -> None:
        nonlocal best
        if not candidate or not all(c and c.isascii() for c in candidate):
            return
        if best is None or _strength(candidate) > _strength(best):
            best = candidate

    for op, av in items:
        spelt = _spelt(op, av)
        if spelt is not None and len(run) * len(spelt) <= _MAX_ALTERNATIVES:
            run = tuple(sorted({head + tail for head in run for tail in spelt}))
            continue
        consider(run)
        run = spelt or ("",)
        if spelt is None:
            consider(_required_in(op, av))
    consider(run)
    return best


def _spelt(op: Any, av: Any) -> Requirement | None:
    """The lower-case strings a fixed item can match (a literal, or a group/alternation of fixed text)."""
    if op is sre_constants.LITERAL:
        return (chr(av).lower(),)
    if op is sre_constants.SUBPATTERN:
        return _spelt_sequence(list(av[3]))
    if op is sre_constants.BRANCH:
        spelt = [_spelt_sequence(list(branch)) for branch in av[1]]
        if any(s is None for s in spelt):
            return None
        strings = {text for s in spelt for text in s or ()}
        return tuple(sorted(strings)) if len(strings) <= _MAX_ALTERNATIVES else None
    return None


def _spelt_sequence(items: list[tuple[Any, Any]]) -> Requirement | None:
    strings: Requirement = ("",)
    for op, av in items:
        spelt = _spelt(op, av)
        if spelt is None or len(strings) * len(spelt) > _MAX_ALTERNATIVES:
            return None
        strings = tuple(head + tail for head in strings for tail in spelt)
    return strings


def _required_in(op: Any, av: Any) -> Requirement | None:
    """The requirement of one item that is not fixed text: a group, an alternation, a repeat of at least once."""
    if op is sre_constants.SUBPATTERN:
        return _required(list(av[3]))
    if op is sre_constants.ATOMIC_GROUP:
        return _required(list(av))
    if op is sre_constants.BRANCH:
        alternatives = [_required(list(branch)) for branch in av[1]]
        if all(alternatives):
            return tuple(sorted({lit for alt in alternatives for lit in alt or ()}))
        return None
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _required(list(body)) if low >= 1 else None
    return None  # classes, anchors, look-arounds, back-references: nothing literal to rely on


def _strength(requirement: Requirement) -> int:
    return min(len(literal) for literal in requirement)


def folded(text: str) -> str:
    """``text`` lower-cased, with non-ASCII look-alikes of ASCII letters (under re.IGNORECASE) as the letter.

    >>> folded("Interface GI1/0/1 \\u212a")
    'interface gi1/0/1 k'
    """
    if text.isascii():
        return text.lower()
    table = {ord(ch): _ascii_equivalent(ch) for ch in set(text) if not ch.isascii()}
    return text.translate(table).lower()


@cache
def _ascii_equivalent(char: str) -> str:
    return next((letter for letter in string.ascii_lowercase if re.fullmatch(letter, char, re.IGNORECASE)), char)


def holds_any(required: Requirement, folded_text: str) -> bool:
    """True when ``folded_text`` holds one of the literals, or nothing is required."""
    return not required or any(literal in folded_text for literal in required)


# Reading a pattern's literals costs about as much as one search of this many characters: a pattern is read
# only once it has searched that much text, so one small config in a fresh process pays nothing extra.
PAYBACK_CHARS: Final = 50_000
_searched: dict[re.Pattern[str], int] = {}


def may_match(pattern: re.Pattern[str], folded_text: str) -> bool:
    """False only when ``pattern`` cannot match the text ``folded_text`` was folded from."""
    return holds_any(requirement(pattern, len(folded_text)), folded_text)


def requirement(pattern: re.Pattern[str], size: int) -> Requirement:
    """The pattern's literals once it has searched enough text to repay reading them (``size`` more now)."""
    searched = _searched.get(pattern, 0) + size
    if searched < PAYBACK_CHARS:
        _searched[pattern] = searched
        return _NOTHING
    return required_literals(pattern)


@cache
def compiled(regex: str, flags: int) -> re.Pattern[str]:
    """A :class:`LazyPattern`'s pattern, compiled on its first search and kept: the declaring records are tuples."""
    return re.compile(regex, flags)


class LazyPattern(Protocol):
    """A regex declared as text and flags, compiled (``pattern``) only when first searched with."""

    @property
    def regex(self) -> str: ...

    @property
    def flags(self) -> int: ...

    @property
    def pattern(self) -> re.Pattern[str]: ...


def needs(source: LazyPattern, size: int) -> tuple[Requirement, bool]:
    """The literals one of which any match holds, and whether its matches stay within a line.

    From the generated table without compiling the pattern; a pattern the table does not hold (added since it was
    generated) is compiled and read as :func:`requirement` and :func:`line_local` do.
    """
    known = PATTERN_LITERALS.get((source.regex, source.flags))
    if known is not None:
        return known
    required = requirement(source.pattern, size)
    return required, bool(required) and line_local(source.pattern)


def pattern_analysis(regex: str, flags: int) -> tuple[Requirement, bool]:
    """What the generated table holds for one pattern: its literals, and whether it is line-local."""
    pattern = re.compile(regex, flags)
    required = required_literals(pattern)
    return required, bool(required) and line_local(pattern)


@cache
def line_local(pattern: re.Pattern[str]) -> bool:
    """True when no match can span or touch a newline, so matching each line alone finds the same matches.

    Holds when nothing in the pattern can match a newline, it cannot match the empty string, ``^``/``$`` mean
    line edges (re.MULTILINE) and it has no ``\\A``/``\\Z``: then a line boundary looks to it exactly like
    the edge of a string (a newline is no word character, and no look-around can read across it).

    >>> line_local(re.compile(r"^[ \\t]*key[ \\t]+\\S+", re.M)), line_local(re.compile(r"<key>[^<]*</key>"))
    (True, False)
    """
    if sre_parser is None:
        return False
    try:
        tree = _parsed(pattern)
    except Exception:
        return False
    dotall = bool(pattern.flags & re.DOTALL)
    return tree.getwidth()[0] > 0 and _local(list(tree), bool(pattern.flags & re.MULTILINE), dotall)


_NEWLINE_CATEGORIES: Final = {"CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK"}
_EDGES: Final = {"AT_BEGINNING", "AT_END"}
_INNOCENT_AT: Final = {"AT_BOUNDARY", "AT_NON_BOUNDARY"}


def _local(items: list[tuple[Any, Any]], multiline: bool, dotall: bool) -> bool:
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            ok = av != 10
        elif name == "NOT_LITERAL":
            ok = av == 10
        elif name == "ANY":
            ok = not dotall
        elif name == "IN":
            ok = not _set_holds_newline(av)
        elif name == "AT":
            ok = str(av) in _INNOCENT_AT or (multiline and str(av) in _EDGES)
        elif name == "SUBPATTERN":  # (group, flags added, flags removed, body): `(?-m:...)` or `(?s:...)` is not local
            ok = not (av[2] & re.MULTILINE or av[1] & re.DOTALL) and _local(list(av[3]), multiline, dotall)
        elif name == "ATOMIC_GROUP":
            ok = _local(list(av), multiline, dotall)
        elif name == "BRANCH":
            ok = all(_local(list(branch), multiline, dotall) for branch in av[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            ok = _local(list(av[2]), multiline, dotall)
        elif name in ("ASSERT", "ASSERT_NOT"):
            ok = _local(list(av[1]), multiline, dotall)
        else:  # back-references, conditionals, anything new: not judged, so not local
            ok = False
        if not ok:
            return False
    return True


def _set_holds_newline(members: list[tuple[Any, Any]]) -> bool:
    negate, holds = False, False
    for op, av in members:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            holds = holds or av == 10
        elif name == "RANGE":
            holds = holds or av[0] <= 10 <= av[1]
        elif name == "CATEGORY":
            holds = holds or str(av) in _NEWLINE_CATEGORIES
        else:  # a member form not judged here: assume the worst
            return True
    return holds != negate


# Reading a text's words costs about as much as 25 searches of it, and pays only where most literals are absent:
# detection tests ~550 (most absent), redaction ~80 (many present, where the words only add work).
_WORDS_PAYBACK: Final = 96


class FoldedLines:
    """Lines of a text and their folded copy, to find the lines holding a literal with ``str.find``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        joined = "\n".join(lines)
        if joined.isascii():  # lower-casing keeps every line's length: the starts follow from the lines
            self.text = joined.lower()
            self._lengths = list(map(len, lines))
        else:
            texts = [folded(line) for line in lines]
            self.text = "\n".join(texts)
            self._lengths = [len(text) for text in texts]
        self._words: frozenset[str] | None = None  # the text's distinct words, read once enough literals are tested
        self._word_text = ""
        self._tests = 0

    def holds_any(self, required: Requirement) -> bool:
        """True when the folded text holds one of the literals, or nothing is required.

        A literal is looked for in the whole text only when each of its words is a word of the text (or, at
        its open ends, part of one): a set lookup or a search of the text's distinct words rules out most
        literals of the ~170 detection cues, which a search of the whole text each would cost ~5 ms a config.
        A word of the literal that whitespace bounds on both sides must be a whole word of the text; any other
        word of it lies within a word of the text.
        """
        if not required:
            return True
        text = self.text
        if self._words is None:
            self._tests += len(required)
            if self._tests < _WORDS_PAYBACK:
                return any(literal in text for literal in required)
            self._words = frozenset(text.split())
            self._word_text = " ".join(self._words)
        words, word_text = self._words, self._word_text
        for literal in required:
            whole, partial = _words_of(literal)
            if words.issuperset(whole) and all(part in word_text for part in partial) and literal in text:
                return True
        return False

    @cached_property
    def starts(self) -> list[int]:
        """Where each line starts in the folded text (read when lines are first looked up)."""
        return list(accumulate(map((1).__add__, self._lengths), initial=0))[:-1]

    def holding(self, required: Requirement) -> list[int]:
        """Indexes (in order) of the lines that hold one of the literals (lines_holding's walk, without a generator
        per literal: the parsers' line lookups call this tens of times a config)."""
        text, starts = self.text, self.starts
        last = len(starts) - 1
        found: set[int] = set()
        for literal in required:
            at = text.find(literal)
            while at != -1:
                index = bisect_right(starts, at) - 1
                found.add(index)
                at = text.find(literal, starts[index + 1]) if index < last else -1
        return sorted(found)

    def lines_holding(self, literal: str) -> Iterator[int]:
        """Indexes of the lines that hold ``literal``, first line first."""
        at = self.text.find(literal)
        while at != -1:
            index = bisect_right(self.starts, at) - 1
            yield index
            at = self.text.find(literal, self.starts[index + 1]) if index + 1 < len(self.starts) else -1


@cache
def _words_of(literal: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The whitespace-separated words of ``literal``: those whitespace bounds on both sides, and the others.

    >>> whole, partial = _words_of("switchport voice vlan ")
    >>> sorted(whole), partial
    (['vlan', 'voice'], ('switchport',))
    """
    parts = literal.split()
    last = len(parts) - 1
    opens, closes = literal[:1].isspace(), literal[-1:].isspace()
    whole = [part for at, part in enumerate(parts) if (at > 0 or opens) and (at < last or closes)]
    return frozenset(whole), tuple(part for part in parts if part not in whole)


def found_in(source: LazyPattern, text: str, index: FoldedLines) -> bool:
    """The source's pattern finds something in ``text``; ``index`` holds the lines of ``text``.

    Not compiled when the text lacks its literals; searches only the lines holding one when its matches stay
    within a line.
    """
    required, local = needs(source, len(index.text))
    if not index.holds_any(required):
        return False
    pattern = source.pattern
    if required and local:
        lines = index.lines
        return any(pattern.search(lines[at]) for literal in required for at in index.lines_holding(literal))
    return pattern.search(text) is not None


class LiteralScan:
    """Which of many literals a folded text holds, all found in one Aho-Corasick pass (pyahocorasick)."""

    def __init__(self, literals: Iterable[str]) -> None:
        import ahocorasick  # here: a process that handles one config never builds a scan (light commands' start-up)

        unique = dict.fromkeys(literals)
        # The automaton reports every occurrence: a one- or two-character literal (`m`, a newline) occurs hundreds
        # of times in a config, so those few are tested with `in` (one C scan each) instead.
        self._short = tuple(literal for literal in unique if len(literal) <= _SHORT_LITERAL)
        self._automaton = ahocorasick.Automaton()
        for literal in unique:
            if len(literal) > _SHORT_LITERAL:
                self._automaton.add_word(literal, literal)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def present(self, folded_text: str) -> set[str]:
        """The literals ``folded_text`` holds."""
        found = {literal for literal in self._short if literal in folded_text}
        if not self._empty:
            found.update(literal for _end, literal in self._automaton.iter(folded_text))
        return found


_SHORT_LITERAL: Final = 2


def weak(required: Requirement) -> bool:
    """True when one of the literals is so short (``m``, ``$``) that most lines of a config may hold it: finding
    those lines one by one costs more than one regex pass over the whole text."""
    return any(len(literal) <= _SHORT_LITERAL for literal in required)


class PatternScan(Generic[Key]):
    """Which of many patterns a text holds a match of, with one Aho-Corasick pass for all their literals.

    Detection weighs ~150 cues per config: one pass of an automaton over the folded text finds which of the
    cues' ~450 literals it holds (~0.3 ms a typical config, against ~3 ms for a substring test each), and only
    a pattern with a literal present is compiled and searched; one whose matches stay within a line, only on the
    lines holding one of its literals. The literals come from the generated table (a pattern it lacks is read).
    """

    def __init__(self, sources: Mapping[Key, LazyPattern]) -> None:
        self._sources = dict(sources)
        self._unknown: list[Key] = []  # no literal known: always searched
        self._local: set[Key] = set()
        self._by_literal: dict[str, list[Key]] = {}
        for key, source in self._sources.items():
            required, local = literals_of(source)
            if not required:
                self._unknown.append(key)
            if local:
                self._local.add(key)
            for literal in required:
                self._by_literal.setdefault(literal, []).append(key)
        self._literals = LiteralScan(self._by_literal)

    def matching(self, text: str, index: FoldedLines) -> set[Key]:
        """The keys of the patterns that ``pattern.search(text)`` finds in; ``index`` holds the lines of ``text``."""
        sources = self._sources
        found = {key for key in self._unknown if sources[key].pattern.search(text)}
        present: dict[Key, list[str]] = {}
        for literal in self._literals.present(index.text):
            for key in self._by_literal[literal]:
                present.setdefault(key, []).append(literal)
        lines, behind_newline = index.lines, ""
        for key, literals in present.items():
            pattern = sources[key].pattern
            if key in self._local:
                hit = any(pattern.search(lines[at]) for literal in literals for at in index.lines_holding(literal))
            elif (at_line_start := from_line_starts(pattern)) is not None:
                behind_newline = behind_newline or "\n" + text
                hit = at_line_start.search(behind_newline) is not None
            else:
                hit = pattern.search(text) is not None
            if hit:
                found.add(key)
        return found


def literals_of(source: LazyPattern) -> tuple[Requirement, bool]:
    """A pattern's literals and whether it is line-local: from the generated table without compiling it, else
    read from the compiled pattern (one added since the table was generated)."""
    known = PATTERN_LITERALS.get((source.regex, source.flags))
    return known if known is not None else pattern_analysis(source.regex, source.flags)


@cache
def from_line_starts(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` behind a newline, when each of its matches starts at a line start (``^`` with re.MULTILINE):
    it finds a match in ``"\\n" + text`` exactly when ``pattern`` finds one in ``text``. None otherwise.

    The regex engine tries a pattern at every position of a text, while one that begins with a fixed character
    it looks for first: it then jumps from newline to newline (several times faster on a config). The two agree
    because a position after the added newline looks like the start of the text to every construct left in the
    pattern: no look-behind, no ``\\A``, no group that switches re.MULTILINE.

    >>> cue = re.compile(r"^[ \\t]*version \\S+;\\s*$|^x", re.M)
    >>> from_line_starts(cue).pattern == "\\n(?:" + cue.pattern + ")"
    True
    >>> from_line_starts(re.compile(r"^x|y", re.M)) is None, from_line_starts(re.compile(r"^x")) is None
    (True, True)
    """
    if sre_parser is None or not pattern.flags & re.MULTILINE:
        return None
    try:
        items = list(_parsed(pattern))
        if not _starts_at_line_start(items) or not _blind_to_what_precedes(items):
            return None
        return re.compile(f"\n(?:{pattern.pattern})", pattern.flags)
    except Exception:  # a pattern the private parser reads differently, or global flags not at the start
        return None


def _starts_at_line_start(items: list[tuple[Any, Any]]) -> bool:
    """The sequence begins with ``^`` (re.MULTILINE), in every branch, or in a leading group that keeps the flags."""
    if not items:
        return False
    op, av = items[0]
    if op is sre_constants.AT:
        return av is sre_constants.AT_BEGINNING
    if op is sre_constants.BRANCH:
        return all(_starts_at_line_start(list(branch)) for branch in av[1])
    if op is sre_constants.SUBPATTERN:
        return not (av[1] | av[2]) & re.MULTILINE and _starts_at_line_start(list(av[3]))
    return False


def _blind_to_what_precedes(items: list[tuple[Any, Any]]) -> bool:
    """No look-behind, ``\\A``, conditional group or switch of re.MULTILINE anywhere in the pattern."""
    for op, av in items:
        if op is sre_constants.AT and av is sre_constants.AT_BEGINNING_STRING:
            return False
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if av[0] < 0 or not _blind_to_what_precedes(list(av[1])):
                return False
        elif op is sre_constants.SUBPATTERN:
            if (av[1] | av[2]) & re.MULTILINE or not _blind_to_what_precedes(list(av[3])):
                return False
        elif op is sre_constants.BRANCH:
            if not all(_blind_to_what_precedes(list(branch)) for branch in av[1]):
                return False
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            if not _blind_to_what_precedes(list(av[2])):
                return False
        elif op is sre_constants.ATOMIC_GROUP:
            if not _blind_to_what_precedes(list(av)):
                return False
        elif op is sre_constants.GROUPREF_EXISTS:
            return False
    return True
