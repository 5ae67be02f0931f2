"""The survey's probe phase overlaps idle waits: which probes may run at the same time, and saving stays safe.

The worker process is replaced by a stand-in that only takes time (as the probe of that kind would)
and answers with a recorded-shape result: these tests are about the schedule, not the probes (the
lab demo test runs the real ones through it).
"""

from __future__ import annotations

import doctest
import threading
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

import assess.farend.precheck as precheck
import assess.link_survey as link_survey
import assess.site_probes as site_probes
from assess.farend.precheck import FarendChecks
from assess.link_requests import LinkProbeOptions
from assess.link_survey import RunningProbes, load_link_probes, probe_link
from assess.probe_process import Turn
from assess.site_probes import far_ends_checked_meanwhile, probe_site_links
from collectors.probes.probe_runner import ProbeResult
from collectors.probes.requests import ProbeRequest
from core.models.probes import RtpResult
from core.models.traversal import NatResult
from core.plan import Link, Voice

# seconds each kind of probe takes here: the NAT probe's binding-lifetime search is the long idle one,
# after its behaviour discovery (the stand-in records the two parts apart)
TAKES = {"bandwidth": 0.4, "nat discovery": 0.2, "nat lifetime": 1.0, "rtp": 0.3, "sip-alg": 0.1, "ports": 0.1}
OPTS = LinkProbeOptions(farend_checks=None)  # no far-end check: nothing leaves this machine
RTP = RtpResult(packets_sent=500, packets_received=499, loss_pct=0.2, jitter_ms=1.5, jitter_p95_ms=3.0, rtt_ms=20.0,
                reorder_pct=0.0, r_factor=92.0, mos=4.4, loss_up_pct=0.2, loss_down_pct=0.0, jitter_up_ms=1.5,
                jitter_down_ms=1.0)
NAT = NatResult(public_address="198.51.100.7", mapping="endpoint-independent", filtering="address-and-port-dependent",
                binding_lifetime_s=30.0, binding_lifetime_resolution_s=1.0)


@dataclass(frozen=True)
class Ran:
    kind: str
    netns: str | None
    start: float
    end: float

    def overlaps(self, other: Ran) -> bool:
        return self.start < other.end and other.start < self.end


class StandIn:
    """Takes the place of ``run_in_worker``: waits as long as the probe would (or until stopped)."""

    def __init__(self, fail_kind: str | None = None) -> None:
        self.ran: list[Ran] = []
        self.fail_kind = fail_kind
        self._lock = threading.Lock()

    def __call__(self, request: ProbeRequest, time_limit_s: float, netns: str | None = None,
                 secret: str | None = None, stop: threading.Event | None = None,
                 turn: Turn | None = None) -> ProbeResult | str:
        if request.kind == self.fail_kind:
            raise RuntimeError("the probe runner broke")
        stop = stop or threading.Event()
        if request.kind != "nat":
            return "stopped" if self._take(request.kind, netns, stop) else self._answer(request.kind)
        if self._take("nat discovery", netns, stop):
            return "stopped"
        if turn is not None:  # as the worker does: its lifetime search waits for the go-ahead
            reached = time.monotonic()
            while not turn.go.wait(0.01):
                if stop.is_set():
                    return "stopped"
            turn.waited_s = time.monotonic() - reached
        return "stopped" if self._take("nat lifetime", netns, stop) else NAT

    def _take(self, part: str, netns: str | None, stop: threading.Event) -> bool:
        """Take as long as ``part`` would (True: stopped meanwhile)."""
        start = time.monotonic()
        stopped = stop.wait(TAKES[part])
        with self._lock:
            self.ran.append(Ran(part, netns, start, time.monotonic()))
        return stopped

    @staticmethod
    def _answer(kind: str) -> ProbeResult | str:
        return RTP if kind == "rtp" else f"{kind}: the far end did not answer"


def _link(name: str, netns: str | None = None) -> Link:
    far = "192.0.2.10"  # never contacted: the stand-in answers
    return Link.model_validate({"name": name, "contracted_up_mbps": 10, "contracted_down_mbps": 50,
                                "reflector": far, "iperf3": far, "stun": far, "source_netns": netns})


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> StandIn:
    fake = StandIn()
    monkeypatch.setattr(link_survey, "run_in_worker", fake)
    return fake


def test_only_nat_discovery_runs_beside_the_bandwidth_test_and_the_lifetime_search_beside_the_light_probes(
        stand_in: StandIn, tmp_path: Path) -> None:
    start = time.monotonic()
    probes, missing = probe_link("s", _link("wan1"), Voice(), tmp_path, OPTS)
    took = time.monotonic() - start
    ran = {r.kind: r for r in stand_in.ran}
    assert set(ran) == set(TAKES)
    beside_bandwidth = {r.kind for r in stand_in.ran if r.kind != "bandwidth" and ran["bandwidth"].overlaps(r)}
    assert beside_bandwidth == {"nat discovery"}
    assert ran["nat lifetime"].start >= ran["bandwidth"].end
    assert ran["nat lifetime"].overlaps(ran["rtp"]) and ran["nat lifetime"].overlaps(ran["ports"])
    # one after another: 2.1 s; overlapped: discovery beside bandwidth, then the search with the rest beside it
    assert took < TAKES["bandwidth"] + TAKES["nat lifetime"] + 0.3, took
    assert probes.rtp == RTP and probes.nat == NAT
    assert [m.item for m in missing] == ["wan1: bandwidth probe", "wan1: sip alg probe", "wan1: ports probe",
                                        "wan1: sip path probe"]  # in the fields' order, not as they ended
    saved = load_link_probes(tmp_path, "s", "wan1")  # both threads' results are in the one file
    assert saved is not None and saved.rtp == RTP and saved.nat == NAT


