"""napalm getters are saved as redacted JSON evidence; a failing getter is recorded, not fatal.

napalm's own MockDriver replays getter results from files (``get_facts.1``),
standing in for a device that speaks napalm.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from napalm.base.mock import MockDriver

import collectors.napalm_getters as getters
from collectors.base import CollectOptions, DeviceJob
from collectors.credentials import Login
from collectors.evidence import Manifest, read_manifest, read_outputs
from core.plan import Device


def _job(name: str, platform: str, folder: Path) -> DeviceJob:
    device = Device(name=name, host="192.0.2.9", platform=platform)  # type: ignore[arg-type]
    return DeviceJob("s", device, platform, (), folder, Login(username="u"), 30.0, CollectOptions())


def _mock_with(path: Path) -> type[MockDriver]:
    class Replay(MockDriver):
        def __init__(self, hostname: str, username: str, password: str, timeout: int, optional: Any) -> None:
            super().__init__(hostname, username, password, timeout, {"path": str(path)})

    return Replay


def test_getters_are_saved_as_redacted_json_and_a_missing_one_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "mock"
    data.mkdir()
    (data / "get_facts.1").write_text(json.dumps({"hostname": "edge1", "vendor": "Cisco", "os_version": "17.9"}))
    running = "hostname edge1\nenable secret 9 $9$SeededNapalmHash\nsnmp-server community NapalmComm RO\n"
    (data / "get_config.1").write_text(json.dumps({"running": running, "startup": "", "candidate": ""}))
    # no get_interfaces.1: napalm's mock raises NotImplementedError for it
    monkeypatch.setattr(getters, "get_network_driver", lambda name: _mock_with(data))
    folder = tmp_path / "ev" / "s" / "edge1"
    job = _job("edge1", "cisco_xe", folder)
    manifest = Manifest(device="edge1", platform="cisco_xe")

    failed = getters.run_getters(job, manifest, time.monotonic() + 30)

    outputs = read_outputs(folder)
    assert json.loads(outputs["napalm get_facts"])["hostname"] == "edge1"
    config = json.loads(outputs["napalm get_config"])["running"]
    assert "enable secret 9 <redacted>" in config and "community <redacted> RO" in config
    assert "SeededNapalmHash" not in config and "NapalmComm" not in config
    assert list(failed) == ["napalm get_interfaces"] and "NotImplementedError" in failed["napalm get_interfaces"]
    saved = read_manifest(folder)
    assert saved is not None and [c.ok for c in saved.commands] == [True, True, False]


def test_platforms_without_a_napalm_driver_run_no_getters(tmp_path: Path) -> None:
    job = _job("fw", "fortinet", tmp_path)
    assert getters.run_getters(job, Manifest(device="fw"), time.monotonic() + 30) == {}
    assert not (tmp_path / "manifest.json").exists()
