"""What every probe command shares: the not-assessed outcome (one line, JSON, exit 1)."""

from __future__ import annotations

import typer

from assess.console import err_console, print_json
from assess.errors import NotAssessedError

NOT_ASSESSED_EXIT = 1


def not_assessed(exc: NotAssessedError, as_json: bool) -> None:
    """Report a probe that could not measure, then exit 1 (the run itself was valid)."""
    err_console.print(f"[yellow]not assessed[/]: {exc.item}: {exc.reason}", soft_wrap=True)
    if as_json:
        print_json({"status": "not_assessed", "item": exc.item, "reason": exc.reason})
    raise typer.Exit(NOT_ASSESSED_EXIT)
