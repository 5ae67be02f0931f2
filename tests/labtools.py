"""Shared helpers for lab tests: the root/tool skip marker and running Python inside a namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from assess.lab import Lab

TOOLS = ("ip", "nft", "tc", "ethtool", "iperf3", "conntrack", "ss")

needs_lab = pytest.mark.skipif(
    os.geteuid() != 0 or any(shutil.which(t) is None for t in TOOLS),
    reason="the lab needs root and " + ", ".join(TOOLS),
)


def run_python(lab: Lab, role: str, code: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet with this interpreter inside a lab namespace."""
    return lab.exec(role, [sys.executable, "-c", code], timeout=timeout)  # type: ignore[arg-type]


def assess_cmd(
    lab: Lab, role: str, args: list[str], timeout: float = 120.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `assess ARGS` inside a lab namespace."""
    return lab.exec(
        role,
        [sys.executable, "-m", "assess", *args],
        timeout=timeout,  # type: ignore[arg-type]
        env=env,
    )
