"""The monitoring store, schedule and analysis without a network: series, gaps, busy hour, events."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess.monitor.analysis import summarise
from assess.monitor.schedule import ClockWatch, classify_tick, parse_duration, slot_at, slot_time
from assess.monitor.store import Gap, Sample, Store
from core.errors import UserError
from core.plan import Thresholds

T0 = 1_764_669_600.0  # 2025-12-02 10:00:00 UTC, a Tuesday


def sample(slot: int, **figures: float | str | None) -> Sample:
    base: dict[str, float | str | None] = dict(
        loss_up_pct=0.0, loss_down_pct=0.0, jitter_up_ms=2.0, jitter_down_ms=1.0, rtt_ms=20.0, mos=4.4,
        dscp_sent=46, dscp_at_far_end=46, dscp_on_return=46, public_address="192.0.2.7")
    base.update(figures)
    return Sample(site="hq", link="fibre", slot=slot, started_at=T0 + 300 * slot, ended_at=T0 + 300 * slot + 25,
                  status=str(base.pop("status", "ok")), **base)  # type: ignore[arg-type]


def test_an_interval_is_stored_once_and_a_reopened_store_continues_the_series(tmp_path: Path) -> None:
    path = tmp_path / "monitor.sqlite"
    store = Store(path)
    run = store.start_run(pid=1, now=T0, interval_s=300, command="monitor plan.yaml")
    assert store.add_sample(run, sample(0))
    assert not store.add_sample(run, sample(0, mos=1.0))  # a second write of the same interval is refused
    store.close()
    again = Store(path)
    assert again.last_slot("hq", "fibre") == 0
    assert [s.mos for s in again.samples()] == [4.4]
    assert again.runs()[0].ended_at is None  # never ended: a later run reads it as killed
    again.close()


def test_a_read_only_open_never_writes_and_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "monitor.sqlite"
    Store(path).close()
    before = path.read_bytes()
    Store(path, create=False).close()
    assert path.read_bytes() == before
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match="newer assess"):
        Store(path, create=False)
    (tmp_path / "junk.sqlite").write_text("not a database")
    with pytest.raises(UserError, match="not a usable monitoring store"):
        Store(tmp_path / "junk.sqlite")


def test_durations_and_slots() -> None:
    assert parse_duration("7d") == 7 * 86400
    assert parse_duration("1h30m") == 5400
    assert parse_duration("3600") == 3600
    with pytest.raises(UserError, match="not a duration"):
        parse_duration("soon")
    assert slot_at(T0, 300, T0 + 299.9) == 0
    assert slot_at(T0, 300, T0 + 300) == 1
    assert slot_time(T0, 300, 4) == T0 + 1200


def test_a_late_tick_is_a_pause_and_wall_time_gained_over_monotonic_is_sleep() -> None:
    assert classify_tick(T0, 100.0, T0 + 0.5, 100.5) is None
    paused = classify_tick(T0, 100.0, T0 + 120, 220.0)
    assert paused is not None and "paused for 120 s" in paused.cause
    slept = classify_tick(T0, 100.0, T0 + 3600, 100.5)
    assert slept is not None and "host asleep" in slept.cause


def test_busy_hour_failing_share_percentiles_and_events_from_a_hand_labelled_day() -> None:
    # 10:00-12:55 in 5-minute intervals; 11:00-11:25 has 3 % loss upstream and 40 ms jitter (the backup
    # running), 12:00-12:10 the far end did not answer, from 12:30 the public address changed and EF
    # was bleached upstream; 10:40-10:50 were not measured (the monitor was killed).
    samples = []
    for slot in range(36):
        if slot in (8, 9, 10):
            continue
        if 12 <= slot <= 17:
            samples.append(sample(slot, loss_up_pct=3.0, jitter_up_ms=40.0, mos=3.6))
        elif slot in (24, 25, 26):
            samples.append(sample(slot, status="unreachable", loss_up_pct=None, loss_down_pct=None,
                                  jitter_up_ms=None, jitter_down_ms=None, rtt_ms=None, mos=None,
                                  dscp_sent=None, dscp_at_far_end=None, dscp_on_return=None, public_address=None))
        elif slot >= 30:
            samples.append(sample(slot, public_address="192.0.2.99", dscp_at_far_end=0))
        else:
            samples.append(sample(slot))
    gap = Gap(site="hq", link="fibre", first_slot=8, last_slot=10, started_at=T0 + 2400, ended_at=T0 + 3300,
              cause="monitor not running: killed or crashed")
    s = summarise(samples, [gap], Thresholds(), 300)
    assert s is not None
    assert (s.intervals, s.measured, s.unreachable, s.not_measured) == (36, 30, 3, 3)
    assert s.failing == 6 + 3 and s.failing_share_pct == pytest.approx(100 * 9 / 33, abs=0.01)
    # 11:00 has 6 of 12 intervals failing, 12:00 3 of 12, 10:00 none of 9
    assert s.busy_hour is not None and s.busy_hour.key == 11
    assert s.busy_hour.failing_share_pct == 50.0
    assert s.busy_hour.loss_pct == pytest.approx(1.5)
    by_kind = {(e.kind, e.started_at, e.ended_at) for e in s.events}
    assert ("loss", T0 + 3600, T0 + 3600 + 1800) in by_kind
    assert ("jitter", T0 + 3600, T0 + 3600 + 1800) in by_kind
    assert ("mos", T0 + 3600, T0 + 3600 + 1800) in by_kind
    assert ("unreachable", T0 + 7200, T0 + 7200 + 900) in by_kind
    assert ("public address", T0 + 9000, None) in by_kind
    assert ("dscp", T0 + 9000, None) in by_kind
    assert [(g.intervals, g.cause) for g in s.gaps] == [(3, "monitor not running: killed or crashed")]
    # the 30 measured loss values: 24 at 0 %, 6 at 3 % -> p50 0, p95 and p99 3 (linear interpolation)
    assert s.loss_pct is not None and (s.loss_pct.p50, s.loss_pct.p95, s.loss_pct.p99) == (0.0, 3.0, 3.0)
    # MOS on the low side: 6 of 30 at 3.6, so 95 % of intervals reach 3.6, the median 4.4
    assert s.mos is not None and (s.mos.p50, s.mos.p95) == (4.4, 3.6)


def test_monitor_refuses_a_stream_longer_than_half_the_interval(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("company: X\nsites:\n- name: hq\n  links:\n  - {name: fibre, contracted_up_mbps: 10, "
                    "contracted_down_mbps: 10, reflector: '127.0.0.1:5999'}\n")
    done = subprocess.run([sys.executable, "-m", "assess", "monitor", str(plan), "--out", str(tmp_path),
                           "--interval", "10", "--rtp-duration", "6"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "--rtp-duration 6" in done.stderr and "Traceback" not in done.stderr


def _stored_samples(path: Path) -> int:
    try:
        store = Store(path, create=False)
    except UserError:  # not created yet
        return 0
    try:
        return len(store.samples())
    finally:
        store.close()


def test_a_series_is_continued_with_its_own_interval_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "monitor.sqlite")
    store.init_meta("interval_s", "300")
    store.close()
    plan = tmp_path / "plan.yaml"
    plan.write_text("company: X\nsites:\n- name: hq\n  links:\n  - {name: fibre, contracted_up_mbps: 10, "
                    "contracted_down_mbps: 10, reflector: '127.0.0.1:9'}\n")
    done = subprocess.run([sys.executable, "-m", "assess", "monitor", str(plan), "--out", str(tmp_path),
                           "--interval", "60"], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert "every 300 s" in done.stderr and "Traceback" not in done.stderr


def test_a_dead_far_end_is_probed_at_most_once_a_minute_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("company: X\nsites:\n- name: hq\n  links:\n  - {name: fibre, contracted_up_mbps: 10, "
                    "contracted_down_mbps: 10, reflector: '127.0.0.1:9'}\n")
    proc = subprocess.Popen([sys.executable, "-m", "assess", "monitor", str(plan), "--out", str(tmp_path),
                             "--interval", "2", "--rtp-duration", "1"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not _stored_samples(tmp_path / "monitor.sqlite"):
        time.sleep(0.5)
    time.sleep(8)  # four more 2 s intervals in which the dead far end must not be probed again
    for _ in range(20):  # a burst, as a supervisor, its shell and a user may all send one
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.005)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "MB/day" in err  # the budget is printed before starting
    store = Store(tmp_path / "monitor.sqlite", create=False)
    samples = store.samples()
    assert [s.status for s in samples] == ["unreachable"]  # not one per 2 s interval
    assert "no answer from the reflector" in (samples[0].reason or "")
    assert store.runs()[0].end_cause == "SIGTERM or Ctrl-C"


def test_a_pause_is_seen_by_whoever_asks_first_after_sigcont() -> None:
    """After SIGCONT the link thread can ask before the watch thread has ticked: asking ticks first."""
    watch = ClockWatch()
    watch.start()
    try:
        time.sleep(0.1)
        # As if the process had been stopped for 13 s between the watch's last tick and now.
        watch._last = (time.time() - 13.0, time.monotonic() - 13.0)
        causes = watch.causes(time.time() - 20.0, time.time())
    finally:
        watch.stop()
    assert any(c.startswith("monitor paused for 13 s") for c in causes), causes
