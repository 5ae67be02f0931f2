"""`python -m assess.reflector [--bind ADDR]... [--port N] [--secret S]`: the reflector alone.

Same options as `assess reflector`, without loading the rest of the tool (quick to start on a
far-end server or in the lab).
"""

import sys

import typer

from assess.commands.reflector_cmd import reflector
from assess.console import err_console
from assess.errors import UserError

try:
    typer.run(reflector)
except UserError as exc:
    err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
    sys.exit(exc.exit_code)
