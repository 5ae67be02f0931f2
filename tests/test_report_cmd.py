"""`assess report`: re-render from saved JSON without measuring, with a before/after comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from assess.report import build_portfolio
from core.errors import UserError
from core.models.site import SiteResult
from tests.report_fixtures import all_sites, remediated

runner = CliRunner()


def save(results: list[SiteResult], out: Path, company: str = "Northwind Logistics Ltd") -> Path:
    for r in results:
        (out / r.site).mkdir(parents=True)
        (out / r.site / "results.json").write_text(r.model_dump_json(indent=2))
    pf = build_portfolio(results, company, consultant="Jane Doe", page_size="Letter")
    (out / "portfolio.json").write_text(pf.model_dump_json(indent=2))
    return out


def test_report_rerenders_html_and_json_with_comparison(tmp_path: Path) -> None:
    before = all_sites()
    old = save(before, tmp_path / "old")
    new = save([remediated(s) if s.site == "warehouse" else s for s in before], tmp_path / "new")
    res = runner.invoke(app, ["report", str(new), "--format", "html", "--format", "json", "--compare", str(old)])
    assert res.exit_code == 0, res.output
    html = (new / "warehouse" / "report.html").read_text()
    assert "What changed since" in html and "Northwind Logistics Ltd" in html and "Jane Doe" in html
    assert "size: Letter" in html  # page size kept from the saved portfolio
    cmp = json.loads((new / "warehouse" / "comparison.json").read_text())
    assert cmp["verdict_before"] == "NO-GO" and {f["id"] for f in cmp["fixed"]} == {"VQ201", "VQ301", "VQ302"}
    portfolio = json.loads((new / "portfolio.json").read_text())
    assert [s["site"] for s in portfolio["sites"]] == ["hq", "branch-york", "warehouse"]
    assert not (new / "warehouse" / "report.pdf").exists()


def test_report_without_results_is_a_user_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert isinstance(res.exception, UserError) and "no <site>/results.json" in str(res.exception)


def test_report_rejects_a_broken_results_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "results.json").write_text('{"site": "a", "score": "high"}')
    res = runner.invoke(app, ["report", str(tmp_path), "--format", "html"])
    assert isinstance(res.exception, UserError)
    assert str(res.exception).startswith(str(tmp_path / "a" / "results.json"))


@pytest.mark.parametrize("args", [["--page-size", "A3"]])  # an unknown --format: test_format_option_help.py
def test_report_rejects_bad_options(tmp_path: Path, args: list[str]) -> None:
    save(all_sites()[:1], tmp_path)
    res = runner.invoke(app, ["report", str(tmp_path), *args])
    assert isinstance(res.exception, UserError)
