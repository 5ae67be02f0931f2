"""NAT mapping from two independent binding-only STUN servers (no RFC 5780 server configured):
two real coturn servers on loopback addresses, and a small NAT written here in between that maps
endpoint-independently or per destination. Filtering must stay unknown, with a note saying why."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from assess.link_requests import LinkProbeOptions, link_requests
from collectors.probes.nat_public import classify_mapping
from collectors.probes.requests import NatProbe, NatPublicPairProbe
from core.plan import Link, Voice
from tests.traversal_servers import free_udp_port_pair, start_coturn

pytestmark = pytest.mark.skipif(shutil.which("turnserver") is None, reason="needs coturn")

PUBLIC_IP = "127.0.0.9"  # the fake NAT's outside address
FACES = ("127.0.0.20", "127.0.0.21")  # where the client reaches server A and B through the NAT


@pytest.fixture(scope="module")
def servers() -> Iterator[list[tuple[str, int]]]:
    port = free_udp_port_pair(("127.0.0.2", "127.0.0.4", "127.0.0.3", "127.0.0.5"))
    a = start_coturn("127.0.0.2", "127.0.0.4", port)
    try:
        b = start_coturn("127.0.0.3", "127.0.0.5", port)
    except BaseException:
        a.stop()
        raise
    try:
        yield [("127.0.0.2", port), ("127.0.0.3", port)]
    finally:
        a.stop()
        b.stop()


@contextmanager
def fake_nat(servers: list[tuple[str, int]], per_destination: bool) -> Iterator[list[tuple[str, int]]]:
    """A UDP NAT: the client talks to FACES[i], the NAT sends to servers[i] from an outside socket
    on PUBLIC_IP that is shared by all destinations (endpoint-independent mapping) or opened per
    destination (address-dependent mapping); answers go back through the face they came for."""
    stop = threading.Event()
    with ExitStack() as stack:
        faces = []
        for ip in FACES:
            face = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            face.bind((ip, 0))
            face.settimeout(0.05)
            faces.append(face)
        outside: dict[tuple[object, ...], socket.socket] = {}
        lock = threading.Lock()

        def pump_back(out: socket.socket, client: tuple[str, int], index_of: dict[tuple[str, int], int]) -> None:
            while not stop.is_set():
                try:
                    data, src = out.recvfrom(2048)
                except (TimeoutError, OSError):
                    continue
                if src in index_of:
                    faces[index_of[src]].sendto(data, client)

        def pump_out(i: int) -> None:
            while not stop.is_set():
                try:
                    data, client = faces[i].recvfrom(2048)
                except (TimeoutError, OSError):
                    continue
                key = (client, servers[i]) if per_destination else (client,)
                with lock:
                    out = outside.get(key)
                    if out is None:
                        out = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
                        out.bind((PUBLIC_IP, 0))
                        out.settimeout(0.05)
                        outside[key] = out
                        index_of = {srv: k for k, srv in enumerate(servers)}
                        threading.Thread(target=pump_back, args=(out, client, index_of), daemon=True).start()
                out.sendto(data, servers[i])

        threads = [threading.Thread(target=pump_out, args=(i,), daemon=True) for i in range(2)]
        for t in threads:
            t.start()
        try:
            yield [f.getsockname() for f in faces]
        finally:
            stop.set()
            for t in threads:
                t.join(1)


def test_without_nat_both_servers_see_the_local_address(servers: list[tuple[str, int]]) -> None:
    result = classify_mapping(servers)
    assert result.mapping == "no-nat" and result.filtering == "unknown"
    assert result.public_address == "127.0.0.1"


def test_endpoint_independent_mapping_is_classified_and_filtering_is_left_unknown(
        servers: list[tuple[str, int]]) -> None:
    with fake_nat(servers, per_destination=False) as faces:
        result = classify_mapping(faces)
    assert result.assessed and result.mapping == "endpoint-independent"
    assert result.public_address == PUBLIC_IP
    assert result.filtering == "unknown" and any("filtering not classified" in n for n in result.notes)


def test_per_destination_mapping_is_at_least_address_dependent_and_says_so(servers: list[tuple[str, int]]) -> None:
    with fake_nat(servers, per_destination=True) as faces:
        done = subprocess.run(
            [sys.executable, "-m", "assess", "probe", "nat", f"{faces[0][0]}:{faces[0][1]}",
             "--public-pair", f"{faces[1][0]}:{faces[1][1]}", "--json"],
            capture_output=True, text=True, timeout=60, check=False, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["mapping"] == "address-dependent" and result["filtering"] == "unknown"
    assert any("address-and-port-dependent" in n for n in result["notes"])


def test_one_silent_server_is_not_assessed(servers: list[tuple[str, int]]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.6", 0))
        result = classify_mapping([servers[0], silent.getsockname()], timeout_s=0.6)
    assert not result.assessed and "no STUN Binding answer from 127.0.0.6" in (result.reason or "")


def test_survey_uses_the_public_pair_only_without_an_rfc5780_server() -> None:
    pair = {"name": "wan1", "contracted_up_mbps": 10, "contracted_down_mbps": 10,
            "stun_servers": ["stun1.example.net:3478", "stun2.example.org"]}
    [nat] = [p for p in link_requests(Link.model_validate(pair), Voice(), LinkProbeOptions()) if p.field == "nat"]
    assert nat.cannot_run is None
    assert nat.request == NatPublicPairProbe(servers=(("stun1.example.net", 3478), ("stun2.example.org", 3478)))
    with_rfc5780 = Link.model_validate({**pair, "stun": "192.0.2.5:3478"})
    [nat] = [p for p in link_requests(with_rfc5780, Voice(), LinkProbeOptions()) if p.field == "nat"]
    assert isinstance(nat.request, NatProbe) and (nat.request.host, nat.request.port) == ("192.0.2.5", 3478)
