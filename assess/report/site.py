"""Render one site's report: ``report.pdf`` and/or ``report.html``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assess.report import charts
from assess.report.chart_worker import DeferredCharts, usable_cores
from assess.report.render import check_page_size, fewer_collections, render_html, write_pdf
from assess.report.view import site_view
from core.atomic import write_atomic
from core.models.site import SiteResult


@fewer_collections()
def render_site(
    result: SiteResult,
    out_dir: Path,
    *,
    company: str,
    consultant: str,
    page_size: str = "A4",
    formats: Iterable[str] = ("pdf", "json"),
    previous: SiteResult | None = None,
    chart_worker: bool | None = None,
) -> list[Path]:
    """Write the site report into ``out_dir`` in the asked formats; returns the files written.

    ``json`` is the caller's (results.json); it is accepted and ignored here. ``chart_worker``:
    draw the PDF's charts in a worker process while WeasyPrint styles the document (default:
    when this process may use more than one core; pass False where every core renders a report).
    """
    wanted = set(formats)
    if not wanted & {"pdf", "html"}:
        return []
    use_worker = "pdf" in wanted and (usable_cores() > 1 if chart_worker is None else chart_worker)
    deferred = DeferredCharts() if use_worker else None
    view = site_view(
        result,
        company=company,
        consultant=consultant,
        page_size=check_page_size(page_size),
        previous=previous,
        chart=deferred or charts.drawn_here,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    if "pdf" in wanted:  # first: the worker's charts are drawn while this lays out the pages
        written["pdf"] = out_dir / "report.pdf"
        write_pdf(render_html("site.html.j2", inline_css=False, v=view), written["pdf"], deferred)
    if "html" in wanted:
        written["html"] = out_dir / "report.html"
        html = render_html("site.html.j2", v=view)
        write_atomic(written["html"], deferred.inline(html) if deferred else html)
    return [written[kind] for kind in ("html", "pdf") if kind in written]
