"""Result of `assess capacity`: voice bandwidth and channels (CONTRACT keys per_call_kbps, total_kbps, channels)."""

from __future__ import annotations

from pydantic import BaseModel


class CapacityResult(BaseModel):
    """Per-call and total voice bandwidth, one direction, at layer 2."""

    codec: str
    ptime_ms: float
    link: str
    crtp: bool = False
    payload_bytes: float
    packets_per_s: float
    per_call_kbps: float
    channels: int
    total_kbps: float
    calls: int | None = None
    erlangs: float | None = None
    gos: float | None = None
    blocking: float | None = None
