"""`assess monitor`: every link of the plan measured each interval, one thread per link, into the store.

Survives being killed (each sample is committed as it is measured; a restart continues the series
and records the missed intervals as a gap caused by the dead process), being stopped or the host
sleeping (the clock watch names the cause of the missed intervals), and a dead far end (probed at
most once a minute until it answers). SIGTERM and Ctrl-C stop it cleanly.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assess.monitor.light_probes import LightProbeOptions, measure_link
from assess.monitor.metrics import MonitorMetrics
from assess.monitor.schedule import ClockWatch, slot_at, slot_time
from assess.monitor.store import STORE_NAME, Gap, Run, Sample, Store
from core.errors import UserError
from core.plan import Link, Plan, Voice

UNREACHABLE_RETRY_S = 60.0  # a far end that stopped answering is probed at most once a minute
HEARTBEAT_S = 5.0
Notify = Callable[[str], None]


@dataclass(frozen=True)
class MonitorOptions:
    """How the monitor runs (the command line's options)."""

    out_dir: Path
    interval_s: float = 300.0
    duration_s: float | None = None
    probes: LightProbeOptions = field(default_factory=LightProbeOptions)
    metrics_listen: tuple[str, int] | None = None
    sites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LinkJob:
    """One link to monitor."""

    site: str
    link: Link
    voice: Voice


def jobs_of(plan: Plan, sites: frozenset[str] = frozenset()) -> list[LinkJob]:
    """Every link of the plan (of the chosen sites) with a reflector to stream against."""
    return [LinkJob(site.name, link, plan.voice_for(site)) for site in plan.sites
            if not sites or site.name in sites for link in site.links if link.reflector is not None]


def _stamp(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def restart_cause(previous: Run | None) -> str:
    """Why nothing was measured between the previous run and this one."""
    if previous is None:
        return "monitor not running"
    if previous.ended_at is None:
        return f"monitor not running: killed or crashed (last sign of life {_stamp(previous.heartbeat_at)})"
    return f"monitor not running: stopped ({previous.end_cause or 'stopped'}) at {_stamp(previous.ended_at)}"


class Monitor:
    """The running monitor: store, clock watch, metrics and one thread per link."""

    def __init__(self, jobs: list[LinkJob], opts: MonitorOptions, notify: Notify) -> None:
        self.jobs, self.opts, self.notify = jobs, opts, notify
        self.store = Store(opts.out_dir / STORE_NAME)
        self.stop = threading.Event()
        self.signalled = False  # set by SIGTERM/SIGINT; the main loop turns it into ``stop``
        self.clock = ClockWatch()
        self.metrics = MonitorMetrics()
        self.started_at = time.time()
        self.deadline = None if opts.duration_s is None else self.started_at + opts.duration_s
        runs = self.store.runs()
        self.previous_run = runs[-1] if runs else None
        self.epoch = float(self.store.init_meta("epoch", repr(self.started_at)))
        offset = datetime.now().astimezone().utcoffset()
        self.store.init_meta("utc_offset_s", str(int(offset.total_seconds()) if offset else 0))
        stored_interval = float(self.store.init_meta("interval_s", repr(opts.interval_s)))
        if abs(stored_interval - opts.interval_s) > 1e-6:
            self.store.close()  # one series, one grid: intervals of two lengths would not compare
            raise UserError(f"{self.store.path} holds a series measured every {stored_interval:g} s: continue it "
                            f"with --interval {stored_interval:g}, or start another in a new --out")
        # the options, not argv: a --secret given on the command line must never reach the store
        options = f"--interval {opts.interval_s:g} --rtp-duration {opts.probes.rtp_duration_s:g}"
        self.run_id = self.store.start_run(os.getpid(), self.started_at, opts.interval_s, options)

    # -- one link ---------------------------------------------------------------------------
    def _wait_until(self, t: float) -> bool:
        """Sleep until wall time ``t`` in short steps (the host may sleep); False when stopping."""
        while not self.stop.is_set():
            left = t - time.time()
            if left <= 0:
                return True
            self.stop.wait(min(left, 0.5))
        return False

    def _explain(self, first: int, now: float, backoff_until: float) -> str:
        start = slot_time(self.epoch, self.opts.interval_s, first)
        if start < self.started_at:
            return restart_cause(self.previous_run)
        causes = self.clock.causes(start, now)
        if causes:
            return "; ".join(dict.fromkeys(causes))
        if backoff_until > start:
            return f"far end unreachable: probed at most once every {UNREACHABLE_RETRY_S:.0f} s until it answers"
        return "the previous interval's probes ran past this interval's start"

    def _record_gap(self, job: LinkJob, first: int, last: int, cause: str) -> None:
        t0, t1 = (slot_time(self.epoch, self.opts.interval_s, k) for k in (first, last + 1))
        self.store.add_gap(Gap(site=job.site, link=job.link.name, first_slot=first, last_slot=last,
                               started_at=t0, ended_at=t1, cause=cause))
        self.notify(f"{job.site}/{job.link.name}: gap of {last - first + 1} interval(s): {cause}")

    def run_link(self, job: LinkJob) -> None:
        """Measure one link each interval until stopped or the duration is over."""
        interval = self.opts.interval_s
        last = self.store.last_slot(job.site, job.link.name)
        slot = slot_at(self.epoch, interval, self.started_at) if last is None else last + 1
        backoff_until = 0.0
        while not self.stop.is_set():
            start = max(slot_time(self.epoch, interval, slot), backoff_until)
            if self.deadline is not None and start >= self.deadline:
                return
            if not self._wait_until(start):
                return
            now = time.time()
            current = slot_at(self.epoch, interval, now)
            if current > slot:
                self._record_gap(job, slot, current - 1, self._explain(slot, now, backoff_until))
                slot = current
            sample = measure_link(job.site, job.link, job.voice, slot, self.opts.probes, self.stop)
            if sample is None:
                return
            self._store(sample)
            backoff_until = sample.started_at + UNREACHABLE_RETRY_S if sample.status == "unreachable" else 0.0
            slot += 1

    def _store(self, sample: Sample) -> None:
        if self.store.add_sample(self.run_id, sample):
            self.metrics.record(sample)
        figures = (f"loss {max(sample.loss_up_pct or 0, sample.loss_down_pct or 0):.2f} %, "
                   f"jitter {max(sample.jitter_up_ms or 0, sample.jitter_down_ms or 0):.1f} ms, "
                   f"MOS {sample.mos:.2f}" if sample.status == "ok" and sample.mos is not None
                   else f"{sample.status}: {sample.reason}")
        self.notify(f"{sample.site}/{sample.link} #{sample.slot}: {figures}")

    # -- the whole run ----------------------------------------------------------------------
    def run(self) -> str:
        """Run until stopped or done; returns how it ended."""
        if self.opts.metrics_listen is not None:
            self.metrics.serve(*self.opts.metrics_listen)
        self.clock.start()
        threads = [threading.Thread(target=self.run_link, args=(job,), name=f"link-{job.link.name}", daemon=True)
                   for job in self.jobs]
        for thread in threads:
            thread.start()
        beat = 0.0
        while any(t.is_alive() for t in threads):
            if self.signalled:
                self.stop.set()  # here, not in the signal handler: Event.set takes a lock a second signal could hit
            if time.monotonic() - beat >= HEARTBEAT_S:
                self.store.heartbeat(self.run_id, time.time())
                beat = time.monotonic()
            for thread in threads:
                thread.join(0.5 / len(threads))
        self.clock.stop()
        cause = "SIGTERM or Ctrl-C" if self.signalled else "duration over"
        self.store.end_run(self.run_id, time.time(), cause)
        self.store.close()
        return cause


def run_monitor(plan: Plan, opts: MonitorOptions, notify: Notify) -> str:
    """Monitor every link of ``plan`` until SIGTERM/Ctrl-C or ``opts.duration_s``; returns how it ended."""
    monitor = Monitor(jobs_of(plan, opts.sites), opts, notify)

    def _stop(_sig: int, _frame: object) -> None:
        monitor.signalled = True  # a plain assignment: safe however many signals arrive, however nested

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return monitor.run()
    finally:
        # After a stop signal the rest of a burst may still be arriving: the previous (default) handler, or
        # the default Python puts back while it shuts down, would kill the process mid-exit; ignored stays.
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if monitor.signalled else handler)
