"""`assess demo --lab` end to end: labs built, routers collected live over SSH, links probed live, all torn down."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.labtools import needs_lab
from tests.report_consistency import report_problems

pytestmark = [pytest.mark.lab, needs_lab, pytest.mark.timeout(600)]

SITES = ("hq", "branch", "warehouse")
NETNS_DIR = Path("/run/netns")


@dataclass
class DemoRun:
    """The finished command and every namespace it was seen to create (name -> inode)."""

    out: Path
    done: subprocess.CompletedProcess[str]
    namespaces: dict[str, int] = field(default_factory=dict)

    def result(self, site: str) -> dict:  # type: ignore[type-arg]
        return json.loads((self.out / site / "results.json").read_text())  # type: ignore[no-any-return]


def _watch_namespaces(proc: subprocess.Popen[str], prefix: str, seen: dict[str, int], limit_s: float) -> None:
    # Lab namespaces are named after the lab process's PID: record them (and their inodes) while they exist.
    deadline = time.monotonic() + limit_s
    while proc.poll() is None and time.monotonic() < deadline:
        for entry in NETNS_DIR.glob(f"{prefix}*"):
            with contextlib.suppress(OSError):  # gone between glob and stat
                seen.setdefault(entry.name, entry.stat().st_ino)
        time.sleep(0.5)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    out = tmp_path_factory.mktemp("demo-lab")
    env = {**os.environ, "ASSESS_LAB_DEMO_QUICK": "1"}
    cmd = [sys.executable, "-m", "assess", "demo", "--lab", "--out", str(out)]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
        seen: dict[str, int] = {}
        _watch_namespaces(proc, f"al{proc.pid % 100000}", seen, 540)
        try:
            stdout, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
    return DemoRun(out, subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr), seen)


def test_demo_lab_completes_and_writes_every_report(demo: DemoRun) -> None:
    assert demo.done.returncode == 0, demo.done.stderr[-3000:]
    for site in SITES:
        assert demo.result(site)["site"] == site
        assert (demo.out / site / "report.pdf").stat().st_size > 10_000
    assert (demo.out / "portfolio.pdf").stat().st_size > 5_000
    assert (demo.out / "lab-plan.yaml").is_file() and (demo.out / "known_hosts").is_file()


def test_each_site_router_was_collected_live_and_parsed(demo: DemoRun) -> None:
    for site in SITES:
        (device,) = demo.result(site)["devices"]
        assert device["collected_via"] == "netmiko", site
        assert device["platform"] == "linux", site
        assert device["facts"] is not None, site
        assert device["facts"]["hostname"] == f"{site}-lab-rtr"
        for item in demo.result(site)["not_assessed"]:
            assert not item["item"].startswith("device"), item


def test_branch_alg_in_the_config_is_the_alg_the_probe_sees(demo: DemoRun) -> None:
    result = demo.result("branch")
    assert result["devices"][0]["facts"]["sip_alg"] == "enabled"
    (probes,) = result["probes"]
    assert probes["source"] == "live"
    assert probes["sip_alg"]["sip_alg_detected"] is True


def test_warehouse_timeout_in_sysctl_and_short_binding_and_blocked_rtp_range(demo: DemoRun) -> None:
    result = demo.result("warehouse")
    assert result["devices"][0]["facts"]["udp_timeout_s"] == 10
    (probes,) = result["probes"]
    assert probes["nat"]["binding_lifetime_s"] < 30
    assert probes["nat"]["binding_lifetime_at_least"] is False
    blocked = probes["ports"]["blocked_udp"]
    assert blocked, f"the router drops UDP 15000-20000; the probe said: {probes['ports'].get('reason')}"
    assert all(15000 <= port <= 20000 for port in blocked), blocked
    assert result["verdict"] == "NO-GO"


def test_hq_links_are_fully_assessed(demo: DemoRun) -> None:
    result = demo.result("hq")
    assert [p["link"] for p in result["probes"]] == ["hq-fibre", "hq-backup"]
    assert result["not_assessed"] == []
    for probes in result["probes"]:
        for name in ("rtp", "bandwidth", "nat", "sip_alg", "ports", "sip_path"):
            assert probes[name] is not None, f"{probes['link']}: {name}"


def test_each_hq_link_shows_its_own_public_address(demo: DemoRun) -> None:
    result = demo.result("hq")
    addresses = {p["link"]: p["nat"]["public_address"] for p in result["probes"]}
    assert len(set(addresses.values())) == 2, addresses
    [own_path] = [f for f in result["findings"] if f["id"] == "VQ510"]
    assert own_path["status"] == "pass" and all(a in own_path["message"] for a in addresses.values())


def test_live_reports_agree_with_their_findings_everywhere(demo: DemoRun) -> None:
    assert report_problems(demo.out) == []


def test_nothing_is_left_behind(demo: DemoRun) -> None:
    assert len(demo.namespaces) >= 5 * 4, sorted(demo.namespaces)  # four labs of five namespaces were seen
    left = [name for name in demo.namespaces if (NETNS_DIR / name).exists()]
    assert left == []
    inodes = {f"net:[{ino}]" for ino in demo.namespaces.values()}
    stray = []
    for ns_link in Path("/proc").glob("[0-9]*/ns/net"):
        try:
            if os.readlink(ns_link) in inodes:
                stray.append(ns_link.parent.parent.name)
        except OSError:
            pass  # the process ended meanwhile
    assert stray == [], f"processes still inside the demo's namespaces: {stray}"
    plan = yaml.safe_load((demo.out / "lab-plan.yaml").read_text())
    keys = [d["credentials"]["ssh_key"] for site in plan["sites"] for d in site["devices"]]
    assert len(keys) == 3 and not any(Path(k).exists() for k in keys), "the lab's client keys are deleted"
