"""Shared output of the traversal probes: JSON on stdout or a short summary, and the exit code."""

from __future__ import annotations

import os

import typer
from pydantic import BaseModel

from assess.console import err_console, neutralise, print_json, safe_text

NOT_ASSESSED_EXIT = 1


def secret_value(secret: str | None) -> str | None:
    """The shared reflector secret from ``--secret`` or ``ASSESS_SECRET`` (never printed)."""
    value = secret if secret is not None else os.environ.get("ASSESS_SECRET")
    return value or None


def secret_bytes(secret: str | None) -> bytes | None:
    """:func:`secret_value` as bytes."""
    value = secret_value(secret)
    return value.encode() if value else None


def emit(result: BaseModel, as_json: bool, summary: list[tuple[str, object]]) -> None:
    """Print ``result``; exit 1 with one line when the probe could not assess."""
    assessed = bool(getattr(result, "assessed", True))
    if as_json:
        print_json(result)
    else:
        for key, value in summary:
            typer.echo(f"{key:<24} {neutralise(value)}")
    if not assessed:
        err_console.print(f"[yellow]not assessed:[/] {safe_text(getattr(result, 'reason', ''))}", soft_wrap=True)
        raise typer.Exit(NOT_ASSESSED_EXIT)
