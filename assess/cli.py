"""The ``assess`` command line: one typer app; each command's module (``assess.commands``) loads on use."""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import Any

import typer
from typer.core import TyperGroup
from typer.main import get_group

from assess import __version__, startup_gc
from assess.command_table import COMMANDS, PROBE_COMMANDS, CommandEntry
from assess.help_text import reflowed
from assess.plain_params import plain_params, use_plain_params
from assess.pydantic_plugins import disable_plugins
from core.errors import UserError

# pydantic looks for plugins through every installed distribution's entry points the first time a
# model is built (~0.1 s of a light command's start-up); assess uses none.
disable_plugins()


@cache
def load_command(module: str, name: str) -> Any:
    """Import the module of one command and return the click command its ``register`` adds."""
    # Imported here, not at the top: `--help` loads no command and needs neither (start-up speed).
    from assess.netutils_version import import_without_version_lookup

    holder = typer.Typer()
    import_without_version_lookup()  # netutils without its __init__'s metadata lookup (assess/netutils_version.py)
    importlib.import_module(module).register(holder)
    use_plain_params(holder)
    command = get_group(holder).commands[name]
    command.help = reflowed(command.help)
    return command


class LazyCommandGroup(TyperGroup):
    """A command group that imports a command's module only when that command is used.

    ``--help`` lists the static ``table`` (plain click layout: rich's help formatter alone
    costs more than the start-up budget of a light command).
    """

    table: dict[str, CommandEntry] = COMMANDS

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_params(super().get_params(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.table, *self.commands]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = self.table.get(cmd_name)
        if entry is not None:
            command = load_command(entry.module, cmd_name)
            startup_gc.resume()  # the command's module and models are loaded: start-up is over
            return command
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super(TyperGroup, self).format_help(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, entry.help) for name, entry in self.table.items()]
        rows += [(name, command.get_short_help_str(200)) for name, command in self.commands.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class LazyProbeGroup(LazyCommandGroup):
    """`assess probe`: the probe commands, loaded the same way."""

    table = PROBE_COMMANDS


app = typer.Typer(
    name="assess",
    cls=LazyCommandGroup,
    help=(
        "VoIP readiness survey: audit routers, switches and firewalls for voice QoS, NAT and "
        "firewall settings, measure each WAN link (jitter, loss, MOS, DSCP, NAT, SIP ALG), "
        "and write a scored GO / CONDITIONAL / NO-GO report per site.\n\n"
        "Start with `assess init plan.yaml`, then `assess survey plan.yaml`. "
        "`assess demo` runs the bundled sample survey."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
probe_app = typer.Typer(
    cls=LazyProbeGroup,
    help="Active measurements of a WAN link against a far-end `assess reflector`, iperf3 or STUN server.",
    no_args_is_help=True,
)
app.add_typer(probe_app, name="probe")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assess {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """VoIP network readiness and QoS assessment."""


def main() -> None:
    """Console entry point: user errors become one line and exit code 2."""
    if getattr(sys.modules.get("__main__"), "main", None) is main:  # the `assess` program, not a caller's process
        startup_gc.pause()
    try:
        app()
    except (UserError, KeyboardInterrupt, OSError) as exc:
        from assess.console import err_console, safe_text  # rich only when there is something to say

        if isinstance(exc, KeyboardInterrupt):
            err_console.print("[yellow]interrupted[/]")
            sys.exit(130)
        if isinstance(exc, UserError):
            err_console.print(f"[bold red]error:[/] {safe_text(exc)}", soft_wrap=True)
            sys.exit(exc.exit_code)
        # a file the user pointed at that cannot be written or read: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        err_console.print(f"[bold red]error:[/] {safe_text(where)}{safe_text(exc.strerror or exc)}", soft_wrap=True)
        sys.exit(UserError.exit_code)
    finally:
        startup_gc.resume()  # when no command ran (--help, a usage error): for a caller that goes on
