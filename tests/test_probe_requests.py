"""Typed probe requests: the worker's JSON protocol, its time limits, and `assess probe X` building the
same request from its flags as the survey builds from the plan."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from importlib import import_module
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assess.link_requests import LinkProbeOptions, link_requests, time_limit_s
from assess.probe_process import run_in_worker
from collectors.probes.probe_runner import RESULT_MODEL, check_request
from collectors.probes.requests import (
    PROBE_REQUEST,
    BandwidthProbe,
    DscpTraceProbe,
    NatProbe,
    NatPublicPairProbe,
    PortsProbe,
    ProbeNotAssessed,
    RtpProbe,
    SipAlgProbe,
    SipPathProbe,
    StampProbe,
)
from collectors.probes.worker import read_outcome
from core.plan import Link, Voice

EVERY_KIND = [
    RtpProbe(host="192.0.2.10"), BandwidthProbe(host="192.0.2.10"), NatProbe(host="192.0.2.10"),
    NatPublicPairProbe(servers=(("192.0.2.1", 3478), ("198.51.100.1", 3479))), SipAlgProbe(host="192.0.2.10"),
    PortsProbe(host="192.0.2.10", udp=[5060, 10000]), SipPathProbe(domain="voip.example.test"),
    StampProbe(host="192.0.2.10"), DscpTraceProbe(address="192.0.2.10"),
]


@pytest.mark.parametrize("request_", EVERY_KIND, ids=lambda r: r.kind)
def test_every_request_survives_the_json_trip(request_: Any) -> None:
    assert PROBE_REQUEST.validate_json(request_.model_dump_json()) == request_


def test_every_kind_has_a_result_model() -> None:
    assert set(RESULT_MODEL) == {r.kind for r in EVERY_KIND}


def test_a_secret_never_reaches_the_json() -> None:
    text = StampProbe(host="192.0.2.10", secret="s3cret-lab").model_dump_json()
    assert "secret" not in text and "s3cret-lab" not in text


def test_time_limits_are_the_probes_own_bounds_plus_a_margin() -> None:
    # the limits of the survey's former command table, written out by hand
    assert time_limit_s(RtpProbe(host="h", duration_s=30)) == 60
    assert time_limit_s(BandwidthProbe(host="h", duration_s=5)) == 60
    assert time_limit_s(NatProbe(host="h", lifetime_cap_s=300)) == 660
    assert time_limit_s(NatPublicPairProbe(servers=(("a", 1), ("b", 2)))) == 30
    assert time_limit_s(SipAlgProbe(host="h")) == 60
    assert time_limit_s(PortsProbe(host="h")) == 90
    assert time_limit_s(SipPathProbe(domain="d")) == 180


def test_worker_output_is_read_as_a_result_or_one_reason() -> None:
    assert read_outcome("rtp", '{"status": "not_assessed", "item": "x", "reason": "no echo"}', "", 1) == "no echo"
    crash = "Traceback (most recent call last):\n  File ...\nOSError: [Errno 99] Cannot assign\n"
    assert read_outcome("rtp", "", crash, 1) == "OSError: [Errno 99] Cannot assign"
    assert read_outcome("ports", "", "", -9) == "probe exited with code -9 and no result"
    wrong = read_outcome("bandwidth", '{"tested_udp": []}', "", 0)
    assert isinstance(wrong, str) and wrong.startswith("unexpected probe output:")


def test_a_bad_request_is_one_line_and_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "collectors.probes.worker"], input='{"kind": "teleport"}',
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("not a valid probe request") and len(done.stderr.strip().splitlines()) == 1


def test_a_worker_past_its_time_limit_or_told_to_stop_is_killed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers: ~2 s of retries
        silent.bind(("127.0.0.1", 0))
        request = RtpProbe(host="127.0.0.1", port=silent.getsockname()[1], duration_s=1)
        assert run_in_worker(request, 1) == "no answer within 1 s; stopped"
        stop = threading.Event()
        threading.Timer(0.3, stop.set).start()
        assert run_in_worker(request, 60, stop=stop) == "stopped"


LINK = Link.model_validate({"name": "wan1", "contracted_up_mbps": 10, "contracted_down_mbps": 50,
                            "reflector": "192.0.2.10:5004", "iperf3": "192.0.2.11", "stun": "192.0.2.12:3479"})
VOICE = Voice(codec="g722", ptime_ms=30, rtp_ports=(16384, 16483), sip_domain="voip.example.test")


def _request_from_flags(name: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The request `assess probe NAME ARGV` hands to the runner (the runner answers: not assessed)."""
    seen: list[Any] = []

    def runner(request: Any) -> ProbeNotAssessed:
        seen.append(request)
        return ProbeNotAssessed(item="x", reason="captured")

    module = import_module(f"assess.commands.probe_{name.replace('-', '_')}")
    monkeypatch.setattr(import_module("assess.commands.probe_common"), "run_probe", runner)
    app, probe_app = typer.Typer(), typer.Typer()
    app.add_typer(probe_app, name="probe")
    module.register(probe_app)
    monkeypatch.delenv("ASSESS_SECRET", raising=False)
    out = CliRunner().invoke(app, ["probe", name, *argv, "--json"])
    assert out.exit_code == 1 and len(seen) == 1, out.output
    return seen[0]


@pytest.mark.parametrize(("field", "name", "argv"), [
    ("rtp", "rtp", ["192.0.2.10:5004", "--codec", "g722", "--ptime", "30", "--duration", "30", "--dscp", "ef"]),
    ("bandwidth", "bandwidth", ["192.0.2.11:5201", "--duration", "5", "--max-mbps", "55",
                                "--contracted-up", "10", "--contracted-down", "50", "--calls", "10", "--codec",
                                "g722", "--ptime", "30"]),
    ("nat", "nat", ["192.0.2.12:3479", "--lifetime-cap", "300"]),
    ("sip_alg", "sip-alg", ["192.0.2.10"]),
    ("ports", "ports", ["192.0.2.10", "--udp", "5060,16384-16483", "--tcp", "5060", "--reflector-port", "5004"]),
    ("sip_path", "sip-path", ["voip.example.test"]),
])
def test_assess_probe_builds_the_request_the_survey_builds(field: str, name: str, argv: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    [planned] = [p for p in link_requests(LINK, VOICE, LinkProbeOptions()) if p.field == field]
    assert _request_from_flags(name, argv, monkeypatch) == planned.request


def test_a_gigabit_link_gets_a_bandwidth_test_at_the_probes_ceiling() -> None:
    """1000/1000 Mbit/s: the contract plus 10 % would be 1100, above the probe's 1000 Mbit/s ceiling."""
    gigabit = LINK.model_copy(update={"contracted_up_mbps": 1000, "contracted_down_mbps": 1000})
    [planned] = [p for p in link_requests(gigabit, VOICE, LinkProbeOptions()) if p.field == "bandwidth"]
    assert planned.request is not None and planned.request.max_mbps == 1000.0
    check_request(planned.request)  # the probe accepts it (it refused 1100)
    [small] = [p for p in link_requests(LINK, VOICE, LinkProbeOptions()) if p.field == "bandwidth"]
    assert small.request is not None and small.request.max_mbps == 55.0  # 50 Mbit/s down plus 10 %
