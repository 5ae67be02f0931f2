"""What every probe command shares: its request checked and run by the one probe runner, and the
not-assessed outcome (one line, JSON, exit 1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from assess.console import err_console, print_json, safe_text
from collectors.probes.codecs import CODECS
from collectors.probes.probe_runner import ProbeOutcome, ProbeResult, check_request, run_probe
from collectors.probes.requests import ProbeNotAssessed, ProbeRequest
from core.dscp import dscp_value
from core.errors import UserError

R = TypeVar("R", bound=ProbeResult)

NOT_ASSESSED_EXIT = 1


def codec_option(codec: str) -> str:
    """``--codec`` in lower case; a usage error naming the codecs when it is none of them."""
    name = codec.lower()
    if name not in CODECS:
        raise UserError(f"--codec {codec!r}: choose one of {', '.join(CODECS)}")
    return name


def dscp_option(dscp: str) -> int:
    """``--dscp`` (a name such as ef or a number 0-63) as its value; a usage error otherwise."""
    try:
        return dscp_value(dscp)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def checked(request: ProbeRequest) -> ProbeRequest:
    """``request`` when it is within its probe's hard caps; otherwise a usage error naming the cap."""
    try:
        check_request(request)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    return request


def not_assessed(outcome: ProbeNotAssessed, as_json: bool) -> None:
    """Report a probe that could not measure, then exit 1 (the run itself was valid)."""
    err_console.print(f"[yellow]not assessed[/]: {safe_text(outcome.item)}: {safe_text(outcome.reason)}",
                      soft_wrap=True)
    if as_json:
        print_json(outcome.model_dump())
    raise typer.Exit(NOT_ASSESSED_EXIT)


def expect(outcome: ProbeOutcome, result_type: type[R], as_json: bool) -> R:
    """The result in ``outcome``; a not-assessed outcome is reported and exits 1."""
    if isinstance(outcome, ProbeNotAssessed):
        not_assessed(outcome, as_json)
    if not isinstance(outcome, result_type):
        raise TypeError(f"the probe answered with {type(outcome).__name__}, not {result_type.__name__}")
    return outcome


def measure(request: ProbeRequest, result_type: type[R], as_json: bool) -> R:
    """Run ``request`` with the one probe runner; a not-assessed outcome is reported and exits 1."""
    return expect(run_probe(request), result_type, as_json)


def measure_and_report(request: ProbeRequest, result_type: type[R], as_json: bool,
                       summary: Callable[[R], None]) -> None:
    """Run ``request``; print its JSON or its summary, or the not-assessed outcome (exit 1)."""
    result = measure(request, result_type, as_json)
    if as_json:
        print_json(result)
    else:
        summary(result)
