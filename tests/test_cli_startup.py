"""Start-up: each command imports only what it uses; `--help` lists every command without importing them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_group

from assess.command_table import COMMANDS, PROBE_COMMANDS

ROOT = Path(__file__).resolve().parents[1]
SMALL_CONFIG = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"

# Seconds of import each, and none of them needed to print help, an E-model, a capacity sum or facts.
HEAVY = ("numpy", "matplotlib", "weasyprint", "netmiko", "paramiko", "napalm", "scapy", "dpkt", "jinja2")

# Prints the heavy modules loaded once the command has finished (atexit runs after SystemExit).
PROBE_SCRIPT = """
import atexit, json, sys
heavy = json.loads(sys.argv[1])
atexit.register(lambda: print("LOADED=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy))))
sys.argv = ["assess", *sys.argv[2:]]
from assess.cli import main
main()
"""


def loaded_modules(args: list[str]) -> tuple[list[str], set[str]]:
    """Run ``assess ARGS`` in a fresh interpreter; return the heavy modules it imported and all top-level names."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT, json.dumps([*HEAVY, "pydantic"]), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines()[::-1] if x.startswith("LOADED="))
    names = json.loads(line.removeprefix("LOADED="))
    return [n for n in names if n.split(".")[0] in HEAVY], {n.split(".")[0] for n in names}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["emodel", "--codec", "g711", "--delay-ms", "80"],
        ["capacity", "--calls", "10", "--codec", "g711"],
        ["facts", str(SMALL_CONFIG)],
    ],
    ids=["help", "emodel", "capacity", "facts"],
)
def test_light_command_imports_no_heavy_module(args: list[str]) -> None:
    heavy, _ = loaded_modules(args)
    assert heavy == []


def test_help_imports_neither_pydantic_nor_any_command_module() -> None:
    _, names = loaded_modules(["--help"])
    assert "pydantic" not in names
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from assess.cli import main; sys.argv=['assess','--help']; main()"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    for name in [*COMMANDS, "probe"]:
        assert f"\n  {name} " in done.stdout


@pytest.mark.parametrize("table", [COMMANDS, PROBE_COMMANDS], ids=["assess", "probe"])
def test_table_help_is_the_commands_own_first_paragraph(table: dict) -> None:
    """The static help `--help` prints must not drift from the command's docstring."""
    for name, entry in table.items():
        holder = typer.Typer()
        importlib.import_module(entry.module).register(holder)
        command = get_group(holder).commands[name]
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert entry.help == first_paragraph, name
