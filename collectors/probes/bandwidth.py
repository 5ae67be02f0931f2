"""`assess probe bandwidth`: TCP capacity both ways and UDP loss at voice load, via iperf3.

Safety: every test is capped in rate (``max_mbps``, never above the contracted capacity plus a
margin unless forced) and duration (at most 30 s each, 4 tests). UDP loss at voice load is read
from the receiver's own report (the far end's upstream, ours downstream) over enough datagrams
to resolve a fraction of a percent; see docs/link-probes.md for how it compares with the wire.
"""

from __future__ import annotations

from collectors.probes.iperf3 import run_iperf3
from collectors.probes.requests import BandwidthProbe
from core.capacity import IP_UDP_RTP_BYTES, payload_bytes, per_call_kbps
from core.models.probes import BandwidthResult

MAX_DURATION_S = 30.0
MAX_RATE_MBPS = 1000.0
CONTRACT_MARGIN = 0.10  # may exceed the contracted rate by 10 % (to see the shaper) but no more
# Loss is a count: at 2 % a test of 250 datagrams (one G.711 call for 5 s) reads 0.4 % or 3.6 % by
# chance alone (one datagram is 0.4 points). 3000 datagrams put one standard error near 0.25 points.
UDP_LOSS_DATAGRAMS = 3000
UDP_MIN_DURATION_S = 5.0


def udp_loss_duration_s(datagrams_per_s: float) -> float:
    """Seconds of voice-load UDP that send ``UDP_LOSS_DATAGRAMS`` (at least 5 s, at most the 30 s cap).

    >>> udp_loss_duration_s(500), udp_loss_duration_s(50), udp_loss_duration_s(5000)
    (6.0, 30.0, 5.0)
    """
    return min(MAX_DURATION_S, max(UDP_MIN_DURATION_S, UDP_LOSS_DATAGRAMS / max(datagrams_per_s, 1e-9)))


def check_bandwidth(request: BandwidthProbe) -> None:
    """Enforce the caps; ValueError with the reason."""
    if not 0 < request.duration_s <= MAX_DURATION_S:
        raise ValueError(f"duration must be more than 0 and at most {MAX_DURATION_S:.0f} s per test")
    if not 0 < request.max_mbps <= MAX_RATE_MBPS:
        raise ValueError(f"max rate must be more than 0 and at most {MAX_RATE_MBPS:.0f} Mbit/s")
    # Each direction is capped at its own contract by rate_cap(); an asymmetric link may ask for up to its
    # faster direction, but a request above every contracted rate is refused outright.
    contracts = [c for c in (request.contracted_up_mbps, request.contracted_down_mbps) if c is not None]
    if contracts and request.max_mbps > max(contracts) * (1 + CONTRACT_MARGIN) and not request.force:
        raise ValueError(
            f"--max-mbps {request.max_mbps:g} exceeds the contracted rate {max(contracts):g} Mbit/s by more "
            f"than {CONTRACT_MARGIN:.0%}: this could disturb the customer's traffic (use --force to insist)"
        )


def rate_cap(request: BandwidthProbe, contracted: float | None) -> float:
    """Rate cap of one direction in Mbit/s."""
    if contracted is None or request.force:
        return request.max_mbps
    return min(request.max_mbps, contracted * (1 + CONTRACT_MARGIN))


def voice_kbps(request: BandwidthProbe) -> float:
    """Peak voice load, one direction, at layer 2 (from `assess capacity`)."""
    return per_call_kbps(request.codec, request.ptime_ms) * request.calls


def run_bandwidth_probe(s: BandwidthProbe) -> BandwidthResult:
    """Four iperf3 runs: TCP up, TCP down, UDP voice load up and down."""
    check_bandwidth(s)
    up_cap, down_cap = rate_cap(s, s.contracted_up_mbps), rate_cap(s, s.contracted_down_mbps)
    up = run_iperf3(s.host, s.port, ["-b", f"{up_cap:g}M"], s.duration_s, udp=False)
    down = run_iperf3(s.host, s.port, ["-R", "-b", f"{down_cap:g}M"], s.duration_s, udp=False)
    # UDP as voice: the codec's real datagram size (never fragments) at the peak-call rate, paced, for
    # enough datagrams that the loss figure is a measurement and not the luck of a few packets
    size = int(payload_bytes(s.codec, s.ptime_ms) + IP_UDP_RTP_BYTES - 28)
    per_s = max(s.calls, 1) * 1000 / s.ptime_ms
    rate_kbps = per_s * size * 8 / 1000
    udp_args = ["-u", "-b", f"{rate_kbps:.0f}K", "-l", str(min(size, 1200)), "--pacing-timer", "1000"]
    # a run asked to be shorter than the 5 s default keeps its length (the datagram count says what it is worth)
    udp_s = udp_loss_duration_s(per_s) if s.duration_s >= UDP_MIN_DURATION_S else s.duration_s
    udp_up = run_iperf3(s.host, s.port, udp_args, udp_s, udp=True)
    udp_down = run_iperf3(s.host, s.port, [*udp_args, "-R"], udp_s, udp=True)
    voice_mbps = voice_kbps(s) / 1000.0
    loss_up, loss_down = udp_up.udp_loss_pct or 0.0, udp_down.udp_loss_pct or 0.0
    return BandwidthResult(
        up_mbps=round(up.received_mbps, 3),
        down_mbps=round(down.received_mbps, 3),
        udp_loss_pct=round(max(loss_up, loss_down), 3),
        rtt_ms=None if up.mean_rtt_ms is None else round(up.mean_rtt_ms, 3),
        udp_jitter_ms=round(max(udp_up.udp_jitter_ms or 0.0, udp_down.udp_jitter_ms or 0.0), 3),
        voice_load_kbps=round(voice_kbps(s), 3),
        headroom_up_mbps=round(up.received_mbps - voice_mbps, 3),
        headroom_down_mbps=round(down.received_mbps - voice_mbps, 3),
        udp_loss_up_pct=round(loss_up, 3),
        udp_loss_down_pct=round(loss_down, 3),
        udp_packets_up=udp_up.udp_packets,
        udp_packets_down=udp_down.udp_packets,
        max_mbps=s.max_mbps,
        duration_s=s.duration_s,
        calls=s.calls,
        codec=s.codec,
    )
