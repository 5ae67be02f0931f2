"""`assess survey` and `assess demo`: the whole job, for a plan or for the bundled sample."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from assess.commands.report_format import ReportFormat
from assess.console import err_console, safe_text
from assess.sample_survey import sample_dir
from core.atomic import ensure_out_dir
from core.errors import UserError
from core.models.common import Status, Verdict
from core.plan import load_plan

if TYPE_CHECKING:
    from assess.survey import SurveyOptions, SurveyOutcome


class FailOn(StrEnum):
    """When `survey`/`demo` should exit non-zero."""

    NEVER = "never"
    NO_GO = "no-go"  # a site is NO-GO, or INCOMPLETE with a NO-GO cause already found
    INCOMPLETE = "incomplete"  # as no-go, and also any site the evidence could not decide


VERDICT_STYLE = {
    Verdict.GO: "bold green",
    Verdict.CONDITIONAL: "bold yellow",
    Verdict.NO_GO: "bold red",
    Verdict.INCOMPLETE: "bold magenta",
}
FAIL_ON_HELP = (
    "Exit 1 when any site is NO-GO or 'INCOMPLETE, NO-GO so far' (`no-go`), or also when any site is "
    "INCOMPLETE (`incomplete`)."
)


def _run(plan_path: Path, opts: SurveyOptions) -> SurveyOutcome:
    from assess.survey import run_survey  # heavy (parsers, netmiko, WeasyPrint): only when surveying

    plan = load_plan(plan_path)
    for note in plan.deprecation_notes():
        err_console.print(f"note: {plan_path}: {note}")
    opts = dataclasses.replace(opts, plan_dir=plan_path.parent)  # captures are relative to the plan
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console, transient=True
    ) as progress:
        task = progress.add_task("starting", total=None)
        outcome = run_survey(plan, opts, notify=lambda msg: progress.update(task, description=msg))
    _summary(outcome, opts.out_dir)
    return outcome


def _summary(outcome: SurveyOutcome, out_dir: Path) -> None:
    table = Table(title="Readiness by site", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                  collapse_padding=True, pad_edge=False)
    # Without vertical rules, and with counts that never wrap, an 80-column terminal has room for the site's
    # name (boxed, it cut "Headquarters, Leeds" to "Headqua…" and the counts' headers in two).
    table.add_column("site", min_width=14)
    table.add_column("verdict", min_width=len("CONDITIONAL"))
    for col in ("score", "coverage", "fail", "warn", "unknown", "not assessed"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in outcome.results:
        counts = {s: sum(1 for f in r.findings if f.status == s) for s in (Status.FAIL, Status.WARN, Status.UNKNOWN)}
        verdict = f"[{VERDICT_STYLE[r.verdict]}]{r.verdict.value}[/]"
        if r.verdict_so_far is not None:
            verdict += f" ({r.verdict_so_far.value} so far)"
        table.add_row(
            safe_text(r.title or r.site),
            verdict,
            "–" if r.score is None else f"{r.score:.0f}",
            "–" if r.coverage is None else f"{r.coverage.pct:.0f} %",
            *(str(n) for n in counts.values()),
            str(len(r.not_assessed)),
        )
    err_console.print(table)
    for r in outcome.results:
        if r.verdict is Verdict.INCOMPLETE:
            err_console.print(f"{r.site}: {r.verdict_reason}")
        for gap in r.not_assessed:  # why, here and now: the consultant may still be on site to fix it
            err_console.print(f"{r.site}: not assessed: {safe_text(gap.item)}: {safe_text(gap.reason)}")
    err_console.print(f"reports and results in {out_dir}/ (portfolio.pdf, <site>/report.pdf, <site>/results.json)")


def _exit_code(outcome: SurveyOutcome, fail_on: FailOn) -> int:
    no_go = any(Verdict.NO_GO in (r.verdict, r.verdict_so_far) for r in outcome.results)
    incomplete = any(r.verdict is Verdict.INCOMPLETE for r in outcome.results)
    if fail_on is FailOn.NO_GO:
        return 1 if no_go else 0
    if fail_on is FailOn.INCOMPLETE:
        return 1 if no_go or incomplete else 0
    return 0


def survey(
    plan: Path = typer.Argument(..., help="The survey plan (YAML; start from `assess init`)."),
    out: Path = typer.Option(Path("out/survey"), "--out", help="Folder for evidence, results and reports."),
    offline: Path | None = typer.Option(
        None, "--offline", help="Re-audit saved evidence (EVIDENCE/<site>/<device>/, <site>/_links/) instead of "
        "logging in and probing."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in --out: devices and "
                                "probes already saved there are not repeated."),
    fail_on: FailOn = typer.Option(FailOn.NEVER, "--fail-on", help=FAIL_ON_HELP),
    accept_new_host_keys: bool = typer.Option(
        False, "--accept-new-host-keys", help="Trust a device's SSH key on first contact and record it "
        "(a changed key is still refused). Default: keys must already be in --known-hosts."
    ),
    known_hosts: Path = typer.Option(Path("~/.ssh/known_hosts"), "--known-hosts", help="SSH known_hosts file."),
    workers: int = typer.Option(8, "--workers", min=1, max=64, help="Devices collected at the same time."),
    formats: list[ReportFormat] = typer.Option(
        [], "--format", help="Report formats to write (repeat: pdf, html, json); default: the plan's `report.formats`."
    ),
    secret: str | None = typer.Option(
        None, "--secret", envvar="ASSESS_SECRET", show_envvar=True,
        help="Shared secret of the far-end reflector (prefer the environment variable).",
    ),
    rtp_duration: float = typer.Option(30.0, "--rtp-duration", min=1, max=300, help="Seconds of synthetic RTP "
                                       "per link (capped at 300)."),
) -> None:
    """Survey every site of PLAN: collect device evidence, probe each WAN link, check, score and report.

    Writes OUT/<site>/results.json and report.pdf per site and OUT/portfolio.pdf + portfolio.json.
    Exit 0 when the run completed, whatever the verdicts (see --fail-on); 2 on a bad plan.
    """
    from assess.link_survey import LinkProbeOptions
    from assess.survey import SurveyOptions
    from collectors.base import CollectOptions

    if offline is not None and not offline.is_dir():
        raise UserError(f"--offline {offline}: no such evidence folder")
    opts = SurveyOptions(
        out_dir=ensure_out_dir(out),
        offline_evidence=offline,
        resume=resume,
        collect=CollectOptions(workers=workers, known_hosts=known_hosts, accept_new_host_keys=accept_new_host_keys),
        probes=LinkProbeOptions(rtp_duration_s=rtp_duration, secret=secret),
        formats=tuple(f.value for f in formats) or None,
    )
    raise typer.Exit(_exit_code(_run(plan, opts), fail_on))


def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the demo's results and reports."),
    lab: bool = typer.Option(
        False, "--lab", help="Build a network-namespace lab per sample link (root) and survey it live: SSH into "
        "each site's lab router, probe each link through it (a few minutes)."
    ),
    fail_on: FailOn = typer.Option(FailOn.NEVER, "--fail-on", help=FAIL_ON_HELP),
) -> None:
    """Run the bundled sample survey (three sites of a fictional company) end to end.

    Offline by default: saved device outputs and recorded probe results are re-audited, scored and
    rendered to OUT/portfolio.pdf and OUT/<site>/report.pdf. With --lab the same is done live against
    labs built from network namespaces on this machine (needs root): each site's router is a Linux
    router in a namespace, collected over SSH (its nftables, tc and sysctl audited), and each WAN link
    is probed through it (RTP, bandwidth, NAT, SIP ALG, ports). OUT also gets lab-plan.yaml and
    known_hosts. Every namespace and process is removed afterwards.
    """
    ensure_out_dir(out)
    if lab:
        from assess.lab_demo import run_lab_demo  # imported late: only the lab needs root tools

        raise typer.Exit(_exit_code(run_lab_demo(out, _run), fail_on))
    from assess.survey import SurveyOptions

    samples = sample_dir()
    opts = SurveyOptions(out_dir=out, offline_evidence=samples / "evidence",
                         monitor_store=samples / "monitor" / "monitor.sqlite")
    raise typer.Exit(_exit_code(_run(samples / "plan.yaml", opts), fail_on))


def register(app: typer.Typer) -> None:
    """Add `survey` and `demo` to ``app``."""
    app.command()(survey)
    app.command()(demo)
