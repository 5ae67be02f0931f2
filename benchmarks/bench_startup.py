"""Start-up of the light commands (whole process, best of several runs) against the issue's 0.25 s.

Timed as a user of the installed package sees it (bytecode compiled first, as pip does); the figure with the
project compiled from source in every run, as a ``PYTHONDONTWRITEBYTECODE=1`` checkout pays it, is kept too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.bytecode import FROM_SOURCE_NOTE, INSTALLED_NOTE, bytecode_envs
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
    """Each command as installed, then from source, then the bare interpreter for scale."""
    commands = [(label, [sys.executable, "-m", "assess", *args]) for label, args in COMMANDS]
    rows = []
    with bytecode_envs([cmd for _, cmd in commands]) as envs:
        for label, cmd in commands:
            timing = time_process(REPEAT, cmd, env=envs.installed)
            note = f"CPU {timing.cpu:.3f} s; {INSTALLED_NOTE}; target ≤ 0.25 s wall"
            rows.append(Row(label, round(timing.wall, 3), "s", note))
        for label, cmd in commands:
            timing = time_process(REPEAT, cmd, env=envs.from_source)
            note = f"CPU {timing.cpu:.3f} s; {FROM_SOURCE_NOTE}"
            rows.append(Row(f"{label}, from source", round(timing.wall, 3), "s", note))
        bare = time_process(REPEAT, [sys.executable, "-c", "pass"], env=envs.installed)
    rows.append(Row("python -c pass (the floor)", round(bare.wall, 3), "s", f"CPU {bare.cpu:.3f} s"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.metric:<40} {row.value or 0:7.3f} {row.unit:<3} {row.note}")
