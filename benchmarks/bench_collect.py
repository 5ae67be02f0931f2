"""Live collection of N namespace Linux routers: all at once vs one by one, measured in one run.

    python -m benchmarks.bench_collect [N]

prints a markdown table row. Needs root (network namespaces and sshd); never
asserts a time. ``run()`` returns the figures for ``benchmarks/run_all.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

from assess.lab.sshd_device import sshd_devices
from collectors.base import CollectOptions
from collectors.runner import collect_site
from core.plan import Site

HEADER = "| benchmark | devices | one by one (s) | parallel (s) | speed-up | all collected |\n|---|---|---|---|---|---|"


class CollectBench(TypedDict):
    """One measurement: the same devices collected serially and in parallel."""

    benchmark: str
    devices: int
    serial_s: float
    parallel_s: float
    speedup: float
    all_ok: bool


def _timed(site: Site, root: Path, known_hosts: Path, workers: int) -> tuple[float, bool]:
    options = CollectOptions(known_hosts=known_hosts, workers=workers, napalm_getters=False)
    started = time.perf_counter()
    results = collect_site(site, root, options=options)
    return time.perf_counter() - started, all(r.ok for r in results)


def run(devices: int = 6) -> list[CollectBench]:
    """Collect ``devices`` namespace routers one by one, then all in parallel; empty when not root."""
    if os.geteuid() != 0:
        print("bench_collect: skipped (needs root for network namespaces and sshd)", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp, sshd_devices(Path(tmp), devices) as routers:
        known_hosts = Path(tmp) / "known_hosts"
        known_hosts.write_text("".join(r.known_hosts_line() + "\n" for r in routers))
        site = Site(name="bench", devices=[r.plan_device(f"rtr{i}") for i, r in enumerate(routers)])
        serial_s, serial_ok = _timed(site, Path(tmp) / "serial", known_hosts, workers=1)
        parallel_s, parallel_ok = _timed(site, Path(tmp) / "parallel", known_hosts, workers=devices)
    return [
        CollectBench(
            benchmark="live collection (netmiko, linux, 8 commands)",
            devices=devices,
            serial_s=round(serial_s, 2),
            parallel_s=round(parallel_s, 2),
            speedup=round(serial_s / parallel_s, 2),
            all_ok=serial_ok and parallel_ok,
        )
    ]


def markdown(row: CollectBench) -> str:
    """One markdown table row."""
    return (
        f"| {row['benchmark']} | {row['devices']} | {row['serial_s']:.2f} | {row['parallel_s']:.2f} "
        f"| {row['speedup']:.2f}x | {'yes' if row['all_ok'] else 'NO'} |"
    )


def main() -> None:
    """Print the header and one row per measurement."""
    rows = run(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
    if rows:
        print(HEADER)
        for row in rows:
            print(markdown(row))


if __name__ == "__main__":
    main()
