"""Measures one WAN link with every probe its plan entry allows, saving as it goes.

Each probe is a typed request (:mod:`assess.link_requests`) run in its own
worker process (:mod:`assess.probe_process`): a probe that hangs is killed at
its time limit, one that crashes cannot take the survey with it, and a link
with ``source_netns`` is measured from that Linux network namespace. Each
result is written to ``EVIDENCE/<site>/_links/<link>.json`` the moment it is
known, so a failure later (or Ctrl-C) loses nothing and ``--resume`` skips
what is already measured.

The probes of one link overlap where they cannot disturb each other: the bandwidth
test runs alone (nothing else of the link runs during it), then the NAT probe, whose
binding-lifetime search is mostly idle waiting, runs in the background while the
link's other probes run one after another. ``bandwidth_turn`` (one lock per site,
see :mod:`assess.site_probes`) lets one bandwidth test of a site run at a time: a
link that finds it taken runs its other probes first and its bandwidth test last.
Results of one link are stored and saved under one lock: one writer per link file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from pydantic import ValidationError

from assess.farend.precheck import FIELD_SERVICE, blocked_probes
from assess.link_requests import (
    NO_ENDPOINT,
    LinkField,
    LinkProbeOptions,
    PlannedProbe,
    far_end,
    link_requests,
    time_limit_s,
)
from assess.probe_process import run_in_worker
from collectors.probes.probe_runner import ProbeResult, unassessed_reason
from collectors.probes.requests import ProbeRequest
from core.atomic import write_atomic
from core.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from core.models.site import LinkProbes, NotAssessed
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from core.plan import Link, Voice
from core.safe_names import check_name, inside

LINKS_DIR = "_links"
FIELD_ORDER: tuple[LinkField, ...] = get_args(LinkField)
__all__ = ["LinkProbeOptions", "load_link_probes", "probe_link", "save_link_probes"]


def links_dir(evidence_root: Path, site: str) -> Path:
    """Folder of a site's recorded link probe results."""
    return inside(evidence_root, site, LINKS_DIR)


def link_file(evidence_root: Path, site: str, link: str) -> Path:
    """The JSON file of one link's results (names checked; the path stays under ``evidence_root``)."""
    return inside(links_dir(evidence_root, site), check_name(link, "link name") + ".json")


def load_link_probes(evidence_root: Path, site: str, link: str) -> LinkProbes | None:
    """Recorded results of one link, or None when none were saved (or the file is unreadable)."""
    path = link_file(evidence_root, site, link)
    try:
        return LinkProbes.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError):
        return None


def save_link_probes(evidence_root: Path, site: str, probes: LinkProbes) -> None:
    """Write one link's results atomically."""
    write_atomic(link_file(evidence_root, site, probes.link), probes.model_dump_json(indent=2))


def stored(probes: LinkProbes, fld: LinkField) -> ProbeResult | None:
    """What ``probes`` already holds in the result field ``fld``."""
    held: dict[LinkField, ProbeResult | None] = {
        "rtp": probes.rtp, "bandwidth": probes.bandwidth, "nat": probes.nat, "sip_alg": probes.sip_alg,
        "ports": probes.ports, "sip_path": probes.sip_path,
    }
    return held[fld]


def store(probes: LinkProbes, result: ProbeResult) -> None:
    """Put ``result`` into the field of :class:`LinkProbes` its kind of result belongs in
    (a link has none for a STAMP session)."""
    match result:
        case RtpResult():
            probes.rtp = result
        case BandwidthResult():
            probes.bandwidth = result
        case NatResult():
            probes.nat = result
        case SipAlgResult():
            probes.sip_alg = result
        case PortsResult():
            probes.ports = result
        case SignallingResult():
            probes.sip_path = result
        case DscpTraceResult():
            probes.dscp_trace = result
        case _:
            raise TypeError(f"a link's results have no field for a {type(result).__name__}")


_FAR_END_SERVICE = {"reflector": "`assess reflector`", "iperf3": "an iperf3 server", "stun": "a STUN server"}


