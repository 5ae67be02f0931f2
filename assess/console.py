"""Shared terminal output: rich on stderr so ``--json`` stdout stays clean."""

from __future__ import annotations

import json
import sys

from pydantic import BaseModel
from rich.console import Console

err_console = Console(stderr=True, highlight=False)


def print_json(data: BaseModel | dict[str, object] | list[object]) -> None:
    """Write ``data`` as JSON on stdout, nothing else."""
    if isinstance(data, BaseModel):
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
