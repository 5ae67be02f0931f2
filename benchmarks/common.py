"""The shape every benchmark module shares (see README.md).

A benchmark is a module ``benchmarks/bench_<name>.py`` with a ``TITLE`` string and a typed
``run() -> list[Row]``. It measures in one run and reports figures and ratios; it never
asserts a time. When it cannot run here (not root, a tool missing) it returns
``skipped(reason)`` instead of raising, so the other benchmarks still run.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One figure of a benchmark: ``value`` is None when it could not be measured (say why in ``note``)."""

    metric: str
    value: float | None
    unit: str = ""
    note: str = ""


def as_rows(raw: object) -> list[Row]:
    """Rows from what a benchmark's run() returned.

    Row is the shape to use; objects with ``name``/``value``/``unit`` attributes and flat
    dicts (one figure per numeric field, labelled by the first text field) are accepted too,
    so a benchmark written to another shape still lands in the table.
    """
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not items:
        return [Row("skipped", None, "", "no figures returned (cannot run here: not root, or a tool is missing)")]
    rows: list[Row] = []
    for item in items:
        if isinstance(item, Row):
            rows.append(item)
        elif isinstance(item, dict):
            rows += _dict_rows(item)
        elif hasattr(item, "value"):
            name = getattr(item, "metric", None) or getattr(item, "name", "value")
            value = getattr(item, "value", None)
            rows.append(Row(str(name), None if value is None else float(value), str(getattr(item, "unit", ""))))
        else:
            rows.append(Row("result", None, "", repr(item)[:200]))
    return rows


def _dict_rows(item: dict[str, object]) -> list[Row]:
    texts = [str(v) for v in item.values() if isinstance(v, str)]
    label = f"{texts[0]}: " if texts else ""
    rows = []
    for key, value in item.items():
        if isinstance(value, bool):
            rows.append(Row(f"{label}{key}", 1.0 if value else 0.0, "yes/no"))
        elif isinstance(value, int | float):
            rows.append(Row(f"{label}{key}", float(value), ""))
    return rows


def skipped(reason: str) -> list[Row]:
    """The single row of a benchmark that cannot run on this machine."""
    return [Row("skipped", None, "", reason)]


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Fastest wall-clock time of ``repeat`` calls of ``fn``, seconds (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU (user + system) seconds of the fastest of several runs."""

    wall: float
    cpu: float


def time_process(
    repeat: int, cmd: Sequence[str], timeout: float = 600.0, env: Mapping[str, str] | None = None
) -> Timing:
    """Best wall and best CPU time of ``repeat`` runs of a command (in ``env`` when given).

    CPU time is reported next to wall time because benchmarks often share the machine: a busy
    neighbour stretches wall time but hardly the CPU seconds a tool needs.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run_quiet(cmd, timeout, env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(min(walls), min(cpus))


# A small parent runs the command and reports its child's peak: a child forked from a big process (this
# benchmark, with captures analysed in it) would inherit that process's resident set in its ru_maxrss.
_PEAK_OF_CHILD = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss_mb(cmd: Sequence[str], timeout: float = 600.0, env: Mapping[str, str] | None = None) -> float:
    """Peak resident memory (MB) of one run of a command, as the kernel accounted it for that command."""
    done = subprocess.run([sys.executable, "-c", _PEAK_OF_CHILD, *cmd], capture_output=True, text=True,
                          timeout=timeout, env=env, check=True)  # fmt: skip
    return int(done.stdout.split()[-1]) / 1024  # kilobytes on Linux


def time_call(repeat: int, fn: Callable[[], object]) -> Timing:
    """Best wall and best CPU (this process) time of ``repeat`` calls of ``fn``."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu0, start = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu0)
    return Timing(min(walls), min(cpus))


def run_quiet(
    cmd: Sequence[str], timeout: float = 600.0, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a command, output captured, failing loudly on a non-zero exit."""
    return subprocess.run(list(cmd), capture_output=True, check=True, timeout=timeout, env=env)


def have(tool: str) -> bool:
    """True when ``tool`` is on PATH."""
    return shutil.which(tool) is not None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator
