"""`python -m assess.farend [OPTIONS]`: `assess farend` without loading the rest of the tool.

The entry point of the container image and the systemd unit (quick to start on a far-end host).
"""

import sys

import typer

from assess.commands.farend_cmd import farend
from assess.console import err_console
from assess.errors import UserError

try:
    typer.run(farend)
except UserError as exc:
    err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
    sys.exit(exc.exit_code)
