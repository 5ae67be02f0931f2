"""`assess monitor` against a lab far end whose link is clean, then loses 10 % upstream, then is clean again.

A compressed schedule (6 s intervals, 1.5 s streams). The monitor is killed with SIGKILL after the
episode and restarted; the restarted one is stopped with SIGSTOP for 13 s and continued. The store must
hold every interval once (measured or a recorded gap with its cause), the loss episode must be found
within one interval of when the relay really started and ended it, the metrics endpoint must parse with
prometheus_client's parsers, and the sample site's verdict must change once the store is beside it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, Services
from assess.lab.config import Episode
from assess.monitor.analysis import summarise_store
from assess.monitor.store import Store
from core.errors import UserError
from core.plan import Thresholds
from tests.labtools import needs_lab
from tests.live_helpers import free_port

pytestmark = [pytest.mark.lab, needs_lab]

INTERVAL_S = 6.0
CLEAN = Impairment(delay_ms=5, jitter_ms=0.5)
EPISODE_START_S, EPISODE_END_S = 24.0, 36.0  # relay time: two intervals of 10 % upstream loss
SAMPLES = Path(__file__).parents[1] / "samples"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    episode = Episode(start_s=EPISODE_START_S, end_s=EPISODE_END_S, up=Impairment(delay_ms=5, jitter_ms=0.5,
                                                                                   loss_pct=10.0))
    config = LabConfig(relay=RelayConfig(up=CLEAN, down=CLEAN, seed=17, episodes=[episode]),
                       services=Services(stun=False, iperf3=False))
    with Lab(config) as built:
        yield built


def _plan(lab: Lab, path: Path) -> Path:
    path.write_text(
        "company: Lab\nsites:\n- name: hq\n  links:\n"
        f"  - {{name: hq-fibre, provider: Lab fibre, contracted_up_mbps: 50, contracted_down_mbps: 50,\n"
        f"     reflector: '{lab.far_ip}:5004', source_netns: {lab.ns['laptop']}}}\n", encoding="utf-8")
    return path


def _start(plan: Path, out: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assess", "monitor", str(plan), "--out", str(out), "--interval", f"{INTERVAL_S:g}",
         "--rtp-duration", "1.5", *extra], stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _wait_for(predicate: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.3)
    raise AssertionError(f"not reached within {timeout_s} s")


def _stored(out: Path) -> list[float]:
    try:
        store = Store(out / "monitor.sqlite", create=False)
    except UserError:  # not there yet, or the monitor is creating its tables this instant
        return []
    try:
        return [s.started_at for s in store.samples()]
    finally:
        store.close()


def _copy_store(source: Path, target: Path) -> None:
    """Copy a SQLite store with its write-ahead log (the file's bytes alone can miss the last writes)."""
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _scrape(port: int, openmetrics: bool) -> str:
    accept = "application/openmetrics-text; version=1.0.0" if openmetrics else "text/plain"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return str(answer.read().decode())


def test_monitor_finds_the_episode_survives_kill_and_stop_and_changes_the_verdict(lab: Lab, tmp_path: Path) -> None:
    plan, out = _plan(lab, tmp_path / "plan.yaml"), tmp_path / "survey"
    relay_start = lab.relay_truth().started_at
    assert relay_start is not None
    truth_start, truth_end = relay_start + EPISODE_START_S, relay_start + EPISODE_END_S

    results = tmp_path / "results"  # the sample survey's results, judged without monitoring (run meanwhile)
    survey = subprocess.Popen([sys.executable, "-m", "assess", "survey", str(SAMPLES / "plan.yaml"), "--offline",
                               str(SAMPLES / "evidence"), "--out", str(results), "--format", "json"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = _start(plan, out, tmp_path / "first.log")
    try:  # run until a clean interval has started after the episode, then SIGKILL
        _wait_for(lambda: any(t > truth_end for t in _stored(out)), 90)
    finally:
        first.kill()
        first.wait()
    reported = {int(n) for n in re.findall(r"hq/hq-fibre #(\d+):", (tmp_path / "first.log").read_text())}
    time.sleep(2 * INTERVAL_S + 1)  # a whole interval with no monitor (a slot started late is still measured)

    port = free_port()
    second = _start(plan, out, tmp_path / "second.log", "--for", "26s", "--metrics", f"127.0.0.1:{port}")
    try:
        killed_at = max(_stored(out))
        _wait_for(lambda: len([t for t in _stored(out) if t > killed_at]) >= 1, 30)
        text, om_text = _scrape(port, False), _scrape(port, True)
        os.kill(second.pid, signal.SIGSTOP)
        time.sleep(13)
        os.kill(second.pid, signal.SIGCONT)
        assert second.wait(timeout=60) == 0, (tmp_path / "second.log").read_text()
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()

    store = Store(out / "monitor.sqlite", create=False)
    samples, gaps, runs = store.samples(), store.gaps(), store.runs()
    summary = summarise_store(store, "hq", "hq-fibre", Thresholds())
    store.close()
    log = "\n".join(f"{s.slot} {s.status} loss {s.loss_up_pct}/{s.loss_down_pct}" for s in samples)
    print(f"\n{log}\ngaps: {[(g.first_slot, g.last_slot, g.cause) for g in gaps]}")

    # every interval once: measured or inside exactly one recorded gap; nothing the first run stored lost
    slots = [s.slot for s in samples]
    covered = slots + [k for g in gaps for k in range(g.first_slot, g.last_slot + 1)]
    assert sorted(covered) == list(range(min(slots), max(slots) + 1))
    assert reported and reported <= {s.slot for s in samples if runs[0].started_at <= s.started_at < runs[1].started_at}
    causes = [g.cause for g in gaps]
    assert any("killed or crashed" in c for c in causes), causes
    assert any("paused for" in c for c in causes), causes
    assert runs[0].ended_at is None and runs[1].end_cause == "duration over"

    # the episode, found within one interval of the relay's truth
    assert samples[0].started_at < truth_start - 1.5, "no clean interval before the episode (machine too slow?)"
    assert summary is not None
    losses = [e for e in summary.events if e.kind == "loss"]
    assert len(losses) == 1, summary.events
    assert abs(losses[0].started_at - truth_start) <= INTERVAL_S
    assert losses[0].ended_at is not None and abs(losses[0].ended_at - truth_end) <= INTERVAL_S

    # the live figures, through both of prometheus_client's parsers
    families = {f.name: f for f in parse_prometheus(text)}
    mos = [s for s in families["assess_link_mos"].samples
           if s.labels == {"site": "hq", "link": "hq-fibre", "provider": "Lab fibre"}]
    last = next(s for s in samples if s.started_at > killed_at)
    assert len(mos) == 1 and mos[0].value == pytest.approx(last.mos)
    om = {f.name: f for f in parse_openmetrics(om_text)}
    assert om["assess_link_samples"].type == "counter"
    assert any(s.labels.get("status") == "ok" for s in om["assess_link_samples"].samples)

    # the sample site's verdict with this link's pilot beside its survey results
    _, errors = survey.communicate(timeout=300)
    assert survey.returncode == 0, errors
    before = json.loads((results / "hq" / "results.json").read_text())
    _copy_store(out / "monitor.sqlite", results / "monitor.sqlite")
    report = subprocess.run([sys.executable, "-m", "assess", "report", str(results), "--format", "json"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert report.returncode == 0, report.stderr
    after = json.loads((results / "hq" / "results.json").read_text())
    assert before["verdict"] == "GO"
    assert after["verdict"] in ("CONDITIONAL", "NO-GO")
    share = next(f for f in after["findings"] if f["id"] == "VQ411" and f["link"] == "hq-fibre")
    assert share["status"] == "fail" and "missed the targets" in share["message"]
