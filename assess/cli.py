"""The ``assess`` command line: one typer app, each command group in ``assess.commands``."""

from __future__ import annotations

import sys

import typer

from assess import __version__
from assess.commands import capacity as capacity_cmd
from assess.commands import (
    device_cmds,
    farend_cmd,
    monitor_cmd,
    plan_cmds,
    probe_bandwidth,
    probe_dscp_trace,
    probe_rtp,
    probe_stamp,
    reflector_cmd,
    report_cmd,
    survey_cmds,
)
from assess.commands import emodel as emodel_cmd
from assess.commands import pcap as pcap_cmd
from assess.commands import probe_nat as probe_nat_cmd
from assess.commands import probe_ports as probe_ports_cmd
from assess.commands import probe_sip_alg as probe_sip_alg_cmd
from assess.commands import probe_sip_path as probe_sip_path_cmd
from assess.console import err_console, safe_text
from assess.errors import UserError

app = typer.Typer(
    name="assess",
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


# Order here is the order of `assess --help`: the main job first, then tools.
survey_cmds.register(app)
report_cmd.register(app)
monitor_cmd.register(app)
device_cmds.register(app)
reflector_cmd.register(app)
farend_cmd.register(app)
pcap_cmd.register(app)
emodel_cmd.register(app)
capacity_cmd.register(app)
plan_cmds.register(app)
probe_rtp.register(probe_app)
probe_stamp.register(probe_app)
probe_bandwidth.register(probe_app)
probe_nat_cmd.register(probe_app)
probe_sip_alg_cmd.register(probe_app)
probe_ports_cmd.register(probe_app)
probe_sip_path_cmd.register(probe_app)
probe_dscp_trace.register(probe_app)


def main() -> None:
    """Console entry point: user errors become one line and exit code 2."""
    try:
        app()
    except UserError as exc:
        err_console.print(f"[bold red]error:[/] {safe_text(exc)}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]")
        sys.exit(130)
    except OSError as exc:  # a file the user pointed at that cannot be written or read: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        err_console.print(f"[bold red]error:[/] {safe_text(where)}{safe_text(exc.strerror or exc)}", soft_wrap=True)
        sys.exit(UserError.exit_code)
