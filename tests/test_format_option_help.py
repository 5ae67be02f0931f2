"""`assess report` and `assess survey` offer --format as the same choice (pdf, html, json) and refuse others alike."""

from __future__ import annotations

import re

import pytest

from tests.help_screen import invoke_at_width


def _format_help_line(command: str) -> str:
    run = invoke_at_width([command, "--help"], 80)
    assert run.exit_code == 0, run.output
    return next(line for line in run.output.splitlines() if "--format" in line)


@pytest.mark.parametrize("command", ["report", "survey"])
def test_format_option_shows_the_choices(command: str) -> None:
    assert "<list[pdf|html|json]>" in _format_help_line(command)


@pytest.mark.parametrize("command", ["report", "survey"])
def test_unknown_format_is_refused_naming_the_choices(command: str, tmp_path) -> None:
    run = invoke_at_width([command, str(tmp_path), "--format", "xml"], 80)
    assert run.exit_code == 2
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", run.output).split())  # the error box, unwrapped
    assert "'xml' is not one of 'pdf', 'html', 'json'" in words
