"""The benchmark runner: discovery, the Row shape, failures and skips kept as rows (no benchmark is run)."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest

from benchmarks import run_all
from benchmarks.common import Row, as_rows, ratio, skipped


def _fake(monkeypatch: pytest.MonkeyPatch, name: str, run: object) -> None:
    module = types.ModuleType(f"benchmarks.bench_{name}")
    module.TITLE = f"fake {name}"  # type: ignore[attr-defined]
    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)


def test_discovers_the_bench_modules() -> None:
    assert "pcap" in run_all.discover()


def test_a_crashing_benchmark_becomes_an_error_row(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> list[Row]:
        raise RuntimeError("iperf3 exploded")

    _fake(monkeypatch, "boom", boom)
    out = run_all.run_one("boom")
    assert out.rows == [Row("error", None, "", "RuntimeError: iperf3 exploded")]


def test_skips_and_other_row_shapes_land_in_the_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake(monkeypatch, "skip", lambda: skipped("needs root"))
    _fake(monkeypatch, "dicts", lambda: [{"benchmark": "collect", "devices": 6, "speedup": 3.5, "all_ok": True}])
    outcomes = [run_all.run_one("skip"), run_all.run_one("dicts")]
    assert outcomes[0].rows[0].note == "needs root"
    assert Row("collect: speedup", 3.5, "") in outcomes[1].rows
    text = run_all.markdown(outcomes)
    assert "## fake skip" in text and "| skipped | — |  | needs root |" in text
    assert as_rows([])[0].metric == "skipped" and ratio(4.0, 2.0) == 2.0 and ratio(None, 1.0) is None


def _table_rows(markdown: str) -> set[tuple[str, str, str]]:
    """(metric, unit, note) of every row of the tables in ``markdown`` (the value changes from run to run)."""
    rows = set()
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4:
            rows.add((cells[0], cells[2], cells[3]))
    return rows


def test_the_readme_example_rows_are_rows_of_results_md() -> None:
    here = Path(__file__).resolve().parents[1] / "benchmarks"
    readme = (here / "README.md").read_text(encoding="utf-8")
    calls = [
        node
        for node in ast.walk(ast.parse(readme.split("```python")[1].split("```")[0]))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Row"
    ]
    example = {(m, u, n) for m, _, u, n in (tuple(ast.literal_eval(a) for a in c.args) for c in calls)}
    assert len(example) == 2
    assert example <= _table_rows((here / "RESULTS.md").read_text(encoding="utf-8"))
