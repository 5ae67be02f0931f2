"""Start-up of the light commands (whole process, best of several runs) against the issue's 0.25 s."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import Row, time_process

TITLE = "Start-up: light commands, whole process"
ROOT = Path(__file__).resolve().parents[1]
SMALL_CONFIG = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"
REPEAT = 7
COMMANDS = (
    ("assess --help", ["--help"]),
    ("assess emodel", ["emodel", "--codec", "g711", "--delay-ms", "80"]),
    ("assess capacity", ["capacity", "--calls", "10", "--codec", "g711"]),
    ("assess facts (small IOS config)", ["facts", str(SMALL_CONFIG)]),
)


def run() -> list[Row]:
    """Each command, then the bare interpreter for scale."""
    rows = []
    for label, args in COMMANDS:
        timing = time_process(REPEAT, [sys.executable, "-m", "assess", *args])
        rows.append(Row(label, round(timing.wall, 3), "s", f"CPU {timing.cpu:.3f} s; target ≤ 0.25 s wall"))
    bare = time_process(REPEAT, [sys.executable, "-c", "pass"])
    rows.append(Row("python -c pass (the floor)", round(bare.wall, 3), "s", f"CPU {bare.cpu:.3f} s"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.metric:<40} {row.value or 0:7.3f} {row.unit:<3} {row.note}")
