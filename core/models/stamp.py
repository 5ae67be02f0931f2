"""Result of `assess probe stamp` (RFC 8762 STAMP against any session-reflector)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class StampResult(BaseModel):
    """Delay variation, loss and RTT per direction, and DSCP where the reflector reports it.

    Per-direction loss needs a stateful reflector (its own sequence numbers); against a
    stateless one only round-trip loss is known and the per-direction values are null.
    Delay variation needs no clock sync: each direction's RFC 3550 jitter uses one clock's
    differences (sender for up, reflector for down... each transit's constant offset cancels).
    """

    target: str
    mode: Literal["unauthenticated", "authenticated"]
    interval_ms: float
    duration_s: float
    packets_sent: int
    packets_received: int
    loss_pct: float = Field(description="round trip")
    loss_up_pct: float | None = None
    loss_down_pct: float | None = None
    reflector_stateful: bool | None = None
    jitter_ms: float = Field(description="RFC 3550 interarrival jitter, mean, worse direction")
    jitter_up_ms: float
    jitter_down_ms: float
    ipdv_up_ms: float = Field(description="mean |delay difference| of consecutive packets (RFC 3393 style)")
    ipdv_down_ms: float
    rtt_ms: float = Field(description="median, reflector's residence time removed")
    rtt_min_ms: float
    rtt_p95_ms: float
    dscp_sent: int
    dscp_at_far_end: int | None = None
    dscp_on_return: int | None = None
    cos_tlv_supported: bool | None = Field(default=None, description="RFC 8972 Class-of-Service TLV answered")
    notes: list[str] = Field(default_factory=list)