def test_links_on_their_own_namespaces_run_in_parallel_with_one_bandwidth_test_at_a_time(stand_in: StandIn,
                                                                                        tmp_path: Path) -> None:
    links = [_link("fibre", "wan1"), _link("backup", "wan2"), _link("lte", "wan3")]
    outcomes = probe_site_links("hq", links, Voice(), tmp_path, OPTS)
    assert [probes.link for probes, _ in outcomes] == ["fibre", "backup", "lte"]
    bandwidth = [r for r in stand_in.ran if r.kind == "bandwidth"]
    assert len(bandwidth) == 3
    assert not any(a.overlaps(b) for a, b in combinations(bandwidth, 2))
    for test in bandwidth:  # nothing of its own link but NAT discovery runs beside a bandwidth test
        own = [r for r in stand_in.ran if r.netns == test.netns and r is not test and r.kind != "nat discovery"]
        assert not any(test.overlaps(r) for r in own)
    nat = [r for r in stand_in.ran if r.kind == "nat lifetime"]
    assert all(a.overlaps(b) for a, b in combinations(nat, 2)), "the links' idle waits overlap"
    for probes, _ in outcomes:
        assert load_link_probes(tmp_path, "hq", probes.link) == probes


def test_links_are_grouped_by_namespace_as_the_docstring_shows() -> None:
    result = doctest.testmod(site_probes)
    assert result.attempted and not result.failed


def test_links_leaving_by_one_path_take_turns(stand_in: StandIn, tmp_path: Path) -> None:
    links = [_link("fibre"), _link("backup")]  # no namespace: both leave by the default route
    probe_site_links("hq", links, Voice(), tmp_path, OPTS)
    first, second = stand_in.ran[:6], stand_in.ran[6:]
    assert len(second) == 6
    assert max(r.end for r in first) <= min(r.start for r in second)


def test_an_error_stops_the_other_probes_and_keeps_what_was_saved(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    fake = StandIn(fail_kind="sip-alg")  # after rtp, while the NAT probe still waits
    monkeypatch.setattr(link_survey, "run_in_worker", fake)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="broke"):
        probe_link("s", _link("wan1"), Voice(), tmp_path, OPTS)
    took = time.monotonic() - start
    assert took < TAKES["bandwidth"] + TAKES["nat lifetime"], "the NAT probe was stopped, not awaited"
    saved = load_link_probes(tmp_path, "s", "wan1")
    assert saved is not None and saved.rtp == RTP and saved.nat is None


def test_progress_names_every_running_probe_once_per_link() -> None:
    lines: list[str] = []
    board = RunningProbes("hq", lines.append)
    board.started("hq-fibre", "nat")
    board.started("hq-backup", "bandwidth")
    board.started("hq-fibre", "rtp")
    board.finished("hq-backup", "bandwidth")
    assert lines == ["hq: hq-fibre: nat probe", "hq: hq-fibre: nat probe; hq-backup: bandwidth probe",
                     "hq: hq-fibre: nat, rtp probe; hq-backup: bandwidth probe", "hq: hq-fibre: nat, rtp probe"]
    assert [(span.link, span.probe) for span in board.spans] == [("hq-backup", "bandwidth")]


def test_a_probe_s_time_leaves_out_its_wait_for_a_turn(stand_in: StandIn, tmp_path: Path) -> None:
    board = RunningProbes("s")
    probe_link("s", _link("wan1"), Voice(), tmp_path, OPTS, running=board)
    nat = next(span for span in board.spans if span.probe == "nat")
    alone = TAKES["nat discovery"] + TAKES["nat lifetime"]
    assert nat.end - nat.start > alone + 0.1, "it waited for the bandwidth test"
    assert alone <= nat.seconds < alone + 0.1, nat


def test_far_ends_are_checked_while_the_devices_are_collected_and_not_again_by_the_probes(
        stand_in: StandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    checked: list[tuple[str | None, float, float]] = []  # (namespace, start, end) of each far-end check

    def check(host: str, services: dict[str, int], netns: str | None, secret: str | None) -> dict[str, str]:
        start = time.monotonic()
        time.sleep(0.3)  # `assess farend --check`: a process start and a few round trips
        checked.append((netns, start, time.monotonic()))
        return {}

    monkeypatch.setattr(precheck, "_check", check)
    opts = LinkProbeOptions(farend_checks=FarendChecks())
    links = [_link("fibre", "wan1"), _link("backup", "wan2")]
    start = time.monotonic()
    with far_ends_checked_meanwhile(links, opts):
        time.sleep(0.4)  # the site's devices being collected
    assert time.monotonic() - start < 0.4 + 0.2, "the checks ran beside the collection, not after it"
    assert sorted(netns for netns, _, _ in checked) == ["wan1", "wan2"]
    assert max(start for _, start, _ in checked) < min(end for _, _, end in checked), "each link's far end at once"
    probe_site_links("hq", links, Voice(), tmp_path, opts)
    assert len(checked) == 2, "the probes found the checks done"
    assert {r.kind for r in stand_in.ran} == set(TAKES)  # nothing was found dead: every probe ran


def test_no_far_end_check_when_checks_are_off_or_there_is_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precheck, "_check", lambda *_: pytest.fail("no check was asked for"))
    with far_ends_checked_meanwhile([_link("fibre")], OPTS):
        pass
    with far_ends_checked_meanwhile([], LinkProbeOptions(farend_checks=FarendChecks())):
        pass
