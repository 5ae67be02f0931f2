"""What every probe command shares: the not-assessed outcome (one line, JSON, exit 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from pydantic import BaseModel

from assess.console import err_console, print_json, safe_text
from core.errors import NotAssessedError

R = TypeVar("R", bound=BaseModel)

NOT_ASSESSED_EXIT = 1


def not_assessed(exc: NotAssessedError, as_json: bool) -> None:
    """Report a probe that could not measure, then exit 1 (the run itself was valid)."""
    err_console.print(f"[yellow]not assessed[/]: {safe_text(exc.item)}: {safe_text(exc.reason)}", soft_wrap=True)
    if as_json:
        print_json({"status": "not_assessed", "item": exc.item, "reason": exc.reason})
    raise typer.Exit(NOT_ASSESSED_EXIT)


def measure_and_report(measure: Callable[[], R], as_json: bool, summary: Callable[[R], None]) -> None:
    """Run a probe; print its JSON or its summary, or the not-assessed outcome (exit 1)."""
    try:
        result = measure()
    except NotAssessedError as exc:
        not_assessed(exc, as_json)
        return
    if as_json:
        print_json(result)
    else:
        summary(result)
