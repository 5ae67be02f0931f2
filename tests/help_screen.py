"""A command's --help screen at a given terminal width, whatever width an earlier test used.

typer reads TERMINAL_WIDTH once, when `typer.rich_utils` is first imported, and gives that width to every later
help screen in the process; so the width is set on the module for the call as well as in the environment.
"""

from __future__ import annotations

from unittest import mock

import typer.rich_utils
from click.testing import Result
from typer.testing import CliRunner

from assess.cli import app


def invoke_at_width(argv: list[str], width: int) -> Result:
    """Run ``assess ARGV`` in process with the terminal ``width`` columns wide."""
    with mock.patch.object(typer.rich_utils, "MAX_WIDTH", width):
        return CliRunner().invoke(app, argv, env={"COLUMNS": str(width), "TERMINAL_WIDTH": str(width)})
