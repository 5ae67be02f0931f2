"""`assess farend`: every far-end service in one command, or `--check HOST` that each answers."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer
from pydantic import ValidationError

from assess.console import err_console, print_json, safe_text
from assess.farend.check import FarendCheck, check_farend
from assess.farend.config import SERVICES, FarendConfig, FarendPorts
from assess.farend.runner import Farend, run_farend
from collectors.probes.target import split_host_port
from core.errors import UserError
from core.service_ports import IPERF3_PORT, REFLECTOR_PORT, STAMP_PORT, STUN_PORT


def farend(
    bind: list[str] = typer.Option(["0.0.0.0"], "--bind", help="Address to serve on (repeat: two give RFC 5780 STUN)."),
    secret: str | None = typer.Option(
        None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
        help="One shared secret for reflector, STUN and STAMP. Prefer the environment variable.",
    ),
    check: str | None = typer.Option(
        None, "--check", metavar="HOST[:PORT]",
        help="Do not serve: check from here that every service of the far end HOST answers (PORT: the reflector's).",
    ),
    reflector_port: int = typer.Option(REFLECTOR_PORT, "--reflector-port", min=1, max=65535,
                                       help="Reflector UDP port."),
    iperf3_port: int = typer.Option(IPERF3_PORT, "--iperf3-port", min=0, max=65535,
                                    help="iperf3 server TCP port (0: off)."),
    stun_port: int = typer.Option(STUN_PORT, "--stun-port", min=0, max=65534,
                                  help="STUN UDP port and the next (0: off)."),
    stamp_port: int = typer.Option(STAMP_PORT, "--stamp-port", min=0, max=65535,
                                   help="STAMP (RFC 8762) UDP port (0: off)."),
    only: str | None = typer.Option(None, "--only", help=f"With --check: comma list of {', '.join(SERVICES)}."),
    log_dir: Path | None = typer.Option(None, "--log-dir", help="Where the iperf3 child writes its log."),
    iperf3_max_mbps: float = typer.Option(1000.0, "--iperf3-max-mbps", min=1, max=100_000,
                                          help="iperf3 aborts a test faster than this (total, Mbit/s)."),
    as_json: bool = typer.Option(False, "--json", help="With --check: print the result as JSON."),
) -> None:
    """Run the reflector, the iperf3 bandwidth responder, the STUN responder and the STAMP
    session-reflector with one secret; one status line per service; SIGTERM or Ctrl-C stops all.

    With --check HOST, verify from the laptop that each service of that far end answers (with
    the secret) and name each dead one (exit 1 when any is dead).
    """
    try:
        ports = FarendPorts(reflector=reflector_port, iperf3=iperf3_port, stun=stun_port, stamp=stamp_port)
    except ValidationError as exc:
        raise UserError(exc.errors()[0]["msg"]) from exc
    if check is not None:
        _check(check, ports, secret or None, _services(only), as_json)
        return
    try:
        cfg = FarendConfig(binds=bind, secret=secret or None, ports=ports, log_dir=log_dir,
                           iperf3_max_mbps=iperf3_max_mbps)
    except ValidationError as exc:
        raise UserError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    _serve(cfg)


def _services(only: str | None) -> list[str] | None:
    if only is None:
        return None
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SERVICES]
    if unknown or not names:
        raise UserError(f"--only {only!r}: choose from {', '.join(SERVICES)}")
    return names


def _status(line: str) -> None:
    err_console.print(f"farend: {safe_text(line)}", soft_wrap=True, highlight=False)


def _serve(cfg: FarendConfig) -> None:
    service = Farend(cfg, _status)
    try:
        service.open()
    except OSError as exc:
        if service.iperf3 is not None:
            service.iperf3.stop()
        raise UserError(f"cannot start the far end: {exc.strerror or exc}") from exc
    _status(f"pid {os.getpid()}; SIGTERM or Ctrl-C stops every service")
    try:
        asyncio.run(run_farend(service))
    finally:
        _status(f"stopped; reflector counters {service.reflector.counters.model_dump()}")


def _check(target: str, ports: FarendPorts, secret: str | None, only: list[str] | None, as_json: bool) -> None:
    host, reflector_port = split_host_port(target, ports.reflector)
    found: FarendCheck = check_farend(host, ports.model_copy(update={"reflector": reflector_port}), secret, only)
    if as_json:
        print_json(found)
    else:
        for svc in found.services:
            typer.echo(f"{svc.service:<10} {'ok  ' if svc.ok else 'DEAD'} {svc.target:<24} {safe_text(svc.detail)}")
    if found.dead:
        names = ", ".join(f"{s.service} ({s.target})" for s in found.dead)
        err_console.print(f"[bold red]far end {safe_text(host)}: not answering:[/] {safe_text(names)}", soft_wrap=True)
        if secret is None and any(s.service != "iperf3" for s in found.dead):  # iperf3 alone takes no secret
            err_console.print("no secret given: a far end started with one ignores unsigned requests; "
                              "set ASSESS_SECRET (or --secret) to the far end's secret and check again", soft_wrap=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `assess farend` to ``app``."""
    app.command()(farend)
