"""Jinja2 environment and the HTML → PDF step (WeasyPrint)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from assess.report.charts import score_color
from core.atomic import write_atomic
from core.errors import UserError
from core.gc_tuning import fewer_collections as fewer_collections  # where the report modules import it
from core.models.site import SiteResult

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    from assess.report.chart_worker import DeferredCharts

PAGE_SIZES = ("A4", "Letter")

# WeasyPrint and fontTools log every unsupported CSS property and font subset at WARNING/INFO.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def _cls(value: object) -> str:
    """CSS class fragment: ``NO-GO`` → ``no-go``, ``n/a`` → ``n-a``."""
    return str(value).lower().replace("/", "-").replace(" ", "-")


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.0f}" if round(value) else "±0"


def _num(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "–"
    sep = "" if not unit or unit.startswith(" ") or unit == "%" else " "
    return f"{value:.{digits}f}{sep}{unit}"


def _first_line(text: str, limit: int = 90) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "—"
    return line if len(line) <= limit else line[: limit - 1] + "…"


PORTS_LISTED = 6  # a port probe samples the whole RTP range: dozens of ports took half a link's page


def _port_list(ports: list[int]) -> str:
    """``5060, 10000, 10213, … 20000 (48 ports)``: the first ports, the last one and the count; ``none`` when empty."""
    if len(ports) <= PORTS_LISTED:
        return ", ".join(map(str, ports)) or "none"
    shown = ", ".join(map(str, ports[: PORTS_LISTED - 1]))
    return f"{shown}, … {ports[-1]} ({len(ports)} ports)"


def _platform_of(device: str, result: SiteResult) -> str:
    return next((d.platform for d in result.devices if d.name == device), device)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template environment (templates and CSS ship in the ``report_templates`` package)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("report_templates"))),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cls=_cls,
        score=_score,
        signed=_signed,
        num=_num,
        first_line=_first_line,
        band_color=score_color,
        platform_of=_platform_of,
        port_list=_port_list,
    )
    return env


def css() -> str:
    """The report style sheet."""
    return resources.files("report_templates").joinpath("report.css").read_text(encoding="utf-8")


def render_html(template: str, *, inline_css: bool = True, **context: object) -> str:
    """Render ``template``; with ``inline_css`` the style sheet is inlined (one self-contained HTML file).

    Without it, the page is for ``layout``, which applies the style sheet parsed once per process.
    """
    return environment().get_template(template).render(css=css() if inline_css else "", **context)


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One Fontconfig/Pango configuration for every report of this process.

    A new one per document (WeasyPrint's default) starts with cold Pango font and glyph caches.
    The style sheet has no ``@font-face``, so nothing accumulates in it between documents.
    """
    from weasyprint.text.fonts import FontConfiguration  # imported late: slow, and only PDFs need it

    return FontConfiguration()


_ROOT_VARIABLES = re.compile(r":root\s*\{([^}]*)\}")
_VARIABLE = re.compile(r"--([\w-]+)\s*:\s*([^;}]+)")
_VARIABLE_USE = re.compile(r"var\(--([\w-]+)\)")


def with_variables_written_out(sheet: str) -> str:
    """``sheet`` with its ``:root`` custom properties replaced by their values where used.

    WeasyPrint carries every custom property in every element's style and substitutes each
    ``var()`` when a style is computed (~2 % of a site report's CPU); browsers keep the variables.
    """
    root = _ROOT_VARIABLES.search(sheet)
    if root is None:
        return sheet
    values = {name: value.strip() for name, value in _VARIABLE.findall(root.group(1))}
    return _VARIABLE_USE.sub(lambda use: values[use.group(1)], sheet[: root.start()] + sheet[root.end() :])


@lru_cache(maxsize=1)
def style_sheet() -> CSS:
    """The report style sheet parsed once per process (tokenising and compiling its selectors costs
    about as much as the cascade of a short report). It has no ``@font-face`` and nothing in it
    changes while a document is rendered, so every report of the process shares it.
    """
    from weasyprint import CSS  # imported late: slow, and only PDFs need it

    return CSS(string=with_variables_written_out(css()), font_config=font_config())


def layout(html: str, base_url: str, url_fetcher: URLFetcher | None = None) -> Document:
    """WeasyPrint's pages of ``html`` rendered with ``inline_css=False`` (style cascade, boxes,
    line breaking, pagination); the report style sheet is applied here.

    It is applied as WeasyPrint's user style sheet, below the page's own rules (the page size
    and ``style`` attributes) as when it was inlined: the report sets no ``!important`` there.
    The user-agent sheet is WeasyPrint's without the pseudo-element rules reports never use.
    """
    from assess.report.user_agent import ReportHTML  # imported late: WeasyPrint is slow, only PDFs need it

    document = ReportHTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    return document.render(font_config=font_config(), stylesheets=[style_sheet()])


def pdf_bytes(document: Document) -> bytes:
    """The PDF of laid-out pages: drawing, fonts subset and embedded."""
    pdf = document.write_pdf()
    return pdf if isinstance(pdf, bytes) else b""


def write_pdf(html: str, path: Path, charts: DeferredCharts | None = None) -> None:
    """Lay out ``html`` with WeasyPrint and write the PDF atomically (fonts embedded and subset).

    ``charts`` serves the ``chart:N`` images of ``html`` when a worker draws them.
    """
    document = layout(html, str(path.parent), charts.fetcher() if charts else None)
    if charts:
        charts.check()
    write_atomic(path, pdf_bytes(document))


def check_page_size(page_size: str) -> str:
    """``a4``/``letter`` in any case → ``A4``/``Letter``."""
    for size in PAGE_SIZES:
        if page_size.lower() == size.lower():
            return size
    raise UserError(f"unknown page size {page_size!r}: choose A4 or Letter")
