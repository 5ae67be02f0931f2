"""Writes the table of literals of the layer's patterns: ``python -m platforms.pattern_table``.

Reading a pattern's literals parses it, as much work as compiling it; the table
(``platforms/_pattern_literals.py``, see :mod:`platforms.required_text`) holds them for every detection cue and
secret rule so that a command compiles only the patterns its text can match. A test fails when the table is not
what this writes now (a cue or rule added or changed since).
"""

from __future__ import annotations

import ast
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


PARSERS_DIR: Final = Path(__file__).with_name("parsers")
# The Cisco-like parsers' line lookups on their config tree (parsers/config_tree.py) and where each takes its regex.
LINE_LOOKUPS: Final = {"find_objects": 0, "top_lines": 1, "blocks": 1}


def patterns() -> list[tuple[str, int]]:
    """(regex, flags) of every detection cue of every unit, every secret rule and every line lookup regex the
    parsers spell out, sorted, once each."""
    found = {(cue.regex, int(cue.flags)) for unit in UNITS.values() for cue in unit.cues}
    found |= {(rule.regex, int(rule.flags)) for rule in RULES}
    found |= {(regex, 0) for path in sorted(PARSERS_DIR.glob("*.py")) for regex in lookup_regexes(path)}
    return sorted(found)


def lookup_regexes(path: Path) -> set[str]:
    """The regexes a parser module hands to a line lookup, written in the call or as a module-level constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: set[str] = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        at = LINE_LOOKUPS.get(name)
        if at is None or len(call.args) <= at:
            continue
        arg = call.args[at]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
        elif isinstance(arg, ast.Name) and arg.id in constants:
            found.add(constants[arg.id])
    return found


def render_pattern_literals() -> str:
    """The source of ``platforms/_pattern_literals.py`` for the patterns as they are now."""
    lines = [f"    {(regex, flags)!r}: {pattern_analysis(regex, flags)!r}," for regex, flags in patterns()]
    return HEADER + "\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    TABLE_PATH.write_text(render_pattern_literals(), encoding="utf-8")
