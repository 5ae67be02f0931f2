"""Render benchmark: one site report and a 100-site portfolio, split into where the time goes.

Phases: view (scoring data → rows and matplotlib SVG charts), template (Jinja2 → HTML),
layout (WeasyPrint HTML → pages) and write (pages → PDF bytes, fonts subset and embedded).
Figures are measured in one run and printed; nothing is asserted.

    .venv/bin/python -m benchmarks.bench_render [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from weasyprint import HTML

from assess.report import build_portfolio, charts, render_site
from assess.report.chart_worker import DeferredCharts
from assess.report.parallel import SiteReportJob, default_workers, render_sites
from assess.report.portfolio import portfolio_view
from assess.report.render import fewer_collections, layout, pdf_bytes, render_html
from assess.report.view import site_view
from benchmarks.common import Row
from core.models.site import SiteResult
from tests.report_fixtures import all_sites

T = TypeVar("T")
COMPANY = "Northwind Logistics Ltd"
TITLE = "Report rendering: one site PDF and a 100-site portfolio PDF, by phase"


@dataclass(frozen=True)
class Phase:
    """Wall and CPU seconds of one phase (CPU matters on a shared machine)."""

    wall: float
    cpu: float

    def row(self, metric: str) -> Row:
        return Row(metric, round(self.wall, 3), "s", f"CPU {self.cpu:.2f} s")


def _timed(fn: Callable[[], T]) -> tuple[T, Phase]:
    cpu0, start = time.process_time(), time.perf_counter()
    out = fn()
    return out, Phase(time.perf_counter() - start, time.process_time() - cpu0)


def _total(*phases: Phase) -> Phase:
    return Phase(sum(p.wall for p in phases), sum(p.cpu for p in phases))


def many_sites(n: int) -> list[SiteResult]:
    """``n`` sites cycled from the three fixture sites, each with its own name."""
    base = all_sites()
    out = []
    for i in range(n):
        site = base[i % 3].model_copy(deep=True)
        site.site, site.title = f"{site.site}-{i:03d}", f"{site.title} #{i:03d}"
        out.append(site)
    return out


@fewer_collections()
def bench_site(site: SiteResult, tmp: Path, chart_worker: bool) -> list[Row]:
    """Phases of rendering one site report to PDF, with the calls (and GC setting) of ``render_site``.

    With ``chart_worker`` (render_site's default on more than one core) a worker process draws the
    charts while WeasyPrint parses and styles the HTML; the layout phase includes any wait for them.
    """
    deferred = DeferredCharts() if chart_worker else None
    label = "site" if chart_worker else "site, one core"
    where = "sent to the worker process" if chart_worker else "matplotlib here"
    view, t_view = _timed(
        lambda: site_view(
            site, company=COMPANY, consultant="Jane Doe", page_size="A4", chart=deferred or charts.drawn_here
        )
    )
    html, t_tpl = _timed(lambda: render_html("site.html.j2", inline_css=False, v=view))
    doc, t_layout = _timed(lambda: layout(html, str(tmp), deferred.fetcher() if deferred else None))
    _, t_write = _timed(lambda: (tmp / "report.pdf").write_bytes(pdf_bytes(doc)))
    return [
        t_view.row(f"{label}: view, charts {where}"),
        t_tpl.row(f"{label}: Jinja2 template"),
        t_layout.row(f"{label}: WeasyPrint layout" + (" (waits for the charts)" if chart_worker else "")),
        t_write.row(f"{label}: PDF write (drawing, fonts subset)"),
        _total(t_view, t_tpl, t_layout, t_write).row(f"{label}: total" + (" (CPU: this process)" * chart_worker)),
        Row(f"{label}: pages", float(len(doc.pages)), "pages"),
    ]


def _pdf(html: str) -> bytes:
    return pdf_bytes(layout(html, ""))


def bench_site_charts(site: SiteResult) -> list[Row]:
    """Layout and write CPU of the site report with and without its SVG charts (what the charts cost WeasyPrint)."""
    out = []
    for label, with_charts in (("with charts", True), ("without charts", False)):
        view = site_view(site, company=COMPANY, consultant="", page_size="A4", with_charts=with_charts)
        html = render_html("site.html.j2", inline_css=False, v=view)
        _, t = _timed(partial(_pdf, html))
        out.append(t.row(f"site: layout + write {label}"))
    return out


@fewer_collections()
def bench_portfolio(n: int, tmp: Path) -> list[Row]:
    """Phases of building and rendering an ``n``-site portfolio to PDF (as render_portfolio does it)."""
    sites = many_sites(n)
    pf, t_build = _timed(lambda: build_portfolio(sites, COMPANY, consultant="Jane Doe"))
    view = portfolio_view(pf, company=COMPANY, consultant="Jane Doe", page_size="A4")
    html, t_tpl = _timed(lambda: render_html("portfolio.html.j2", inline_css=False, v=view))
    doc, t_layout = _timed(lambda: layout(html, str(tmp)))
    _, t_write = _timed(lambda: (tmp / "portfolio.pdf").write_bytes(pdf_bytes(doc)))
    return [
        t_build.row(f"portfolio {n}: build + drift"),
        t_tpl.row(f"portfolio {n}: Jinja2 template"),
        t_layout.row(f"portfolio {n}: WeasyPrint layout"),
        t_write.row(f"portfolio {n}: PDF write (fonts subset)"),
        _total(t_build, t_tpl, t_layout, t_write).row(f"portfolio {n}: total"),
        Row(f"portfolio {n}: pages", float(len(doc.pages)), "pages"),
    ]


def bench_parallel_sites(n: int, tmp: Path) -> list[Row]:
    """The site reports of an ``n``-site survey (the sample sites replicated): serial, then one process per core.

    Serial, each report's CPU is taken (as ``render_sites(jobs, workers=1)`` renders them, one after
    another in this process) to show whether a long run slows down; in parallel, the worker processes'
    own CPU (``RUSAGE_CHILDREN``), so that a speed-up above the core count is seen for what it is.
    """
    jobs = [SiteReportJob(site, tmp / site.site, COMPANY, "Jane Doe", formats=("pdf",)) for site in many_sites(n)]
    workers = default_workers()
    per_report = [_timed(partial(render_sites, [job], workers=1))[1] for job in jobs]
    serial = _total(*per_report)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    render_sites(jobs, workers=workers)
    parallel = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    tenth = max(n // 10, 1)
    first, last = (_total(*part).cpu / tenth for part in (per_report[:tenth], per_report[-tenth:]))
    return [
        Row(f"{n} site reports, serial", round(serial.wall, 2), "s", f"CPU {serial.cpu:.1f} s"),
        Row(f"{n} site reports, {workers} processes", round(parallel, 2), "s", "wall"),
        Row(f"{n} site reports: speed-up vs serial", round(serial.wall / parallel, 2), "x", f"{workers} cores"),
        Row("serial: CPU per report, first tenth", round(first, 3), "s", f"reports 1-{tenth}"),
        Row("serial: CPU per report, last tenth", round(last, 3), "s", f"reports {n - tenth + 1}-{n}"),
        Row("serial: CPU per report", round(serial.cpu / n, 3), "s", "this process"),
        Row(f"{workers} processes: CPU per report", round(worker_cpu / n, 3), "s", "the worker processes' own CPU"),
    ]


def run(portfolio_sites: int = 100, survey_sites: int = 100) -> list[Row]:
    """Every figure of this benchmark, measured once."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        warm = all_sites()[2]
        # Not measured: imports, font caches, the compiled template and the chart worker's start (once per process).
        render_site(all_sites()[0], tmp / "warm-up", company=COMPANY, consultant="", formats=("pdf",))
        rows = bench_site(warm, tmp, chart_worker=default_workers() > 1)
        rows += bench_site(warm, tmp, chart_worker=False)
        _, whole = _timed(lambda: render_site(warm, tmp / "whole", company=COMPANY, consultant="", formats=("pdf",)))
        rows.append(whole.row("site: render_site as the CLI calls it (with its GC pass and file write)"))
        rows += bench_site_charts(warm)
        rows += bench_parallel_sites(survey_sites, tmp)
        rows += bench_portfolio(portfolio_sites, tmp)
        rows += bench_css_ablation(portfolio_sites)
        html = _portfolio_html(portfolio_sites)
        rows += profile_areas(lambda: HTML(string=html).render().write_pdf(), f"portfolio {portfolio_sites}")
        site_html = render_html("site.html.j2", v=site_view(warm, company=COMPANY, consultant="", page_size="A4"))
        rows += profile_areas(lambda: HTML(string=site_html).render().write_pdf(), "site")
    return rows


