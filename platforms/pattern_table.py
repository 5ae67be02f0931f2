"""Writes the table of literals of the layer's patterns: ``python -m platforms.pattern_table``.

Reading a pattern's literals parses it, as much work as compiling it; the table
(``platforms/_pattern_literals.py``, see :mod:`platforms.required_text`) holds them for every detection cue and
secret rule so that a command compiles only the patterns its text can match. A test fails when the table is not
what this writes now (a cue or rule added or changed since).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from platforms.redact import RULES
from platforms.registry import UNITS
from platforms.required_text import pattern_analysis

TABLE_PATH: Final = Path(__file__).with_name("_pattern_literals.py")
HEADER: Final = '''"""Literals of the platform layer's patterns (platforms/required_text.py); generated: do not edit.

Written by ``python -m platforms.pattern_table``: (regex, flags) -> (literals one of which any match holds,
whether matches stay within a line).
"""

# ruff: noqa: E501
from typing import Final

PATTERN_LITERALS: Final[dict[tuple[str, int], tuple[tuple[str, ...], bool]]] = {
'''


def patterns() -> list[tuple[str, int]]:
    """(regex, flags) of every detection cue of every unit and of every secret rule, sorted, once each."""
    found = {(cue.regex, int(cue.flags)) for unit in UNITS.values() for cue in unit.cues}
    found |= {(rule.regex, int(rule.flags)) for rule in RULES}
    return sorted(found)


def render_pattern_literals() -> str:
    """The source of ``platforms/_pattern_literals.py`` for the patterns as they are now."""
    lines = [f"    {(regex, flags)!r}: {pattern_analysis(regex, flags)!r}," for regex, flags in patterns()]
    return HEADER + "\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    TABLE_PATH.write_text(render_pattern_literals(), encoding="utf-8")
