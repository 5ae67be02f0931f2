"""Portfolio across sites: build it from site results (with drift) and render ``portfolio.pdf``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assess.drift import compute_drift
from assess.report.render import check_page_size, fewer_collections, render_html, write_pdf
from core.atomic import write_atomic
from core.models.common import CATEGORY_TITLES, Category, Severity, Verdict
from core.models.findings import Finding
from core.models.site import Portfolio, PortfolioSite, SiteResult

_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
# Worst first: the sites that need work head the portfolio tables.
_VERDICT_RANK = {Verdict.NO_GO: 0, Verdict.INCOMPLETE: 1, Verdict.CONDITIONAL: 2, Verdict.GO: 3}


def worst_findings(result: SiteResult, limit: int = 3) -> list[str]:
    """The site's most severe open findings as ``VQnnn title``, one per rule."""
    open_ = sorted((f for f in result.findings if f.failed), key=lambda f: (_SEVERITY_RANK[f.severity], f.id))
    seen: dict[str, Finding] = {}
    for f in open_:
        seen.setdefault(f.id, f)
    return [f"{f.id} {f.title}" for f in list(seen.values())[:limit]]


def build_portfolio(
    site_results: Sequence[SiteResult], company: str, *, consultant: str = "", page_size: str = "A4"
) -> Portfolio:
    """All sites side by side: verdicts, scores, worst findings, category scores and drift."""
    stamps = [r.generated_at for r in site_results if r.generated_at is not None]
    return Portfolio(
        company=company,
        consultant=consultant,
        page_size=check_page_size(page_size),
        generated_at=max(stamps) if stamps else datetime.now(UTC),
        sites=[
            PortfolioSite(
                site=r.site,
                title=r.title,
                score=r.score,
                verdict=r.verdict,
                verdict_so_far=r.verdict_so_far,
                coverage_pct=r.coverage.pct if r.coverage is not None else None,
                not_assessed=[f"{n.item}: {n.reason}" for n in r.not_assessed],
                worst_findings=worst_findings(r),
                categories={str(c.category): c.score for c in r.categories if c.state == "assessed"},
                partial_categories=[str(c.category) for c in r.categories if c.state == "partial"],
            )
            for r in site_results
        ],
        drift=compute_drift(site_results),
    )


@dataclass
class PortfolioView:
    """Everything the portfolio template reads."""

    portfolio: Portfolio
    company: str
    consultant: str
    page_size: str
    date: str
    counts: dict[str, int]
    columns: list[tuple[str, str]]
    average: float | None
    ranked: list[PortfolioSite]


def portfolio_view(portfolio: Portfolio, *, company: str, consultant: str, page_size: str) -> PortfolioView:
    """The view of the portfolio report."""
    when = portfolio.generated_at or datetime.now(UTC)
    scores = [s.score for s in portfolio.sites if s.score is not None]  # an INCOMPLETE site has none
    return PortfolioView(
        portfolio=portfolio,
        company=company,
        consultant=consultant,
        page_size=check_page_size(page_size),
        date=when.strftime("%d %B %Y"),
        counts={
            str(v): n
            for v in Verdict
            if (n := sum(1 for s in portfolio.sites if s.verdict == v)) or v != Verdict.INCOMPLETE
        },
        columns=[(str(c), CATEGORY_TITLES[c]) for c in Category],
        average=sum(scores) / len(scores) if scores else None,
        ranked=sorted(portfolio.sites, key=lambda s: (_VERDICT_RANK[s.verdict], s.score or 0.0, s.site)),
    )


@fewer_collections()
def render_portfolio(
    portfolio: Portfolio,
    site_results: Sequence[SiteResult],
    out_dir: Path,
    *,
    company: str,
    consultant: str,
    page_size: str = "A4",
    formats: Iterable[str] = ("pdf", "json"),
) -> list[Path]:
    """Write ``portfolio.pdf`` (and ``portfolio.html`` when asked) into ``out_dir``.

    ``site_results`` is accepted for callers that have them; everything shown comes from ``portfolio``.
    """
    del site_results  # the portfolio already carries what the report shows
    wanted = set(formats)
    if not wanted & {"pdf", "html"}:
        return []
    view = portfolio_view(portfolio, company=company, consultant=consultant, page_size=page_size)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if "html" in wanted:
        path = out_dir / "portfolio.html"
        write_atomic(path, render_html("portfolio.html.j2", v=view))
        written.append(path)
    if "pdf" in wanted:
        path = out_dir / "portfolio.pdf"
        write_pdf(render_html("portfolio.html.j2", inline_css=False, v=view), path)
        written.append(path)
    return written
