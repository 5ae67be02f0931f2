"""SIP message builder/differ, and `assess probe sip-alg` against the reflector's SIP echo on loopback."""

from __future__ import annotations

import json
import socket
import time

import pytest
from typer.testing import CliRunner

from assess.cli import app
from collectors.probes.requests import SipAlgProbe
from collectors.probes.sip_alg import probe_sip_alg, summarise
from reflector.sip_echo import SipEcho, SipEchoConfig
from tests.traversal_servers import AllowAll, AsyncService, free_port_pair_tcp_udp
from wire.sip_message import (
    SipEndpoint,
    build_invite,
    build_register,
    diff_messages,
    fields,
    message_length,
)
from wire.sip_signature import authentic, mask, sign

EP = SipEndpoint("192.168.1.20", 40000, "198.51.100.10", 5060, "udp", rtp_port=16384)


def test_invite_carries_private_address_in_via_contact_and_sdp():
    f = fields(build_invite(EP, "c", "t", "z9hG4bKx"))
    assert "192.168.1.20:40000" in f["Via"] and "192.168.1.20:40000" in f["Contact"]
    assert f["c="] == "IN IP4 192.168.1.20" and f["m=audio"].startswith("audio 16384 ")
    assert f["Content-Length"] == str(len(build_invite(EP, "c", "t", "z9hG4bKx").split("\r\n\r\n", 1)[1]))


def test_large_invite_crosses_1300_bytes_and_stays_valid():
    msg = build_invite(EP, "c", "t", "z9hG4bKx", pad_to=1400).encode()
    assert len(msg) >= 1400
    assert message_length(msg + b"REGISTER") == len(msg)


def test_linux_style_rewrite_of_via_contact_and_sdp_is_named():
    sent = build_invite(EP, "c", "t", "z9hG4bKx")
    got = sent.replace("192.168.1.20:40000", "203.0.113.1:40000").replace("IN IP4 192.168.1.20", "IN IP4 203.0.113.1")
    diff = diff_messages(sent, got)
    assert diff.rewritten == ["Contact", "Via", "a=rtcp", "c=", "o="]
    assert not diff.added and not diff.dropped


def test_added_and_dropped_headers_are_reported():
    sent = build_register(EP, "c", "t", "z9hG4bKx")
    got = sent.replace("User-Agent: assess-sip-alg-probe/1.0\r\n", "Record-Route: <sip:alg.example>\r\n")
    diff = diff_messages(sent, got)
    assert diff.added == ["Record-Route"] and diff.dropped == ["User-Agent"]


def test_compact_header_forms_compare_equal_to_full_names():
    sent = build_register(EP, "c", "t", "z9hG4bKx")
    got = sent.replace("Via:", "v:").replace("Contact:", "m:")
    assert not diff_messages(sent, got).changed


def test_auth_header_is_checked_with_the_secret_and_age():
    msg = sign("OPTIONS sip:x SIP/2.0\r\n\r\n", b"k").encode()
    assert authentic(msg, b"k") and not authentic(msg, b"other")
    assert not authentic(msg, b"k", now=time.time() + 600)


@pytest.fixture(scope="module")
def echo_ports():
    ports = free_port_pair_tcp_udp()
    svc = AsyncService(SipEcho(SipEchoConfig(binds=["127.0.0.1"], ports=ports, secret=None), AllowAll()))
    yield ports
    svc.stop()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_clean_path_reports_no_alg(echo_ports, transport):
    port, alt = echo_ports
    result = probe_sip_alg(SipAlgProbe(host="127.0.0.1", port=port, transport=transport, alt_port=alt, timeout_s=1))
    assert result.assessed and result.sip_alg_detected is False
    assert result.rewritten == [] and result.large_message_ok is True
    assert result.nonstandard_port_altered is False
    assert all(m.answered for m in result.messages) and len(result.messages) == 4


def test_echo_answer_is_never_larger_than_the_request(echo_ports):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        msg = build_invite(EP, "c", "t", "z9hG4bKx", pad_to=1400).encode()
        s.sendto(msg, ("127.0.0.1", echo_ports[0]))
        data = s.recv(65535)
    assert len(data) == len(msg) and mask(data) == msg


def test_echo_with_secret_ignores_unauthenticated_sip():
    port, alt = free_port_pair_tcp_udp()
    svc = AsyncService(SipEcho(SipEchoConfig(binds=["127.0.0.1"], ports=(port, alt), secret=b"k"), AllowAll()))
    try:
        without = probe_sip_alg(SipAlgProbe(host="127.0.0.1", port=port, alt_port=alt, timeout_s=0.4))
        with_secret = probe_sip_alg(SipAlgProbe(host="127.0.0.1", port=port, alt_port=alt, timeout_s=1, secret="k"))
    finally:
        svc.stop()
    assert without.assessed is False and without.sip_alg_detected is None
    assert with_secret.assessed and with_secret.sip_alg_detected is False


def test_lost_large_invite_counts_as_alg():
    from core.models.traversal import SipMessageCheck

    checks = [
        SipMessageCheck(name=n, transport="udp", port=5060, size=600, answered=n != "INVITE-large")
        for n in ("REGISTER", "INVITE", "INVITE-large")
    ]
    result = summarise(checks, "udp", "x:5060")
    assert result.sip_alg_detected is True and result.large_message_ok is False


def test_no_echo_is_not_assessed_within_bounded_time():
    port, alt = free_port_pair_tcp_udp()
    start = time.monotonic()
    out = CliRunner().invoke(
        app, ["probe", "sip-alg", f"127.0.0.1:{port}", "--alt-port", str(alt), "--timeout", "0.5", "--json"]
    )
    assert out.exit_code == 1
    assert json.loads(out.stdout)["assessed"] is False
    assert time.monotonic() - start < 5
