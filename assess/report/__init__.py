"""Per-site and portfolio reports (PDF via WeasyPrint, and self-contained HTML)."""

from __future__ import annotations

from assess.report.portfolio import build_portfolio, render_portfolio
from assess.report.site import render_site

__all__ = ["build_portfolio", "render_portfolio", "render_site"]
