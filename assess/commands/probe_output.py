"""Shared output of the traversal probes: JSON on stdout or a short summary, and the exit code."""

from __future__ import annotations

import typer

from assess.commands.probe_common import NOT_ASSESSED_EXIT
from assess.console import err_console, neutralise, print_json, safe_text, shown
from collectors.probes.probe_runner import ProbeResult, unassessed_reason


def emit(result: ProbeResult, as_json: bool, summary: list[tuple[str, object]]) -> None:
    """Print ``result``; exit 1 with one line when the probe could not assess."""
    reason = unassessed_reason(result)
    if as_json:
        print_json(result)
    else:
        for key, value in summary:
            typer.echo(f"{key:<24} {neutralise(shown(value, missing='not measured'))}")
    if reason is not None:
        err_console.print(f"[yellow]not assessed:[/] {safe_text(reason)}", soft_wrap=True)
        raise typer.Exit(NOT_ASSESSED_EXIT)
