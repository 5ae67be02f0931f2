"""Ground truth of an RTP probe run computed from captures at both ends (same kernel clock)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from assess.lab.capture import UdpPacket
from assess.reflector import protocol as p
from collectors.probes.rtp_analysis import rfc3550_series


@dataclass
class WireTruth:
    sent: int
    arrived_far: int
    loss_up_pct: float
    jitter_up_ms: float
    rtt_median_ms: float
    echoes_sent: int
    echoes_back: int
    loss_down_pct: float


def _kind(pkt: UdpPacket) -> int | None:
    if p.is_media(pkt.payload) and len(pkt.payload) > p.RTP_HEADER.size:
        return pkt.payload[p.RTP_HEADER.size]
    return None


def _seq(pkt: UdpPacket) -> int:
    return p.Rtp.unpack(pkt.payload).seq


def wire_truth(laptop: list[UdpPacket], far: list[UdpPacket], far_ip: str, port: int) -> WireTruth:
    """Loss, RFC 3550 jitter (one-way transit from both captures) and RTT of the probe stream."""
    tx = {_seq(k): k.time_s for k in laptop if k.dst == far_ip and k.dport == port and _kind(k) == p.KIND_PROBE}
    rx_far = [k for k in far if k.dst == far_ip and k.dport == port and _kind(k) == p.KIND_PROBE]
    arrivals = {}
    for k in rx_far:
        arrivals.setdefault(_seq(k), k.time_s)
    ordered = sorted((t, s) for s, t in arrivals.items() if s in tx)
    series = rfc3550_series([tx[s] * 1e6 for _, s in ordered], [t * 1e6 for t, _ in ordered])
    echoes_far = [k for k in far if k.src == far_ip and k.sport == port and _kind(k) == p.KIND_ECHO]
    echoes_lap = [k for k in laptop if k.src == far_ip and k.sport == port and _kind(k) == p.KIND_ECHO]
    rtts = []
    for k in echoes_lap:
        orig = p.ECHO_FIELDS.unpack_from(k.payload, p.RTP_HEADER.size)[2]
        if orig in tx:
            rtts.append((k.time_s - tx[orig]) * 1000.0)
    sent, arrived = len(tx), len(set(arrivals) & set(tx))
    e_sent, e_back = len({_seq(k) for k in echoes_far}), len({_seq(k) for k in echoes_lap})
    return WireTruth(
        sent=sent,
        arrived_far=arrived,
        loss_up_pct=100.0 * (sent - arrived) / sent if sent else 0.0,
        jitter_up_ms=statistics.fmean(series) / 1000.0 if series else 0.0,
        rtt_median_ms=statistics.median(rtts) if rtts else 0.0,
        echoes_sent=e_sent,
        echoes_back=e_back,
        loss_down_pct=100.0 * (e_sent - e_back) / e_sent if e_sent else 0.0,
    )
