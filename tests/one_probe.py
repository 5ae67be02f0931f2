"""`python -m tests.one_probe probe NAME ARGS...`: one `assess probe` command without the rest of the CLI.

It registers the same command module on a fresh probe group and handles errors like
``assess.cli.main``; importing every other command (parsers and all) takes seconds on a loaded machine.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from assess.console import err_console
from assess.errors import UserError

MODULES = {"rtp": "probe_rtp", "bandwidth": "probe_bandwidth", "dscp-trace": "probe_dscp_trace"}


def run(argv: list[str]) -> None:
    """Dispatch ``probe NAME ARGS``."""
    if len(argv) < 2 or argv[0] != "probe" or argv[1] not in MODULES:
        raise SystemExit(f"usage: python -m tests.one_probe probe {{{','.join(MODULES)}}} ARGS")
    app = typer.Typer(pretty_exceptions_enable=False)
    probe_app = typer.Typer()
    app.add_typer(probe_app, name="probe")
    import_module(f"assess.commands.{MODULES[argv[1]]}").register(probe_app)
    try:
        app(argv)
    except UserError as exc:
        err_console.print(f"error: {exc}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    run(sys.argv[1:])