# Where WeasyPrint's time goes, by the package directory of the function that spent it.
AREAS: tuple[tuple[str, str], ...] = (
    ("style cascade (weasyprint/css, tinycss2, cssselect2)", "weasyprint/css/|tinycss2/|cssselect2/"),
    ("text shaping and line breaking (weasyprint/text, Pango)", "weasyprint/text/"),
    ("box and table layout (weasyprint/layout)", "weasyprint/layout/"),
    ("fonts (fontTools, HarfBuzz subset)", "fontTools/|weasyprint/pdf/fonts"),
    ("drawing and PDF objects (weasyprint/draw, pydyf)", "weasyprint/draw/|weasyprint/pdf/|pydyf/"),
    (
        "HTML parsing and box building (html5lib, weasyprint/formatting_structure)",
        "html5lib/|webencodings/|weasyprint/formatting_structure/",
    ),
)


def profile_areas(fn: Callable[[], object], label: str) -> list[Row]:
    """Share of ``fn``'s profiled time per area (profiling slows everything alike, shares hold)."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof)
    totals = dict.fromkeys([a for a, _ in AREAS], 0.0)
    everything = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        everything += tottime
        for area, patterns in AREAS:
            if any(p in filename for p in patterns.split("|")):
                totals[area] += tottime
                break
    rows = [
        Row(f"{label}: {area}", round(100 * t / everything, 1), "%", "share of profiled time")
        for area, t in totals.items()
    ]
    rows.append(
        Row(
            f"{label}: other (Python, cffi, stdlib)",
            round(100 * (everything - sum(totals.values())) / everything, 1),
            "%",
            "share of profiled time",
        )
    )
    return rows


def _portfolio_html(n: int, css_override: str = "") -> str:
    pf = build_portfolio(many_sites(n), COMPANY)
    html = render_html("portfolio.html.j2", v=portfolio_view(pf, company=COMPANY, consultant="", page_size="A4"))
    return html.replace("</style>", css_override + "</style>", 1)


# The first version of the style sheet: auto table layout and overflow-wrap:anywhere in cells,
# which makes WeasyPrint measure every possible break point for min-content widths.
OLD_CSS = "table.grid { table-layout: auto; } table.grid td, table.kv td { overflow-wrap: anywhere; }"


def bench_css_ablation(n: int) -> list[Row]:
    """Layout CPU of the portfolio with the current CSS and with the first version's table CSS."""
    _, now = _timed(lambda: HTML(string=_portfolio_html(n)).render())
    _, old = _timed(lambda: HTML(string=_portfolio_html(n, OLD_CSS)).render())
    return [
        Row(
            f"portfolio {n} layout, first CSS (auto tables, wrap anywhere)",
            round(old.wall, 3),
            "s",
            f"CPU {old.cpu:.2f} s",
        ),
        Row(f"portfolio {n} layout, current CSS", round(now.wall, 3), "s", f"CPU {now.cpu:.2f} s"),
        Row("speed-up of the current table CSS", round(old.cpu / now.cpu, 2) if now.cpu else None, "x", "CPU ratio"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100, help="sites in the portfolio (default 100)")
    parser.add_argument("--survey-sites", type=int, default=100, help="site reports rendered in parallel (default 100)")
    args = parser.parse_args()
    for row in run(args.sites, args.survey_sites):
        print(f"{row.metric:<42} {row.value or 0:9.3f} {row.unit:<6} {row.note}")


if __name__ == "__main__":
    main()
