"""RFC 3550 jitter and loss of the probe, the reflector and `assess pcap` against the RFC reference and tshark.

The input is *not* stationary (a delay step, then a spike, then quiet): a running estimate with the
wrong gain keeps a similar mean on steady noise, but its final J and its maximum after a step are
far off. So these tests compare the whole series, its last value and its maximum, not only the mean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors.pcap.analyse import analyse_capture
from collectors.probes.rtp_analysis import rfc3550_series
from reflector.session import Session
from tests.pcapgen import rtp_header, udp_frame, write_capture
from tests.rfc3550_ref import integer_jitter_series, jitter_series, sequence_account
from tests.tshark_ref import TSHARK, tshark_streams
from wire.reflector_protocol import Hello

PTIME_US = 20_000
# One-way transit per packet (µs): 10 ms base, a 15 ms delay step for 5 packets, a lone 8 ms spike.
TRANSIT_US = [10_000] * 60 + [25_000] * 5 + [10_000] * 40 + [18_000] + [10_000] * 60
SEND_US = [i * PTIME_US for i in range(len(TRANSIT_US))]
RECV_US = [s + t for s, t in zip(SEND_US, TRANSIT_US, strict=True)]


def test_reference_matches_numbers_worked_by_hand() -> None:
    # one 16 ms change of transit after steady packets: J = 16/16 = 1 ms, then it decays by 15/16
    series = jitter_series([0, 20, 40, 60], [5, 25, 61, 81])
    assert series == [0.0, 1.0, 1.0 - 1.0 / 16]
    assert jitter_series([0, 20, 40], [5, 25, 61])[-1] == 1.0
    assert integer_jitter_series([0, 20, 40], [5, 25, 61]) == [0, 1]


def test_probe_series_equals_the_rfc_reference_step_by_step() -> None:
    product = rfc3550_series([float(s) for s in SEND_US], [float(r) for r in RECV_US])
    reference = jitter_series(SEND_US, RECV_US)
    assert product == pytest.approx(reference, rel=1e-12, abs=1e-9)
    assert max(product) == pytest.approx(max(reference)) and max(reference) > 1_500  # two 15 ms transit changes
    assert product[-1] == pytest.approx(reference[-1])


def _session(n: int) -> Session:
    hello = Hello(b"\0" * 8, first_seq=1000, first_ts=0, clock_rate=8000, ptime_us=PTIME_US, max_packets=n)
    return Session(session_id=1, source=("192.0.2.1", 5004), hello=hello, key=None, created=0.0)


def test_reflector_jitter_series_equals_the_rfc_reference() -> None:
    session = _session(len(SEND_US))
    base_ns = 7_000_000_000
    for i, (send, recv) in enumerate(zip(SEND_US, RECV_US, strict=True)):
        assert session.record(1000 + i, send, base_ns + recv * 1000, tos=46 << 2)
    stats = session.stats(request_seq=1, offset=0, room=64)
    reference = jitter_series(SEND_US, RECV_US)
    assert list(session.jitter_samples) == pytest.approx(reference, rel=1e-12)
    assert stats.jitter_last_us == int(reference[-1])
    assert stats.jitter_max_us == int(max(reference))
    assert stats.jitter_mean_us == int(sum(reference) / len(reference))


def test_reflector_jitter_survives_the_32_bit_microsecond_wrap() -> None:
    session = _session(len(SEND_US))
    start_us = (1 << 32) - 30 * PTIME_US  # the probe's send stamp wraps 30 packets in
    for i, (send, recv) in enumerate(zip(SEND_US, RECV_US, strict=True)):
        session.record(1000 + i, (start_us + send) & 0xFFFFFFFF, (start_us + recv) * 1000, tos=None)
    assert session.stats(1, 0, 64).jitter_last_us == int(jitter_series(SEND_US, RECV_US)[-1])


def test_sequence_account_follows_rfc_3550_a3() -> None:
    assert sequence_account([65534, 65535, 0, 2]) == sequence_account([1, 2, 3, 5])
    assert sequence_account([65534, 65535, 0, 2]).lost == 1
    assert sequence_account([10, 12, 11, 13]).lost == 0  # reordering is not loss
    assert sequence_account([10, 11, 11, 12]).lost == -1  # a duplicate counts as received (A.3)


def _step_capture(path: Path, lost: set[int]) -> tuple[Path, list[float], list[int]]:
    """A G.711 stream whose arrivals follow TRANSIT_US; returns the path, J in ms and the seqs sent."""
    frames, ts_ms, arrival_ms, seqs = [], [], [], []
    for i, recv in enumerate(RECV_US):
        if i in lost:
            continue
        payload = rtp_header(0, 40_000 + i, i * 160, 0x51A7E, marker=False) + b"\xd5" * 160
        frames.append((1_700_000_000 + recv / 1e6, udp_frame("192.0.2.50", 41000, "192.0.2.51", 41002, payload)))
        ts_ms.append(i * 160 / 8.0)
        arrival_ms.append(recv / 1000.0)
        seqs.append(40_000 + i)
    return write_capture(path, frames), jitter_series(ts_ms, arrival_ms), seqs


def test_pcap_jitter_and_loss_equal_the_rfc_reference(tmp_path: Path) -> None:
    path, reference_ms, seqs = _step_capture(tmp_path / "step.pcap", lost={30, 31, 90})
    (stream,) = analyse_capture(path).streams
    assert stream.max_jitter_ms == pytest.approx(max(reference_ms), abs=1e-6)  # reported to the ns
    account = sequence_account(seqs)
    assert (stream.packets, stream.lost, stream.expected) == (account.received, account.lost, account.expected)


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_the_reference_and_tshark_agree_on_the_same_capture(tmp_path: Path) -> None:
    """The reference itself checked against a peer tool: max J and loss as tshark prints them."""
    path, reference_ms, seqs = _step_capture(tmp_path / "step.pcap", lost={30, 31, 90})
    (row,) = tshark_streams(path).values()
    assert row.max_jitter == f"{max(reference_ms):.3f}"
    assert (row.packets, row.lost) == (len(seqs), sequence_account(seqs).lost)

