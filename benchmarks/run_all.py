"""Run every ``benchmarks/bench_*.py``, print a table and write ``benchmarks/RESULTS.md``.

    python -m benchmarks.run_all            # all benchmarks (./dev bench)
    python -m benchmarks.run_all pcap audit # only bench_pcap and bench_audit
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row, as_rows

HERE = Path(__file__).resolve().parent


@dataclass
class BenchOutcome:
    """A benchmark's rows and how long the whole benchmark took."""

    name: str
    title: str
    rows: list[Row]
    seconds: float


def discover() -> list[str]:
    """Names (without the bench_ prefix) of the benchmark modules, sorted."""
    found = (m.name for m in pkgutil.iter_modules([str(HERE)]))
    return sorted(name.removeprefix("bench_") for name in found if name.startswith("bench_"))


def run_one(name: str) -> BenchOutcome:
    """Import and run one benchmark; an exception becomes an error row, never a crash of the run."""
    start = time.perf_counter()
    title = name
    try:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        title = getattr(module, "TITLE", name)
        rows = as_rows(module.run())
    except Exception as exc:  # a broken benchmark is reported, the others still run
        last = traceback.format_exception_only(exc)[-1].strip()
        rows = [Row("error", None, "", last)]
    return BenchOutcome(name, title, rows, time.perf_counter() - start)


def _value(row: Row) -> str:
    if row.value is None:
        return "—"
    return f"{row.value:.3g}" if abs(row.value) < 1000 else f"{row.value:,.0f}"


def markdown(outcomes: list[BenchOutcome]) -> str:
    """RESULTS.md: one table per benchmark, with the machine it ran on."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `./dev bench` (`python -m benchmarks.run_all`) on {now}: Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs. Figures come from one run; "
        "ratios compare tools measured in that same run.",
        "",
    ]
    for out in outcomes:
        lines += [f"## {out.title}", "", "| metric | value | unit | note |", "|---|---:|---|---|"]
        lines += [f"| {r.metric} | {_value(r)} | {r.unit} | {r.note} |" for r in out.rows]
        lines += ["", f"_bench_{out.name}.py took {out.seconds:.1f} s_", ""]
    return "\n".join(lines)


def print_table(outcomes: list[BenchOutcome]) -> None:
    """A plain-text table on stdout."""
    width = max((len(r.metric) for o in outcomes for r in o.rows), default=10)
    for out in outcomes:
        print(f"\n== {out.title} ({out.seconds:.1f} s)")
        for r in out.rows:
            print(f"  {r.metric:<{width}}  {_value(r):>12} {r.unit:<8} {r.note}")


def main(argv: list[str] | None = None) -> int:
    """Run the selected (default: all) benchmarks and write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the results")
    args = parser.parse_args(argv)
    available = discover()
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    outcomes = []
    for name in args.names or available:
        print(f"running bench_{name} ...", file=sys.stderr, flush=True)
        outcomes.append(run_one(name))
    print_table(outcomes)
    args.out.write_text(markdown(outcomes), encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
