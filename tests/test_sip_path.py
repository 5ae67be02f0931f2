"""`assess probe sip-path` against a real dnsmasq (NAPTR/SRV/A), sipp answering OPTIONS and a TLS server."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time

import pytest
from typer.testing import CliRunner

from assess.cli import app
from collectors.probes.requests import SipPathProbe
from collectors.probes.sip_dns import make_resolver, resolve_sip
from collectors.probes.sip_path import probe_sip_path
from tests.sip_tls_server import SipTlsServer, self_signed
from tests.traversal_servers import free_port_pair_tcp_udp, start_dnsmasq, start_sipp_uas

pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in ("dnsmasq", "sipp")),
                                reason="needs dnsmasq and sipp (sip-tester)")

DOMAIN = "voip.example.test"


def _asked(domain: str, dns_port: int, timeout_s: float, ca_file: str | None = None) -> SipPathProbe:
    """The sip-path request for ``domain`` with the test's DNS server on loopback."""
    return SipPathProbe(domain=domain, dns_server="127.0.0.1", dns_port=dns_port, timeout_s=timeout_s, ca_file=ca_file)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Primary sipp on UDP, a dead UDP backup, a TLS server; NAPTR for UDP and TLS; a one-target domain."""
    live, dead = free_port_pair_tcp_udp()
    dns_port, _ = free_port_pair_tcp_udp()
    cert, key = self_signed("sips1.example.test", tmp_path_factory.mktemp("tls"))
    tls = SipTlsServer("127.0.0.1", cert, key)
    sipp = start_sipp_uas("127.0.0.1", live)
    records = [
        f'--naptr-record={DOMAIN},10,50,"s","SIP+D2U","",_sip._udp.{DOMAIN}',
        f'--naptr-record={DOMAIN},20,50,"s","SIPS+D2T","",_sips._tcp.{DOMAIN}',
        f"--srv-host=_sip._udp.{DOMAIN},sip1.example.test,{live},10,60",
        f"--srv-host=_sip._udp.{DOMAIN},sip2.example.test,{dead},20,40",
        f"--srv-host=_sips._tcp.{DOMAIN},sips1.example.test,{tls.port},10,100",
        f"--srv-host=_sip._udp.single.example.test,sip1.example.test,{live},10,100",
        "--local=/example.test/",  # authoritative for the test zone: unknown names get NXDOMAIN
        "--host-record=sip1.example.test,127.0.0.1",
        "--host-record=sip2.example.test,127.0.0.1",
        "--host-record=sips1.example.test,127.0.0.1",
    ]
    dns = start_dnsmasq("127.0.0.1", dns_port, records)
    yield {"dns": dns_port, "live": live, "dead": dead, "tls": tls.port, "ca": str(cert), "tmp": cert.parent}
    dns.stop()
    sipp.stop()
    tls.stop()


def test_naptr_then_srv_gives_targets_in_priority_order(world):
    found = resolve_sip(DOMAIN, make_resolver("127.0.0.1", world["dns"], 1.0))
    assert [(t.transport, t.host, t.priority, t.weight) for t in found.targets] == [
        ("udp", "sip1.example.test", 10, 60), ("udp", "sip2.example.test", 20, 40),
        ("tls", "sips1.example.test", 10, 100)]
    assert len(found.naptr) == 2 and found.targets[0].addresses == ["127.0.0.1"]


def test_dead_backup_means_no_failover_and_is_named(world):
    r = probe_sip_path(_asked(DOMAIN, world["dns"], timeout_s=0.6, ca_file=world["ca"]))
    by_host = {t.host: t for t in r.targets}
    assert by_host["sip1.example.test"].options_status == 200 and by_host["sip1.example.test"].options_rtt_ms
    assert not by_host["sip2.example.test"].reachable
    assert r.dead_targets == [f"sip2.example.test:{world['dead']}/udp"]
    assert r.failover_ready is False and r.single_target is False


def test_trusted_tls_target_answers_options(world):
    r = probe_sip_path(_asked(DOMAIN, world["dns"], timeout_s=0.6, ca_file=world["ca"]))
    sips = next(t for t in r.targets if t.transport == "tls")
    assert sips.tls_ok is True and sips.options_status == 200
    assert sips.cert_days_left in (29, 30) and "sips1.example.test" in (sips.cert_subject or "")


def test_untrusted_certificate_is_reported_not_hidden(world):
    r = probe_sip_path(_asked(DOMAIN, world["dns"], timeout_s=0.6))  # system CAs only
    sips = next(t for t in r.targets if t.transport == "tls")
    assert sips.tls_ok is False and "not trusted" in (sips.tls_error or "")
    assert sips.cert_subject and not sips.reachable


def test_wrong_certificate_name_is_reported(world):
    other_cert, _ = self_signed("other.example.test", world["tmp"])
    r = probe_sip_path(_asked(DOMAIN, world["dns"], timeout_s=0.6, ca_file=str(other_cert)))
    sips = next(t for t in r.targets if t.transport == "tls")
    assert sips.tls_ok is False


def test_single_srv_target_is_flagged(world):
    r = probe_sip_path(_asked("single.example.test", world["dns"], timeout_s=0.6))
    assert r.single_target is True and r.failover_ready is False
    assert [t.reachable for t in r.targets] == [True]


def test_silent_dns_server_is_not_assessed_quickly():
    port, _ = free_port_pair_tcp_udp()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound but never answers
        silent.bind(("127.0.0.1", port))
        start = time.monotonic()
        out = CliRunner().invoke(app, ["probe", "sip-path", DOMAIN, "--dns", f"127.0.0.1:{port}",
                                       "--timeout", "0.5", "--json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["assessed"] is False
    assert time.monotonic() - start < 5


class _LossyRelay:
    """A UDP relay on loopback in front of dnsmasq that drops the first of every two queries it gets."""

    def __init__(self, upstream_port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.upstream = ("127.0.0.1", upstream_port)
        self.queries = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        clients: dict[bytes, tuple[str, int]] = {}  # DNS message ID -> who asked
        while not self.stop.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            if addr == self.upstream:
                if data[:2] in clients:
                    self.sock.sendto(data, clients.pop(data[:2]))
                continue
            self.queries += 1
            if self.queries % 2:
                continue  # lost on the way
            clients[data[:2]] = addr
            self.sock.sendto(data, self.upstream)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


def test_a_lost_dns_datagram_is_asked_again_like_a_phone_would(world):
    relay = _LossyRelay(world["dns"])
    try:
        found = resolve_sip(DOMAIN, make_resolver("127.0.0.1", relay.port, 0.3))
    finally:
        relay.close()
    assert [t.host for t in found.targets] == ["sip1.example.test", "sip2.example.test", "sips1.example.test"]
    assert relay.queries >= 2 * 6  # every query (NAPTR, 2 SRV, 3 x A/AAAA at least) was asked twice


def test_a_dead_dns_server_is_given_up_after_its_tries():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        started = time.monotonic()
        r = probe_sip_path(_asked(DOMAIN, silent.getsockname()[1], timeout_s=0.2))
        took = time.monotonic() - started
    assert r.assessed is False and "did not answer" in (r.reason or "")
    assert 3 * 0.2 <= took < 3 * 0.2 + 1.0  # three tries of 0.2 s, plus back-off
