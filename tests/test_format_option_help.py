"""`assess report` and `assess survey` offer --format as the same choice (pdf, html, json) and refuse others alike."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from assess.cli import app

COLUMNS_80 = {"COLUMNS": "80", "TERMINAL_WIDTH": "80"}  # as test_help_wrap.py: the first width used sticks


def _format_help_line(command: str) -> str:
    run = CliRunner().invoke(app, [command, "--help"], env=COLUMNS_80)
    assert run.exit_code == 0, run.output
    return next(line for line in run.output.splitlines() if "--format" in line)


@pytest.mark.parametrize("command", ["report", "survey"])
def test_format_option_shows_the_choices(command: str) -> None:
    assert "<list[pdf|html|json]>" in _format_help_line(command)


@pytest.mark.parametrize("command", ["report", "survey"])
def test_unknown_format_is_refused_naming_the_choices(command: str, tmp_path) -> None:
    run = CliRunner().invoke(app, [command, str(tmp_path), "--format", "xml"], env=COLUMNS_80)
    assert run.exit_code == 2
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", run.output).split())  # the error box, unwrapped
    assert "'xml' is not one of 'pdf', 'html', 'json'" in words
