"""Read saved results (``RESULTS_DIR/<site>/results.json`` and ``portfolio.json``) back into models."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import UserError
from core.models.site import Portfolio, SiteResult
from core.plan import describe_validation_error
from core.safe_names import inside

M = TypeVar("M", bound=BaseModel)


def _load(path: Path, model: type[M]) -> M:
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise UserError(describe_validation_error(str(path), exc, model)) from None


def load_site_results(results_dir: Path) -> list[SiteResult]:
    """Every ``<site>/results.json`` under ``results_dir``, in portfolio order when known."""
    if not results_dir.is_dir():
        raise UserError(f"{results_dir}: no such results directory")
    # Each file must resolve inside results_dir: a symlinked site folder cannot make us read elsewhere.
    files = [inside(results_dir, f.parent.name, f.name) for f in sorted(results_dir.glob("*/results.json"))]
    if not files:
        raise UserError(f"{results_dir}: no <site>/results.json found (run `assess survey` first)")
    sites = [_load(f, SiteResult) for f in files]
    portfolio = load_portfolio(results_dir)
    if portfolio is not None:
        order = {s.site: i for i, s in enumerate(portfolio.sites)}
        sites.sort(key=lambda s: order.get(s.site, len(order)))
    return sites


def load_portfolio(results_dir: Path) -> Portfolio | None:
    """``portfolio.json`` of a results directory, or None when it has none."""
    path = results_dir / "portfolio.json"
    return _load(inside(results_dir, path.name), Portfolio) if path.is_file() else None
