"""`python -m assess.farend [OPTIONS]`: `assess farend` without loading the rest of the tool.

The entry point of the container image and the systemd unit (quick to start on a far-end host).
"""

import sys

import typer

from assess.console import err_console
from assess.farend.command import farend
from core.errors import UserError

try:
    typer.run(farend)
except UserError as exc:
    err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
    sys.exit(exc.exit_code)