def finish_step(link: Link, planned: PlannedProbe) -> str:
    """What to do so the next run can measure this probe of ``link``."""
    if planned.field == "sip_path":
        if planned.cannot_run:
            return "set voice.sip_domain in the plan"
        return "check the site's DNS server and the SIP domain"
    key = FIELD_SERVICE[planned.field]
    if planned.request is None:
        return f"give link {link.name} a `{key}:` endpoint in the plan"
    where = f"{far_end(planned.request)} ({_FAR_END_SERVICE[key]})"
    source = f" from network namespace {link.source_netns}" if link.source_netns else ""
    return (
        f"make the far end answer at {where}{source}: start `assess farend` there and check it with "
        f"`assess farend --check`, or correct `{key}:` of link {link.name}"
    )


class RunningProbes:
    """The probes of one site running now, as one progress line ("hq: hq-fibre nat, rtp; hq-backup bandwidth"),
    and how long each took (``spans``, for the survey's timing figures). Safe to call from several threads."""

    def __init__(self, site: str, notify: Callable[[str], None] | None = None) -> None:
        self.site = site
        self.spans: list[ProbeSpan] = []
        self._notify = notify
        self._running: dict[tuple[str, str], float] = {}  # (link, probe label) -> start (monotonic)
        self._lock = threading.Lock()

    def started(self, link: str, probe: str) -> None:
        """``probe`` of ``link`` has started."""
        with self._lock:
            self._running[(link, probe)] = time.monotonic()
            line = self._line()
        self._say(line)

    def finished(self, link: str, probe: str) -> None:
        """``probe`` of ``link`` has ended (measured or not)."""
        with self._lock:
            start = self._running.pop((link, probe))
            self.spans.append(ProbeSpan(link, probe, start, time.monotonic()))
            line = self._line() if self._running else None
        if line is not None:
            self._say(line)

    def _line(self) -> str:
        by_link: dict[str, list[str]] = {}
        for link, probe in self._running:
            by_link.setdefault(link, []).append(probe)
        return f"{self.site}: " + "; ".join(f"{link}: {', '.join(probes)} probe" for link, probes in by_link.items())

    def _say(self, line: str) -> None:
        if self._notify is not None:
            self._notify(line)


@dataclass(frozen=True)
class ProbeSpan:
    """When one probe of a link ran (``time.monotonic()`` seconds)."""

    link: str
    probe: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        """How long the probe took."""
        return self.end - self.start


class LinkResults:
    """One link's results and not-assessed items; each result is saved the moment it is known.

    The link's NAT probe stores from its own thread: one lock makes the link file single-writer.
    """

    def __init__(self, site: str, probes: LinkProbes, evidence_root: Path) -> None:
        self.site = site
        self.probes = probes
        self._missing: list[tuple[int, NotAssessed]] = []
        self._root = evidence_root
        self._lock = threading.Lock()

    def measured(self, result: ProbeResult) -> None:
        """Store ``result`` and save the link's file."""
        with self._lock:
            store(self.probes, result)
            save_link_probes(self._root, self.site, self.probes)

    def not_assessed(self, fld: LinkField, item: NotAssessed) -> None:
        """Record a probe that measured nothing (not saved: a resumed run tries it again)."""
        with self._lock:
            self._missing.append((FIELD_ORDER.index(fld), item))

    @property
    def missing(self) -> list[NotAssessed]:
        """The not-assessed items in the order of the link's result fields, whichever probe ended first."""
        with self._lock:
            return [item for _, item in sorted(self._missing, key=lambda ranked: ranked[0])]


