"""`assess pcap` stream statistics where the packet-by-packet path and the chunk-boundary state matter.

Captures are built packet by packet here: comfort noise and payload-type changes (which send a chunk
down the packet-by-packet path), sequence and 32-bit timestamp wrap-around, duplicates and late
packets around the wrap, a timestamp half the clock range away, a 44.1 kHz clock. Each is read whole
and in chunks of about one packet, so the state carried between chunks is exercised. Wireshark's
figures come from tshark on the same file; the other figures from definitions written in this file:
sequence numbers extended to the nearest value (RFC 3550 A.1), the packetisation as the median of
the first 200 timestamp steps between consecutive sequence numbers.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from collectors.pcap.analyse import analyse_capture
from core.models.pcap import RtpStreamResult
from tests.pcapgen import SipCall, rtp_header, sip_frames, udp_frame, write_capture
from tests.tshark_ref import TSHARK, tshark_streams

needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")

WRAP32 = 1 << 32
RECORD = 16 + 14 + 20 + 8 + 12 + 160  # pcap record of one 160-byte RTP packet: chunks of about one packet
CHUNKS = (1 << 20, RECORD, 5 * RECORD + 7)
T0 = 1_700_000_000.0


@dataclass(frozen=True)
class Pkt:
    """One RTP packet as it arrives."""

    t: float  # arrival, seconds
    seq: int
    ts: int
    pt: int = 0
    marker: bool = False


def _frames(packets: Iterable[Pkt], ssrc: int, port: int) -> list[tuple[float, bytes]]:
    out = []
    for p in packets:
        payload = b"\x40" if p.pt == 13 else b"\xd5" * 160  # RFC 3389 comfort noise: one byte, the level
        rtp = rtp_header(p.pt, p.seq & 0xFFFF, p.ts % WRAP32, ssrc, p.marker) + payload
        out.append((p.t, udp_frame("192.0.2.90", port, "192.0.2.91", port + 2, rtp, 46)))
    return out


def _write(path: Path, streams: dict[int, list[Pkt]]) -> Path:
    """The streams, each set up by a SIP call (so one whose wrap bookkeeping Wireshark gets wrong still counts)."""
    frames = []
    for n, (ssrc, packets) in enumerate(streams.items()):
        assert all(a.t < b.t for a, b in pairwise(packets)), "arrival order is the list order"
        port = 43000 + 10 * n
        frames += sip_frames(SipCall(f"call-{n}@192.0.2.90", "192.0.2.90", "192.0.2.91", port, port + 2, T0 - 3.0))
        frames += _frames(packets, ssrc, port)
    return write_capture(path, frames)


def _audio(seq0: int, ts0: int, count: int, seed: int, step: int = 160, ptime_s: float = 0.020) -> list[Pkt]:
    """A talkspurt of ``count`` packets with arrival noise under half a packet time (so never reordered)."""
    rng = random.Random(seed)
    return [Pkt(T0 + i * ptime_s + rng.uniform(0, ptime_s * 0.4), seq0 + i, ts0 + i * step) for i in range(count)]


def _assert_equal_to_tshark(path: Path) -> None:
    reference = tshark_streams(path)
    assert reference, "tshark found no RTP streams"
    for chunk_bytes in CHUNKS:
        result = analyse_capture(path, chunk_bytes=chunk_bytes)
        assert sorted(reference) == sorted(s.ssrc for s in result.streams)
        for s in result.streams:
            ref = reference[s.ssrc]
            got = (s.packets, s.lost, f"{s.max_delta_ms:.3f}", f"{s.jitter_ms:.3f}", f"{s.max_jitter_ms:.3f}")
            assert got == (ref.packets, ref.lost, ref.max_delta, ref.mean_jitter, ref.max_jitter), (s.ssrc, chunk_bytes)


def _replace(packets: list[Pkt], index: int, **changes: object) -> None:
    p = packets[index]
    packets[index] = Pkt(**{"t": p.t, "seq": p.seq, "ts": p.ts, "pt": p.pt, "marker": p.marker, **changes})  # type: ignore[arg-type]


def _comfort_noise(packets: list[Pkt], indexes: Iterable[int]) -> None:
    """Silence suppression: the packets at ``indexes`` become comfort noise, the next one starts a talkspurt."""
    for i in indexes:
        _replace(packets, i, pt=13)
        if i + 1 < len(packets) and packets[i + 1].pt != 13:
            _replace(packets, i + 1, marker=True)


def _swap(packets: list[Pkt], i: int) -> None:
    """Packets i and i + 1 arrive the other way round (arrival times stay in order)."""
    a, b = packets[i], packets[i + 1]
    packets[i], packets[i + 1] = Pkt(a.t, b.seq, b.ts, b.pt, b.marker), Pkt(b.t, a.seq, a.ts, a.pt, a.marker)


def _late(packets: list[Pkt], extra: Pkt, after: int) -> list[Pkt]:
    """``extra`` arriving just after packet ``after`` (before the next one)."""
    t = (packets[after].t + packets[after + 1].t) / 2
    return [*packets[: after + 1], Pkt(t, extra.seq, extra.ts, extra.pt, extra.marker), *packets[after + 1 :]]


@needs_tshark
def test_comfort_noise_across_sequence_and_timestamp_wrap_equal_tshark(tmp_path: Path) -> None:
    # seq 65500 + 36 = 65536 wraps to 0 inside a comfort-noise run, the 32-bit timestamp wraps at packet 60;
    # stream A loses the packet numbered 0 (the wrap is seen as 65535 -> 1), stream B has it arrive
    # before 65535 (reordered across the wrap) and a payload-type change to PCMA; stream C starts with
    # comfort noise
    a = _audio(65500, WRAP32 - 160 * 60, 300, seed=1)
    _comfort_noise(a, [*range(33, 40), 120, 121, 200])
    del a[36]
    b = _audio(65500, WRAP32 - 160 * 60, 300, seed=2)
    _comfort_noise(b, [80, 81, 82, 250])
    _swap(b, 35)  # 0 arrives before 65535
    for i in range(150, 170):
        _replace(b, i, pt=8)
    c = _audio(700, 90_000, 100, seed=11)
    _replace(c, 0, pt=13)  # a capture that starts in silence; the talkspurt after it has no marker bit
    streams = {0x0A0A0001: a, 0x0A0A0002: b, 0x0A0A0003: c}
    _assert_equal_to_tshark(_write(tmp_path / "cn-wrap.pcap", streams))


@needs_tshark
def test_streams_starting_at_sequence_zero_with_late_and_duplicate_packets_equal_tshark(tmp_path: Path) -> None:
    # The first packet is numbered 0 and a packet numbered 65535 sent before it (timestamp earlier than
    # the stream's first) arrives late: in stream A just after the first, with a duplicate of the first
    # among the in-order packets later; in stream B later, right before a duplicate of the first.
    # Wireshark's wrap bookkeeping (seq == 0 after 65535) decides what each counts as lost
    ts0 = 1000
    before, again = Pkt(0, 65535, ts0 - 160), Pkt(0, 0, ts0)
    a = _late(_late(_audio(0, ts0, 120, seed=3), again, 50), before, 0)
    b = _late(_late(_audio(0, ts0, 120, seed=10), before, 90), again, 91)
    _assert_equal_to_tshark(_write(tmp_path / "zero.pcap", {0x0B0B0001: a, 0x0B0B0002: b}))


@needs_tshark
def test_duplicates_of_the_first_packet_after_the_wrap_equal_tshark(tmp_path: Path) -> None:
    # After the wrap (0, 1, ... below the first number 65530) the first packet arrives again, and so do
    # a packet numbered 65535 with a timestamp before the stream's first and a second copy of packet 0
    first_ts = 5000
    packets = _audio(65530, first_ts, 100, seed=4)
    packets = _late(packets, packets[0], 20)  # seq 65530 again, while Wireshark counts seq < first as wrapped
    packets = _late(packets, Pkt(0, 65535, first_ts - 320), 40)
    packets = _late(packets, Pkt(0, 0, first_ts + 6 * 160), 41)
    _assert_equal_to_tshark(_write(tmp_path / "dup-first.pcap", {0x0C0C0001: packets}))


@needs_tshark
def test_timestamps_half_the_clock_range_away_equal_tshark(tmp_path: Path) -> None:
    # A packet whose timestamp is exactly 2^31 after the first's is, for Wireshark, not in time sequence;
    # one 2^31 - 1 after is (and drives the jitter up); both in a stream without comfort noise
    far = _audio(2000, 800, 80, seed=5)
    _replace(far, 40, ts=800 + (1 << 31))
    near = _audio(3000, 800, 80, seed=6)
    _replace(near, 60, ts=800 + (1 << 31) - 1)
    _assert_equal_to_tshark(_write(tmp_path / "half.pcap", {0x0D0D0001: far, 0x0D0D0002: near}))


@needs_tshark
def test_a_44100_hz_clock_is_divided_in_whole_kilohertz_as_tshark(tmp_path: Path) -> None:
    # L16 mono (PT 11, 44.1 kHz): Wireshark converts timestamps with the clock in whole kHz (44)
    packets = _audio(100, 0, 200, seed=7, step=882)
    _comfort_noise(packets, [120, 121])  # the chunk holding them takes the packet-by-packet path
    for i, p in enumerate(packets):
        if p.pt != 13:
            _replace(packets, i, pt=11)
    _assert_equal_to_tshark(_write(tmp_path / "l16.pcap", {0x0E0E0001: packets}))


def _extend(seqs: list[int]) -> list[int]:
    """16-bit sequence numbers extended to the value nearest the previous one (RFC 3550 A.1)."""
    out = [seqs[0]]
    for seq in seqs[1:]:
        step = (seq - out[-1]) % (1 << 16)
        out.append(out[-1] + (step - (1 << 16) if step >= 1 << 15 else step))
    return out


def _expected_accounting(packets: list[Pkt]) -> dict[str, object]:
    """Duplicates, late packets and missing runs by their definitions, from the extended numbers."""
    ext = _extend([p.seq & 0xFFFF for p in packets])  # as on the wire
    seen: set[int] = set()
    duplicates = late = 0
    highest = ext[0]
    for n in ext:
        duplicates += n in seen
        late += n < highest
        seen.add(n)
        highest = max(highest, n)
    runs, run = [], 0
    for n in range(ext[0], highest + 1):
        if n in seen:
            runs, run = [*runs, run] if run else runs, 0
        else:
            run += 1
    missing = sum(runs)
    return {"duplicates": duplicates, "out_of_order": late, "missing": missing, "loss_bursts": len(runs),
            "max_burst": max(runs, default=0)}  # fmt: skip


def _accounting(s: RtpStreamResult) -> dict[str, object]:
    return {"duplicates": s.duplicates, "out_of_order": s.out_of_order, "missing": s.missing,
            "loss_bursts": s.loss_bursts, "max_burst": s.max_burst}  # fmt: skip


def test_duplicates_late_and_missing_packets_across_the_wrap_and_chunks(tmp_path: Path) -> None:
    wrapping = _audio(65400, 7, 400, seed=8)  # seq 0 at index 136
    lost = {10, 11, 12, 135, 200, 398}  # 398: a loss just before the highest number
    packets = [p for i, p in enumerate(wrapping) if i not in lost]
    _swap(packets, 100)
    _swap(packets, 140)  # 3 arrives before 2
    packets = _late(packets, packets[55], 55)  # a duplicate right after the original
    zero = [p.seq & 0xFFFF for p in packets].index(0)
    packets = _late(packets, packets[zero], zero)  # ... of the packet numbered 0
    packets = _late(packets, packets[20], 300)  # ... long after (another chunk)
    late = packets.pop(250)
    packets = _late(packets, late, 251)  # a packet two places late
    restart = _audio(40000, 0, 100, seed=9) + [  # the sender restarts 25000 numbers lower
        Pkt(T0 + 2.5 + i * 0.02, 15000 + i, 500_000 + 160 * i) for i in range(50)
    ]
    path = _write(tmp_path / "accounting.pcap", {0x0F0F0001: packets, 0x0F0F0002: restart})
    for chunk_bytes in CHUNKS:
        streams = {s.ssrc: s for s in analyse_capture(path, chunk_bytes=chunk_bytes).streams}
        assert _accounting(streams["0x0f0f0001"]) == _expected_accounting(packets), chunk_bytes
        assert _accounting(streams["0x0f0f0002"]) == _expected_accounting(restart), chunk_bytes


def _ptime_ms(packets: list[Pkt], clock: int) -> float:
    """Median of the first 200 positive timestamp steps between consecutive sequence numbers, in ms."""
    pairs = pairwise(packets)
    wire = [((b.seq - a.seq) & 0xFFFF, (b.ts - a.ts) % WRAP32) for a, b in pairs]  # wrapping differences
    steps = [ts_step for seq_step, ts_step in wire if seq_step == 1 and 0 < ts_step < WRAP32 // 2]
    return statistics.median(steps[:200]) * 1000 / clock


def test_packetisation_is_the_median_of_the_first_200_consecutive_steps(tmp_path: Path) -> None:
    # An RFC 4733-like run of equal timestamps (zero steps) ending in a one-tick step, a stretch losing
    # every other packet (no consecutive pairs), 99 steps of 20 ms and then 30 ms packets: the first 200
    # positive steps are 1 tick, 99 x 160 and 100 x 240 (median 200 ticks, 25 ms); the 32-bit timestamp
    # wraps among the 20 ms steps
    t = [T0 + i * 0.02 for i in range(400)]
    ts0 = WRAP32 - 160 * 150
    event = [Pkt(t[i], 500 + i, ts0 + (i == 19)) for i in range(20)]  # its last step: one tick
    gaps = [Pkt(t[20 + i], 522 + 2 * i, ts0 + 160 * (2 + 2 * i)) for i in range(40)]
    ts1 = gaps[-1].ts + 640
    steady = [Pkt(t[60 + i], 610 + i, ts1 + 160 * i) for i in range(100)]
    ts2 = steady[-1].ts
    longer = [Pkt(t[160 + i], 710 + i, ts2 + 240 * (i + 1)) for i in range(150)]
    packets = event + gaps + steady + longer
    assert _ptime_ms(packets, 8000) == 25.0
    path = _write(tmp_path / "ptime.pcap", {0x10100001: packets})
    for chunk_bytes in CHUNKS:
        (stream,) = analyse_capture(path, chunk_bytes=chunk_bytes).streams
        assert stream.ptime_ms == _ptime_ms(packets, 8000), chunk_bytes
