"""Results of the active link probes (RTP stream, bandwidth).

Each model carries the CONTRACT.md keys; extra detail is welcome as new fields.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RtpSample(BaseModel):
    """One interval of an RTP probe, for the charts (jitter and loss over time)."""

    t_s: float
    jitter_up_ms: float | None = None
    jitter_down_ms: float | None = None
    loss_up_pct: float | None = None
    loss_down_pct: float | None = None
    rtt_ms: float | None = None


class RtpResult(BaseModel):
    """Synthetic RTP stream measured in both directions against a reflector."""

    codec: str = "g711"
    ptime_ms: int = 20
    duration_s: float = 0.0
    packets_sent: int
    packets_received: int
    loss_pct: float
    jitter_ms: float
    jitter_p95_ms: float
    rtt_ms: float
    reorder_pct: float
    r_factor: float
    mos: float
    dscp_sent: int | None = None
    dscp_at_far_end: int | None = None
    dscp_on_return: int | None = None
    loss_up_pct: float
    loss_down_pct: float
    jitter_up_ms: float
    jitter_down_ms: float
    duplicates: int = 0
    max_loss_burst: int = 0
    effective_loss_pct: float | None = None
    noise_floor_ms: float | None = None
    jitter_up_p95_ms: float | None = None
    jitter_down_p95_ms: float | None = None
    jitter_up_last_ms: float | None = Field(default=None, description="RFC 3550 J at the end (what iperf3 reports)")
    max_loss_burst_up: int = 0
    max_loss_burst_down: int = 0
    burst_ratio: float = 1.0
    jitter_buffer_ms: float | None = None
    effective_loss_up_pct: float | None = None
    effective_loss_down_pct: float | None = None
    emodel_estimate: bool = False
    rtt_samples_ms: list[float] = Field(default_factory=list)
    timeline: list[RtpSample] = Field(default_factory=list)

    @property
    def worst_loss_pct(self) -> float:
        """Loss in the worse direction (or overall, if higher): what the loss target is judged on."""
        return max(self.loss_pct, self.loss_up_pct, self.loss_down_pct)

    @property
    def worst_jitter_ms(self) -> float:
        """Mean RFC 3550 jitter in the worse direction: what the jitter target is judged on."""
        return max(self.jitter_ms, self.jitter_up_ms, self.jitter_down_ms)

    @property
    def one_way_delay_ms(self) -> float:
        """One-way delay estimated as RTT/2 (no clock sync needed): what the G.114 target is judged on."""
        return self.rtt_ms / 2


class BandwidthResult(BaseModel):
    """iperf3 capacity in both directions and UDP loss at voice load."""

    up_mbps: float
    down_mbps: float
    udp_loss_pct: float
    rtt_ms: float | None = None
    udp_jitter_ms: float | None = None
    voice_load_kbps: float | None = None
    headroom_up_mbps: float | None = None
    headroom_down_mbps: float | None = None
    udp_loss_up_pct: float | None = None
    udp_loss_down_pct: float | None = None
    udp_packets_up: int | None = Field(default=None, description="datagrams the upstream loss figure counts")
    udp_packets_down: int | None = Field(default=None, description="datagrams the downstream loss figure counts")
    max_mbps: float | None = None
    duration_s: float | None = None
    calls: int | None = None
    codec: str | None = None


class DscpHop(BaseModel):
    """One hop of a DSCP trace: the DSCP the hop received, as quoted in its ICMP error."""

    ttl: int
    address: str | None = None
    dscp_received: int | None = None
    reached_target: bool = False


class DscpTraceResult(BaseModel):
    """Per-hop DSCP trace: where along the path the marking is lost or changed."""

    target: str
    dscp_sent: int
    hops: list[DscpHop] = Field(default_factory=list)
    preserved: bool | None = None
    changed_after_hop: int | None = Field(default=None, description="TTL of the last hop that still saw dscp_sent")
    changed_after_address: str | None = None
    first_changed_hop: int | None = None
    first_changed_address: str | None = None
    dscp_seen_after_change: int | None = None
    summary: str = ""