@dataclass(frozen=True)
class LinkRun:
    """How one link is being probed: where results go, the bounds, and what it shares with its site."""

    link: Link
    opts: LinkProbeOptions
    results: LinkResults
    running: RunningProbes | None = None
    stop: threading.Event | None = None  # set: stop the running probe processes (Ctrl-C, an error elsewhere)

    def measure(self, planned: PlannedProbe, request: ProbeRequest) -> None:
        """Run one probe in its worker process and record what it gave."""
        link, running = self.link, self.running
        if running is not None:
            running.started(link.name, planned.label)
        try:
            outcome = run_in_worker(request, time_limit_s(request), link.source_netns, self.opts.secret, self.stop)
        finally:
            if running is not None:
                running.finished(link.name, planned.label)
        reason = outcome if isinstance(outcome, str) else unassessed_reason(outcome)
        if isinstance(outcome, str) or reason is not None:
            item = NotAssessed(item=f"{link.name}: {planned.label} probe", reason=reason or "not assessed",
                               to_finish=finish_step(link, planned))
            self.results.not_assessed(planned.field, item)
            return
        self.results.measured(outcome)

    def measure_each(self, todo: list[tuple[PlannedProbe, ProbeRequest]]) -> None:
        """Run ``todo`` one after another (none left once a stop is asked for)."""
        for planned, request in todo:
            if self.stop is not None and self.stop.is_set():
                return
            self.measure(planned, request)


@contextmanager
def stop_on_error(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` when the body raises (Ctrl-C included): probe processes of other threads end before it
    propagates, instead of running on to their time limits."""
    try:
        yield
    except BaseException:
        stop.set()
        raise


def to_measure(link: Link, voice: Voice, opts: LinkProbeOptions, results: LinkResults,
               only: set[str] | None) -> list[tuple[PlannedProbe, ProbeRequest]]:
    """The probes of ``link`` still to run; those that cannot run go to ``results`` as not assessed."""
    checks = opts.farend_checks
    blocked = blocked_probes(checks.dead_services(link, opts.secret)) if checks is not None else {}
    todo: list[tuple[PlannedProbe, ProbeRequest]] = []
    for planned in link_requests(link, voice, opts):
        if only is not None and planned.field not in only:
            continue
        if planned.request is None:
            why: str | None = planned.cannot_run or NO_ENDPOINT
        elif stored(results.probes, planned.field) is not None:
            continue  # measured in an earlier, interrupted run
        else:  # a far-end service that did not answer the check is not waited for again
            why = blocked.get(planned.field)
        if why is None and planned.request is not None:
            todo.append((planned, planned.request))
        else:
            item = NotAssessed(item=f"{link.name}: {planned.label} probe", reason=why or NO_ENDPOINT,
                               to_finish=finish_step(link, planned))
            results.not_assessed(planned.field, item)
    return todo


def probe_link(
    site: str,
    link: Link,
    voice: Voice,
    evidence_root: Path,
    opts: LinkProbeOptions,
    *,
    resume: bool = False,
    running: RunningProbes | None = None,
    only: set[str] | None = None,
    bandwidth_turn: threading.Lock | None = None,
    stop: threading.Event | None = None,
) -> tuple[LinkProbes, list[NotAssessed]]:
    """Run every probe the link has an endpoint for (or those whose field is in ``only``);
    failures become not-assessed items. ``bandwidth_turn``: the site's one-bandwidth-test-at-a-time lock."""
    previous = load_link_probes(evidence_root, site, link.name) if resume else None
    results = LinkResults(site, previous or LinkProbes(link=link.name, source="live"), evidence_root)
    stop = stop if stop is not None else threading.Event()
    run = LinkRun(link, opts, results, running, stop)
    todo = to_measure(link, voice, opts, results, only)
    bandwidth = [p for p in todo if p[0].field == "bandwidth"]
    beside = [p for p in todo if p[0].field == "nat"]  # mostly idle waiting: runs beside the light probes
    light = [p for p in todo if p[0].field not in ("bandwidth", "nat")]
    turn = bandwidth_turn or threading.Lock()
    bandwidth_first = bool(bandwidth) and turn.acquire(blocking=False)
    if bandwidth_first:
        try:
            run.measure_each(bandwidth)
        finally:
            turn.release()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{link.name}-nat") as pool:
        background = [pool.submit(run.measure_each, beside)] if beside else []
        with stop_on_error(stop):
            run.measure_each(light)
            for job in background:
                job.result()
    if bandwidth and not bandwidth_first:
        with turn:  # another link of the site was testing: this link's own test comes after its other probes
            run.measure_each(bandwidth)
    return results.probes, results.missing
