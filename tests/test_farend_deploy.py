"""The far end's packaging: the systemd unit passes `systemd-analyze verify` with its hardening,
and the container image's entry point is the far end's own small module."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNIT = DEPLOY / "assess-farend.service"


def _settings(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_unit_is_hardened_with_only_the_capability_it_needs() -> None:
    unit = _settings(UNIT.read_text())
    for key, value in {"DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "CapabilityBoundingSet": "CAP_NET_BIND_SERVICE",
                       "AmbientCapabilities": "CAP_NET_BIND_SERVICE"}.items():
        assert unit[key] == [value], key
    assert "MemoryMax" in unit and "TasksMax" in unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # The unit names /opt/assess (where docs/farend.md installs it); verify it against this interpreter.
    text = UNIT.read_text().replace("/opt/assess/bin/python", sys.executable)
    env_file = tmp_path / "farend.env"
    env_file.write_text("FAREND_ARGS=--bind 127.0.0.1\n")
    text = text.replace("/etc/assess/farend.env", str(env_file))
    copy = tmp_path / "assess-farend.service"
    copy.write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False)
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "assess-farend" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


def test_containerfile_runs_the_farend_module_unprivileged() -> None:
    text = (DEPLOY / "Containerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["python", "-m", "assess.farend"\]', text, re.M)
    assert re.search(r"^USER 65534", text, re.M)
    assert (Path(__file__).resolve().parent.parent / "assess" / "farend" / "__main__.py").is_file()
