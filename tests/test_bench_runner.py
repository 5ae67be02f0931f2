"""The benchmark runner: discovery, the Row shape, failures and skips kept as rows (no benchmark is run)."""

from __future__ import annotations

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
