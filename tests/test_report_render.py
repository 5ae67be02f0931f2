"""Rendered reports: every finding is in the PDF and the HTML, the comparison shows, page size holds.

PDF layout is slow (seconds), so each document is rendered once per module and shared.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess.report import build_portfolio, render_portfolio, render_site
from core.errors import UserError
from core.models.site import SiteResult
from tests.report_fixtures import all_sites, remediated, warehouse_site, with_drift

pytestmark = pytest.mark.slow


# Python leaking into a document: None/True/False, list or dict reprs, enum reprs, bound methods.
REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\['|\[\]|\[\(|\{'|<bound|Status\.|Severity\.|Verdict\.")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@cache  # four tests read the one site report: its text is extracted once
def pdf_text(path: Path) -> str:
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def html_text(path: Path) -> str:
    body = path.read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>", " ", body, flags=re.S)
    body = re.sub(r'src="data:[^"]*"', "", body)
    text = re.sub(r"<[^>]+>", " ", body)
    return squash(
        text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    )


@pytest.fixture(scope="module")
def site_after(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteResult, Path]:
    before = warehouse_site()
    after = remediated(before)
    out = tmp_path_factory.mktemp("site")
    written = render_site(
        after,
        out,
        company="Northwind Logistics Ltd",
        consultant="Jane Doe",
        formats=("pdf", "html", "json"),
        previous=before,
    )
    assert sorted(p.name for p in written) == ["report.html", "report.pdf"]
    return after, out


@pytest.fixture(scope="module")
def portfolio_letter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sites = with_drift(all_sites())
    pf = build_portfolio(sites, "Northwind Logistics Ltd", consultant="Jane Doe", page_size="Letter")
    out = tmp_path_factory.mktemp("pf")
    render_portfolio(pf, sites, out, company=pf.company, consultant=pf.consultant, page_size="Letter", formats=("pdf",))
    return out / "portfolio.pdf"


def test_every_finding_appears_in_the_pdf(site_after: tuple[SiteResult, Path]) -> None:
    result, out = site_after
    text = pdf_text(out / "report.pdf")
    for f in result.findings:
        assert f"{f.id} {squash(f.title)}" in text or (f.id in text and squash(f.title) in text), f.id
    assert result.verdict_reason in text
    for device in result.devices:
        assert device.name in text
    for item in result.not_assessed:
        assert item.item in text and squash(item.reason) in text


def test_html_has_the_same_content(site_after: tuple[SiteResult, Path]) -> None:
    result, out = site_after
    text = html_text(out / "report.html")
    for f in result.findings:
        assert f.id in text and squash(f.title) in text
        if f.failed and f.remediation:
            assert squash(f.remediation.splitlines()[0]) in text
    for needle in ("Pre-cutover go/no-go checklist", "Key measurements against targets", "What changed since"):
        assert needle in text and needle in pdf_text(out / "report.pdf")


def test_pdf_shows_what_changed_since_the_previous_run(site_after: tuple[SiteResult, Path]) -> None:
    text = pdf_text(site_after[1] / "report.pdf")
    assert "What changed since 20 November 2026" in text
    assert "NO-GO → CONDITIONAL" in text
    assert "3 fixed · 1 new" in text
    assert re.search(r"Packet loss 2\.80 ?% 0\.30 ?% better", text)


def test_no_raw_python_reprs_in_reports(site_after: tuple[SiteResult, Path], portfolio_letter: Path) -> None:
    for text in (
        pdf_text(site_after[1] / "report.pdf"),
        html_text(site_after[1] / "report.html"),
        pdf_text(portfolio_letter),
    ):
        found = REPR.search(text)
        assert found is None, text[max(0, found.start() - 60) : found.end() + 60]


def test_fonts_are_embedded_and_page_size_is_a4(site_after: tuple[SiteResult, Path]) -> None:
    reader = PdfReader(site_after[1] / "report.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc or "/FontFile3" in desc or "/FontFile" in desc


def test_portfolio_letter_has_every_site_and_drift(portfolio_letter: Path) -> None:
    reader = PdfReader(portfolio_letter)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    text = pdf_text(portfolio_letter)
    for site in all_sites():
        assert site.title in text
    assert "Configuration drift" in text and "SIP ALG state (VQ506)" in text and "10000-10999" in text


def test_unknown_page_size_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="page size"):
        render_site(warehouse_site(), tmp_path, company="x", consultant="y", page_size="A3")
