"""Every command's --help reads as wrapped paragraphs on an 80-column terminal, not as the docstring's lines.

Before: `assess demo --help` printed "... are re-audited, scored and" / "rendered to OUT/portfolio.pdf ..." with a
stub line after each full one, because the docstring's own line breaks (at ~100 columns) were kept.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from assess.command_table import COMMANDS, PROBE_COMMANDS
from tests.help_screen import invoke_at_width

WIDTH = 80
COMMAND_LINES = [[name] for name in COMMANDS] + [["probe", name] for name in PROBE_COMMANDS]


def description_lines(help_screen: str) -> list[str]:
    """The lines between the usage line and the first box (the command's own text)."""
    lines = help_screen.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("╭")), len(lines))
    return [line.rstrip() for line in lines[start:end]]


def stub_lines(lines: list[str]) -> list[str]:
    """Lines followed, in the same paragraph, by a line whose first word would have fitted on them."""
    stubs = []
    for line, after in pairwise(lines):
        if line.strip() and after.strip() and len(line) + 1 + len(after.split()[0]) <= WIDTH - 1:
            stubs.append(f"{line!r} then {after!r}")
    return stubs


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_help_text_is_wrapped_to_the_terminal(argv: list[str]) -> None:
    run = invoke_at_width([*argv, "--help"], WIDTH)
    assert run.exit_code == 0, run.output
    lines = description_lines(run.output)
    assert any(line.strip() for line in lines), run.output
    assert max(len(line) for line in lines) <= WIDTH
    assert stub_lines(lines) == []


def test_a_ragged_screen_is_caught() -> None:
    # the check itself, on the demo's help as it printed before (hand-copied from an 80-column terminal)
    ragged = [" Offline by default: saved device outputs and recorded probe results are", " re-audited, scored and",
              " rendered to OUT/portfolio.pdf and OUT/<site>/report.pdf. With --lab the same"]
    assert stub_lines(ragged) == [f"{ragged[1]!r} then {ragged[2]!r}"]
