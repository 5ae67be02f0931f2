"""Remediation templates compiled once and loaded from Jinja's bytecode cache give the same audit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "samples" / "evidence" / "hq" / "hq-rtr1" / "show_running-config.txt"


def _audit(tmp: Path) -> str:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "assess", "audit", str(CONFIG), "--json"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_audit_from_cached_templates_equals_one_that_compiled_them(tmp_path: Path) -> None:
    compiled = _audit(tmp_path)
    cached = list(tmp_path.glob("_jinja2-cache-*/*.cache"))
    assert cached, "no compiled template was kept"
    assert '"fix": {' in compiled  # a failing rule rendered its remediation
    assert _audit(tmp_path) == compiled
    for entry in cached:  # a damaged entry is compiled again, not trusted
        entry.write_bytes(b"not bytecode")
    assert _audit(tmp_path) == compiled
