"""`assess probe stamp` against a STAMP reflector written in the test from RFC 8762 (with scapy's
STAMP layers; no independent STAMP reflector is packaged for Debian 12 or on PyPI), and the
far end's own STAMP reflector checked with scapy: symmetric sizes, Class-of-Service TLV, rate cap."""

from __future__ import annotations

import asyncio
import socket
import struct
import time

import pytest
from scapy.contrib.stamp import STAMPSessionReflectorTestUnauthenticated, STAMPSessionSenderTestUnauthenticated

from collectors.probes.requests import StampProbe
from collectors.probes.stamp import run_stamp
from core.errors import NotAssessedError
from core.models.stamp import StampResult
from reflector.ratelimit import RateLimits, SourceLimiter
from reflector.stamp_reflector import StampConfig, StampReflector
from tests.stamp_reference import reference_reflector
from wire.sockio import Datagram


def test_stateful_reference_reflector_splits_loss_by_direction() -> None:
    # every 10th request lost before the reflector, every 20th reflection lost on the way back
    with reference_reflector(drop_up_every=10, drop_down_every=20) as (host, port):
        r = run_stamp(StampProbe(host=host, port=port, duration_s=2.0, interval_ms=20.0))
    assert r.packets_sent == 100 and r.mode == "unauthenticated"
    assert r.reflector_stateful is True
    assert r.loss_up_pct == pytest.approx(10.0, abs=1.01)  # 10 of the first ~100
    assert r.loss_down_pct == pytest.approx(5.6, abs=1.2)  # 4 or 5 of the ~90 that arrived
    assert r.loss_pct == pytest.approx(100.0 * (100 - r.packets_received) / 100)
    assert 0 < r.rtt_min_ms <= r.rtt_ms <= r.rtt_p95_ms  # loopback, but a loaded machine: no absolute bound
    # a plain RFC 8762 reflector drops the Class-of-Service TLV: the result says so
    assert r.cos_tlv_supported is False and r.dscp_at_far_end is None
    assert any("Class-of-Service" in n for n in r.notes)
    assert r.dscp_on_return == 0  # the reference answers unmarked


def test_stateless_reference_reflector_gives_round_trip_loss_only() -> None:
    with reference_reflector(stateful=False, drop_up_every=10) as (host, port):
        r = run_stamp(StampProbe(host=host, port=port, duration_s=2.0, interval_ms=20.0))
    assert r.loss_up_pct is None and r.loss_down_pct is None
    assert r.loss_pct == pytest.approx(10.0, abs=1.01)
    assert any("stateless" in n for n in r.notes)


def test_authenticated_mode_with_the_key_and_not_assessed_without_it() -> None:
    with reference_reflector(key=b"stamp-key") as (host, port):
        r = run_stamp(StampProbe(host=host, port=port, secret="stamp-key", duration_s=2.0, interval_ms=20.0))
        assert r.mode == "authenticated" and r.packets_received == r.packets_sent == 100
        started = time.monotonic()
        with pytest.raises(NotAssessedError, match="no STAMP reflection"):
            run_stamp(StampProbe(host=host, port=port, secret="wrong-key", duration_s=10, interval_ms=20))
        assert time.monotonic() - started < 4  # gives up after ~2 s, not after the whole duration


def _datagram(data: bytes, tos: int = 0xB8, source: tuple[str, int] = ("192.0.2.7", 40000)) -> Datagram:
    return Datagram(data, source, time.time_ns(), tos, "192.0.2.1", 61)


def _sender_packet(seq: int, tlv: bytes = b"") -> bytes:
    return bytes(STAMPSessionSenderTestUnauthenticated(seq=seq, ssid=9)) + tlv


def test_far_end_reflector_answers_as_scapy_reads_the_rfc_and_reports_dscp() -> None:
    refl = StampReflector(StampConfig(binds=["127.0.0.1"]), SourceLimiter(RateLimits()))
    cos_tlv = struct.pack("!BBHI", 0, 4, 4, 34 << 26)  # Class of Service, DSCP1 = AF41
    answers = [refl.answer(_datagram(_sender_packet(seq, cos_tlv))) for seq in (7, 8)]
    for k, answer in enumerate(answers):
        assert answer is not None
        wire, tos = answer
        assert len(wire) == 52  # as large as the request, never larger
        parsed = STAMPSessionReflectorTestUnauthenticated(wire)
        assert parsed.seq == k and parsed.seq_sender == 7 + k and parsed.ssid == 9 and parsed.ttl_sender == 61
        (tlv,) = parsed.tlv_objects
        assert tlv.type == 4 and tlv.flags == 0
        word = struct.unpack("!I", tlv.value)[0]
        assert word >> 26 == 34 and (word >> 20) & 0x3F == 46  # DSCP1 kept, DSCP2 = EF as received
        assert tos == 34 << 2  # reflected with DSCP1


def test_far_end_reflector_is_no_amplifier_and_caps_each_source() -> None:
    refl = StampReflector(StampConfig(binds=["127.0.0.1"]),
                          SourceLimiter(RateLimits(packets_per_s=50, packet_burst=20)))
    assert refl.answer(_datagram(b"\0" * 20)) is None  # too short: silence
    unknown = struct.pack("!BBH", 0, 200, 0)
    answer = refl.answer(_datagram(_sender_packet(1, unknown)))
    assert answer is not None and len(answer[0]) == 48
    assert STAMPSessionReflectorTestUnauthenticated(answer[0]).tlv_objects[0].flags == 0x80  # U: unrecognised
    packets = [_datagram(_sender_packet(n)) for n in range(500)]  # built first: the flood itself takes ~ms
    flood = [refl.answer(d) for d in packets]
    assert sum(a is not None for a in flood) <= 25  # the burst, not the flood
    assert refl.answer(_datagram(_sender_packet(1), source=("192.0.2.8", 1))) is not None  # others unaffected


def test_far_end_reflector_with_a_key_ignores_unauthenticated_packets() -> None:
    refl = StampReflector(StampConfig(binds=["127.0.0.1"], key=b"k"), SourceLimiter(RateLimits()))
    assert refl.answer(_datagram(_sender_packet(1).ljust(112, b"\0"))) is None


def test_sender_against_the_far_end_reflector_on_loopback() -> None:
    async def scenario() -> StampResult:
        port = _free_port()
        refl = StampReflector(StampConfig(binds=["127.0.0.1"], port=port, key=b"s"), SourceLimiter(RateLimits()))
        await refl.start()
        try:
            settings = StampProbe(host="127.0.0.1", port=port, secret="s", duration_s=2.0, interval_ms=20.0)
            return await asyncio.to_thread(run_stamp, settings)
        finally:
            refl.close()

    r = asyncio.run(scenario())
    assert r.packets_received == 100 and r.mode == "authenticated" and r.reflector_stateful is None  # nothing lost
    assert r.loss_up_pct == r.loss_down_pct == 0.0
    assert r.cos_tlv_supported is True and r.dscp_at_far_end == r.dscp_on_return == 46


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
