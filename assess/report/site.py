"""Render one site's report: ``report.pdf`` and/or ``report.html``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assess.atomic import write_atomic
from assess.models.site import SiteResult
from assess.report.render import check_page_size, fewer_collections, render_html, write_pdf
from assess.report.view import site_view


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
) -> list[Path]:
    """Write the site report into ``out_dir`` in the asked formats; returns the files written.

    ``json`` is the caller's (results.json); it is accepted and ignored here.
    """
    wanted = set(formats)
    if not wanted & {"pdf", "html"}:
        return []
    view = site_view(
        result, company=company, consultant=consultant, page_size=check_page_size(page_size), previous=previous
    )
    html = render_html("site.html.j2", v=view)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if "html" in wanted:
        path = out_dir / "report.html"
        write_atomic(path, html)
        written.append(path)
    if "pdf" in wanted:
        path = out_dir / "report.pdf"
        write_pdf(html, path)
        written.append(path)
    return written
