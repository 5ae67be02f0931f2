"""`python -m tests.one_probe probe NAME ARGS...`: one `assess probe` command without the rest of the CLI.

It registers the same command module on a fresh probe group and handles errors like
``assess.cli.main``; importing every other command (parsers and all) takes seconds on a loaded machine.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from assess.console import err_console
from core.errors import UserError


def run(argv: list[str]) -> None:
    """Dispatch ``probe NAME ARGS`` to ``assess.commands.probe_NAME``; anything else to the full CLI."""
    module = f"assess.commands.probe_{argv[1].replace('-', '_')}" if len(argv) > 1 and argv[0] == "probe" else ""
    try:
        command = import_module(module) if module else None
    except ModuleNotFoundError:
        command = None
    if command is None:
        from assess.cli import main

        sys.argv = ["assess", *argv]
        main()
        return
    app = typer.Typer(pretty_exceptions_enable=False)
    probe_app = typer.Typer()
    app.add_typer(probe_app, name="probe")
    command.register(probe_app)
    try:
        app(argv)
    except UserError as exc:
        err_console.print(f"error: {exc}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    run(sys.argv[1:])
