"""The reflector's traversal services (STUN, SIP echo, port answers) with the real probes, on loopback."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from assess.cli import app
from assess.link_requests import NO_SIP_DOMAIN, LinkProbeOptions, link_requests
from assess.link_survey import store
from assess.probe_process import Turn, run_in_worker
from collectors.probes.nat_behaviour import StunTarget, ask
from collectors.probes.nat_probe import probe_nat
from collectors.probes.port_list import expand, parse_ports, sample_range, spans
from collectors.probes.ports import probe_ports
from collectors.probes.probe_runner import run_probe
from collectors.probes.requests import NatProbe, PortsProbe, ProbeNotAssessed, SipAlgProbe
from collectors.probes.sip_alg import probe_sip_alg
from core.models.site import LinkProbes
from core.models.traversal import NatResult, PortsResult
from core.plan import Endpoint, Link, Voice
from reflector.stun_responder import StunConfig, StunResponder
from tests.traversal_servers import AllowAll, AsyncService, free_port_pair_tcp_udp, free_udp_port_pair
from wire.stun import BINDING_REQUEST, StunMessage, encode

# The open reflector runs as `assess reflector`, the one with a secret from its own entry point
# (`python -m reflector`): both must serve every probe alike.
ASSESS_REFLECTOR = ("-m", "assess", "reflector")
STANDALONE_REFLECTOR = ("-m", "reflector")


def _start_reflector(
    secret: str | None, entry: tuple[str, ...] = ASSESS_REFLECTOR
) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    ctrl, sip = free_port_pair_tcp_udp()
    alt, _ = free_port_pair_tcp_udp()
    stun = free_udp_port_pair(("127.0.0.1", "127.0.0.2"))
    argv = [sys.executable, *entry, "--bind", "127.0.0.1", "--bind", "127.0.0.2",
            "--port", str(ctrl), "--stun-port", str(stun), "--sip-port", str(sip), "--sip-alt-port", str(alt)]
    env = {k: v for k, v in os.environ.items() if k != "ASSESS_SECRET"}
    if secret:
        env["ASSESS_SECRET"] = secret
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 30  # a loaded machine needs seconds just to start Python
    while time.monotonic() < deadline and not _tcp_open(alt):
        time.sleep(0.1)
    return proc, {"ctrl": ctrl, "sip": sip, "alt": alt, "stun": stun}


@pytest.fixture(scope="module")
def reflector():
    proc, ports = _start_reflector(None)
    yield ports
    proc.terminate()
    proc.wait(timeout=5)


@pytest.fixture(scope="module")
def secret_reflector():
    proc, ports = _start_reflector("s3cret-lab", STANDALONE_REFLECTOR)
    yield ports
    proc.terminate()
    proc.wait(timeout=5)


def test_reflector_with_secret_serves_only_probes_that_know_it(secret_reflector):
    r = secret_reflector
    nat_ok = probe_nat(NatProbe(host="127.0.0.1", port=r["stun"], lifetime_cap_s=0, secret="s3cret-lab"))
    nat_bad = probe_nat(NatProbe(host="127.0.0.1", port=r["stun"], lifetime_cap_s=0, timeout_s=0.4, secret="wrong"))
    alg_ok = probe_sip_alg(SipAlgProbe(host="127.0.0.1", port=r["sip"], alt_port=r["alt"], timeout_s=1,
                                     secret="s3cret-lab"))
    ports = PortsProbe(host="127.0.0.1", udp=[r["sip"], 20500], tcp=[r["sip"]], reflector_port=r["ctrl"], timeout_s=0.5)
    ports_ok = probe_ports(ports.model_copy(update={"secret": "s3cret-lab"}))
    ports_bad = probe_ports(ports)
    assert nat_ok.assessed and nat_ok.mapping == "no-nat" and not nat_bad.assessed
    assert alg_ok.assessed and alg_ok.sip_alg_detected is False
    assert ports_ok.assessed and ports_ok.blocked_udp == [] and not ports_bad.assessed


def _tcp_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_reflector_stun_classifies_loopback_as_no_nat_and_honours_change_requests(reflector):
    result = probe_nat(NatProbe(host="127.0.0.1", port=reflector["stun"], lifetime_cap_s=1.0, parallel=2))
    assert result.assessed and result.mapping == "no-nat"
    assert result.firewall_filtering == "endpoint-independent"  # answered from the other address and port
    assert result.binding_lifetime_at_least is True  # RESPONSE-PORT honoured: the control binding answered


def test_reflector_stun_never_answers_an_unpadded_request(reflector):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(encode(StunMessage(BINDING_REQUEST)), ("127.0.0.1", reflector["stun"]))
        with pytest.raises(TimeoutError):
            s.recv(2048)


def test_stun_with_secret_answers_only_authenticated_requests():
    port = free_udp_port_pair(("127.0.0.1",))
    svc = AsyncService(StunResponder(StunConfig(binds=["127.0.0.1"], port=port, secret=b"k"), AllowAll()))
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            plain = ask(s, StunTarget(("127.0.0.1", port), timeout_s=0.4, tries=1), ("127.0.0.1", port))
            signed = ask(s, StunTarget(("127.0.0.1", port), timeout_s=1, secret=b"k"), ("127.0.0.1", port))
    finally:
        svc.stop()
    assert plain is None and signed is not None and signed.other is None  # one address: no OTHER-ADDRESS


def test_reflector_sip_echo_sees_no_alg_on_loopback(reflector):
    result = probe_sip_alg(SipAlgProbe(host="127.0.0.1", port=reflector["sip"], alt_port=reflector["alt"], timeout_s=1))
    assert result.assessed and result.sip_alg_detected is False


def test_every_sampled_port_is_tested_and_reachable_on_loopback(reflector):
    udp = expand(parse_ports(f"{reflector['sip']},20000-20999"), 32)  # below the ephemeral range
    result = probe_ports(PortsProbe(host="127.0.0.1", udp=udp, tcp=[reflector["sip"], reflector["sip"] + 7],
                                    reflector_port=reflector["ctrl"], timeout_s=0.5))
    assert result.assessed, result.reason
    assert result.tested_udp == udp and len(udp) == 33
    # Loopback is shared with other test runs: a port someone else holds cannot answer us.
    assert set(result.blocked_udp) <= set(result.unavailable_udp) - {reflector["sip"]}, result
    assert result.blocked_tcp == []
    assert reflector["sip"] in result.unavailable_udp  # held by the SIP echo, and answered by it


def test_ports_without_reflector_is_not_assessed_quickly():
    port, _ = free_port_pair_tcp_udp()
    start = time.monotonic()
    out = CliRunner().invoke(app, ["probe", "ports", "127.0.0.1", "--reflector-port", str(port),
                                   "--udp", "5060", "--tcp", "", "--timeout", "0.4", "--json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["assessed"] is False
    assert time.monotonic() - start < 5


def test_range_sampling_keeps_edges_and_spacing():
    ports = sample_range(10000, 20000, 48)
    assert ports[0] == 10000 and ports[-1] == 20000 and len(ports) == 48
    assert max(b - a for a, b in itertools.pairwise(ports)) <= 214


def test_blocked_spans_group_consecutive_samples():
    assert spans([3, 4, 9], [1, 3, 4, 5, 9]) == [(3, 4), (9, 9)]


def test_the_one_runner_fills_the_link_probes_from_the_plans_requests(reflector):
    link = Link(name="wan1", contracted_up_mbps=10, contracted_down_mbps=10,
                reflector=Endpoint(host="127.0.0.1", port=reflector["ctrl"]),
                stun=Endpoint(host="127.0.0.1", port=reflector["stun"]))
    voice = Voice(rtp_ports=(20000, 20999))  # no SIP domain: the signalling path cannot be probed
    planned = {p.field: p for p in link_requests(link, voice, LinkProbeOptions(nat_lifetime_cap_s=0.5))}
    assert planned["sip_path"].request is None and planned["sip_path"].cannot_run == NO_SIP_DOMAIN
    sip_alg = planned["sip_alg"].request  # the plan's SIP echo is on 5060, this reflector's on free ports
    assert isinstance(sip_alg, SipAlgProbe) and (sip_alg.port, sip_alg.alt_port) == (5060, 5062)
    sip_alg = sip_alg.model_copy(update={"port": reflector["sip"], "alt_port": reflector["alt"], "timeout_s": 0.6})
    probes = LinkProbes(link="wan1")
    for request in (planned["nat"].request, sip_alg, planned["ports"].request):
        assert request is not None
        outcome = run_probe(request)
        assert not isinstance(outcome, ProbeNotAssessed), outcome
        store(probes, outcome)
    assert probes.nat is not None and probes.nat.mapping == "no-nat"
    assert probes.sip_alg is not None and probes.sip_alg.sip_alg_detected is False
    assert probes.ports is not None and 20000 in probes.ports.tested_udp and 20999 in probes.ports.tested_udp
    assert probes.ports.tested_tcp == [5060]  # TCP 5061 only when the plan's SIP transport is TLS
    assert probes.sip_path is None


def test_a_worker_process_gets_the_secret_from_its_environment_only(secret_reflector):
    r = secret_reflector
    request = PortsProbe(host="127.0.0.1", udp=[20500], tcp=[], reflector_port=r["ctrl"], timeout_s=0.5,
                         secret="s3cret-lab")
    assert "s3cret-lab" not in request.model_dump_json()  # what goes to the worker's stdin
    without = run_in_worker(request, 30)  # the request's own secret does not travel
    with_env = run_in_worker(request, 30, secret="s3cret-lab")
    assert isinstance(without, PortsResult) and not without.assessed
    assert isinstance(with_env, PortsResult) and with_env.assessed and with_env.tested_udp == [20500], with_env


def test_a_worker_holds_the_lifetime_search_until_its_turn_and_says_how_long_it_waited(reflector):
    request = NatProbe(host="127.0.0.1", port=reflector["stun"], lifetime_cap_s=1.0, parallel=2)
    turn = Turn()
    go_after_s = 2.0  # a loaded machine starts the worker and classifies loopback well within it
    threading.Timer(go_after_s, turn.go.set).start()
    start = time.monotonic()
    result = run_in_worker(request, 30, turn=turn)
    took = time.monotonic() - start
    assert isinstance(result, NatResult) and result.mapping == "no-nat", result
    # loopback never expires a binding: the search runs to its cap, and only after the go-ahead
    assert result.binding_lifetime_at_least is True and (result.binding_lifetime_s or 0) >= 1.0
    assert took >= go_after_s + 1.0, took
    assert 0.0 < turn.waited_s < go_after_s, turn.waited_s  # discovery ran before the go-ahead


def test_a_worker_waiting_for_its_turn_is_stopped_at_once_when_the_survey_stops(reflector):
    request = NatProbe(host="127.0.0.1", port=reflector["stun"], lifetime_cap_s=1.0, parallel=2)
    turn, stop = Turn(), threading.Event()  # the go-ahead never comes: the bandwidth test failed, say
    threading.Timer(2.0, stop.set).start()
    start = time.monotonic()
    assert run_in_worker(request, 30, stop=stop, turn=turn) == "stopped"
    assert time.monotonic() - start < 2.0 + 1.0
