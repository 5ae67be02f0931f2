"""The report's own WeasyPrint set-up (trimmed user-agent sheet, style sheet parsed once with its
variables written out) gives pages pixel-identical to stock WeasyPrint's.

The peer is WeasyPrint itself with its own user-agent sheet (``weasyprint.HTML``) and the report's
style sheet inlined as written, and the pages are compared as poppler rasterises them.
"""

from __future__ import annotations

import subprocess
from importlib import resources
from pathlib import Path

import pytest
from weasyprint import HTML

from assess.report import charts
from assess.report.render import font_config, layout, pdf_bytes, render_html
from assess.report.user_agent import ReportHTML, trimmed
from assess.report.view import site_view
from tests.report_fixtures import warehouse_site

pytestmark = pytest.mark.slow

# A list (markers), a quotation (its ::before/::after), a line break, a table and headings.
SMALL = """<html><body><h1>Title</h1><ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>
<ol><li>first</li><li>second</li></ol><p><q>quoted</q> and a<br>break</p>
<table><tr><th>a</th><td>b</td></tr></table></body></html>"""


def pages_png(pdf: bytes, tmp: Path, name: str) -> list[bytes]:
    (tmp / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp / f"{name}.pdf"), str(tmp / name)], check=True)
    return [p.read_bytes() for p in sorted(tmp.glob(f"{name}-*.png"))]


def both_ways(html: str, tmp: Path) -> tuple[list[bytes], list[bytes]]:
    """Pages of ``html`` rendered by stock WeasyPrint and with the trimmed sheet."""
    stock = HTML(string=html).write_pdf(font_config=font_config())
    ours = ReportHTML(string=html).write_pdf(font_config=font_config())
    return pages_png(stock, tmp, "stock"), pages_png(ours, tmp, "ours")


def test_the_installed_sheet_loses_only_the_unused_pseudo_element_rules() -> None:
    stock = resources.files("weasyprint.css").joinpath("html5_ua.css").read_text(encoding="utf-8")
    ours = trimmed(stock)
    removed = [line for line in stock.splitlines() if line not in ours.splitlines()]
    assert len(removed) == 6, removed  # ::marker plus five footnote/note rules: an upgrade that moves them shows here
    assert all(line.startswith(("::marker", "::footnote-", "::note-")) for line in removed)
    assert "\nli::marker {" in ours


def test_lists_quotes_and_breaks_look_the_same(tmp_path: Path) -> None:
    stock, ours = both_ways(SMALL, tmp_path)
    assert stock and stock == ours


def test_a_site_report_looks_the_same(tmp_path: Path) -> None:
    site = warehouse_site()
    view = site_view(site, company="Northwind", consultant="Jane Doe", page_size="A4", chart=charts.drawn_here)
    stock = pages_png(HTML(string=render_html("site.html.j2", v=view)).write_pdf(), tmp_path, "stock")
    ours = pages_png(pdf_bytes(layout(render_html("site.html.j2", inline_css=False, v=view), "")), tmp_path, "ours")
    assert len(stock) > 5 and stock == ours
