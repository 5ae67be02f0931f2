"""Ground truth of an RTP probe run computed from captures at both ends (same kernel clock).

Independent of the product's analysis: packets are decoded here from the layout in
docs/reflector-protocol.md (RTP header, then kind byte, ...), jitter comes from the RFC 3550
reference in tests/rfc3550_ref.py, and nothing is imported from `reflector` or
`collectors.probes`. Upstream jitter is the one-way transit of each probe packet in arrival
order, two ways: laptop capture (sent) to far capture (arrived), the physical truth; and the send
stamp the probe writes into the packet to the far capture, the quantity the reflector estimates
(it keeps the sender's own scheduling delays out, which on a busy host are a millisecond or more).
Both clocks are the same kernel's realtime clock in the lab.
"""

from __future__ import annotations

import math
import statistics
import struct
from dataclasses import dataclass

from assess.lab.capture import UdpPacket
from tests.rfc3550_ref import jitter_series

RTP_HEADER_LEN = 12
KIND_PROBE = 0x11  # first payload byte of a probe packet (docs/reflector-protocol.md)
KIND_ECHO = 0x12
SEQ = struct.Struct("!H")  # RTP sequence number, header bytes 2-3
SEND_STAMP = struct.Struct("!I")  # probe payload: kind (1), DSCP wanted (1), send time µs mod 2^32 (4)
SEND_STAMP_AT = RTP_HEADER_LEN + 2
U32 = 1 << 32
ECHO_ORIG_SEQ_AT = RTP_HEADER_LEN + 2  # echo payload: kind (1), DSCP received (1), original seq (2), ...


@dataclass
class WireTruth:
    sent: int
    arrived_far: int
    loss_up_pct: float
    jitter_up_ms: float
    stamped_jitter_up_last_ms: float
    stamped_jitter_up_max_ms: float
    stamped_jitter_up_p95_ms: float
    rtt_median_ms: float
    echoes_sent: int
    echoes_back: int
    loss_down_pct: float


def _kind(pkt: UdpPacket) -> int | None:
    data = pkt.payload
    if len(data) > RTP_HEADER_LEN and data[0] >> 6 == 2:  # RTP version 2
        return data[RTP_HEADER_LEN]
    return None


def _seq(pkt: UdpPacket) -> int:
    return int(SEQ.unpack_from(pkt.payload, 2)[0])


def _stamped_series(rx_far: dict[int, float], stamps: dict[int, int]) -> list[float]:
    """J from the probe's send stamps to the far arrivals (µs, the stamp's 2^32 wrap undone)."""
    ordered = sorted((t, s) for s, t in rx_far.items() if s in stamps)
    if not ordered:
        return []
    base = stamps[ordered[0][1]]
    sent = [float((stamps[s] - base) % U32) for _, s in ordered]  # a 10-minute stream cannot wrap twice
    return jitter_series(sent, [(t - ordered[0][0]) * 1e6 for t, _ in ordered])


def nearest_rank(values: list[float], pct: float) -> float:
    """The nearest-rank percentile: the smallest value with at least pct % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100.0 * len(ordered)), 1) - 1] if ordered else 0.0


def wire_truth(laptop: list[UdpPacket], far: list[UdpPacket], far_ip: str, port: int) -> WireTruth:
    """Loss, RFC 3550 jitter (one-way transit from both captures) and RTT of the probe stream."""
    tx = {_seq(k): k.time_s for k in laptop if k.dst == far_ip and k.dport == port and _kind(k) == KIND_PROBE}
    arrivals: dict[int, float] = {}
    for k in far:
        if k.dst == far_ip and k.dport == port and _kind(k) == KIND_PROBE:
            arrivals.setdefault(_seq(k), k.time_s)
    ordered = sorted((t, s) for s, t in arrivals.items() if s in tx)
    series_us = jitter_series([tx[s] * 1e6 for _, s in ordered], [t * 1e6 for t, _ in ordered])
    stamps = {
        _seq(k): int(SEND_STAMP.unpack_from(k.payload, SEND_STAMP_AT)[0])
        for k in laptop
        if k.dst == far_ip and k.dport == port and _kind(k) == KIND_PROBE
    }
    stamped_us = _stamped_series(arrivals, stamps)
    echoes_far = [k for k in far if k.src == far_ip and k.sport == port and _kind(k) == KIND_ECHO]
    echoes_lap = [k for k in laptop if k.src == far_ip and k.sport == port and _kind(k) == KIND_ECHO]
    rtts = []
    for k in echoes_lap:
        orig = SEQ.unpack_from(k.payload, ECHO_ORIG_SEQ_AT)[0]
        if orig in tx:
            rtts.append((k.time_s - tx[orig]) * 1000.0)
    sent, arrived = len(tx), len(set(arrivals) & set(tx))
    e_sent, e_back = len({_seq(k) for k in echoes_far}), len({_seq(k) for k in echoes_lap})
    return WireTruth(
        sent=sent,
        arrived_far=arrived,
        loss_up_pct=100.0 * (sent - arrived) / sent if sent else 0.0,
        jitter_up_ms=statistics.fmean(series_us) / 1000.0 if series_us else 0.0,
        stamped_jitter_up_last_ms=stamped_us[-1] / 1000.0 if stamped_us else 0.0,
        stamped_jitter_up_max_ms=max(stamped_us, default=0.0) / 1000.0,
        stamped_jitter_up_p95_ms=nearest_rank(stamped_us, 95) / 1000.0,
        rtt_median_ms=statistics.median(rtts) if rtts else 0.0,
        echoes_sent=e_sent,
        echoes_back=e_back,
        loss_down_pct=100.0 * (e_sent - e_back) / e_sent if e_sent else 0.0,
    )
