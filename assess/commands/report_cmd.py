"""`assess report`: re-render reports from saved results, optionally compared with an older run."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.commands.report_format import ReportFormat
from assess.console import err_console
from core.atomic import ensure_out_dir, write_atomic
from core.models.site import SiteResult
from core.safe_names import inside


def report(
    results_dir: Path = typer.Argument(..., help="A survey's output directory (holds <site>/results.json)."),
    formats: list[ReportFormat] = typer.Option(
        [ReportFormat.PDF],
        "--format",
        "-f",
        help="pdf, html or json; repeat for several (json: portfolio.json, comparison.json).",
    ),
    compare: Path | None = typer.Option(
        None, "--compare", help="An older results directory of the same plan: show what changed since then."
    ),
    out: Path | None = typer.Option(None, "--out", help="Where to write the reports (default: RESULTS_DIR)."),
    company: str | None = typer.Option(None, help="Customer name on the reports (default: from portfolio.json)."),
    consultant: str | None = typer.Option(None, help="Consultant name (default: from portfolio.json)."),
    page_size: str | None = typer.Option(None, "--page-size", help="A4 or Letter (default: from portfolio.json)."),
) -> None:
    """Re-render the site and portfolio reports from saved results, without measuring again."""
    # Imported here: WeasyPrint and matplotlib take seconds, which every other command would pay for.
    from assess.report import build_portfolio, render_portfolio, render_site
    from assess.report.compare import compare_sites
    from assess.report.load import load_portfolio, load_site_results
    from assess.report.render import check_page_size

    fmt = [f.value for f in formats]
    saved = load_portfolio(results_dir)
    size = check_page_size(page_size or (saved.page_size if saved else "A4"))  # before the pilot rewrites results
    sites = _with_monitoring(results_dir, load_site_results(results_dir))
    company = company or (saved.company if saved else "") or "Customer"
    consultant = consultant if consultant is not None else (saved.consultant if saved else "")
    previous = _previous(compare, sites) if compare else {}
    out_dir = ensure_out_dir(out or results_dir)
    written: list[Path] = []
    for site in sites:
        site_dir = inside(out_dir, site.site)  # the site name came from a file: it must stay under --out
        written += render_site(
            site,
            site_dir,
            company=company,
            consultant=consultant,
            page_size=size,
            formats=fmt,
            previous=previous.get(site.site),
        )
        if "json" in fmt and site.site in previous:
            path = site_dir / "comparison.json"
            write_atomic(path, compare_sites(previous[site.site], site).model_dump_json(indent=2))
            written.append(path)
    portfolio = build_portfolio(sites, company, consultant=consultant, page_size=size)
    written += render_portfolio(
        portfolio, sites, out_dir, company=company, consultant=consultant, page_size=size, formats=fmt
    )
    if "json" in fmt:
        write_atomic(out_dir / "portfolio.json", portfolio.model_dump_json(indent=2))
        written.append(out_dir / "portfolio.json")
    for path in written:
        err_console.print(f"wrote {path}")


def _with_monitoring(results_dir: Path, sites: list[SiteResult]) -> list[SiteResult]:
    """The sites judged again with RESULTS_DIR/monitor.sqlite when present; their results.json updated."""
    from assess.monitor.pilot_results import apply_store
    from assess.monitor.store import STORE_NAME

    store = results_dir / STORE_NAME
    updated = apply_store(sites, store)
    for before, after in zip(sites, updated, strict=True):
        if after is not before:
            write_atomic(results_dir / after.site / "results.json", after.model_dump_json(indent=2))
            err_console.print(f"{after.site}: link quality judged on the pilot monitoring in {store}")
    return updated


def _previous(old_dir: Path, sites: list[SiteResult]) -> dict[str, SiteResult]:
    from assess.report.load import load_site_results

    old = {s.site: s for s in load_site_results(old_dir)}
    missing = [s.site for s in sites if s.site not in old]
    if missing:
        err_console.print(f"[yellow]no earlier results for {', '.join(missing)} in {old_dir}; not compared[/]")
    return old


def register(app: typer.Typer) -> None:
    """Add `assess report` to ``app``."""
    app.command("report")(report)
