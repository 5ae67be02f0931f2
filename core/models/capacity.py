"""Result of `assess capacity`: voice bandwidth and channels (CONTRACT keys per_call_kbps, total_kbps, channels).

A frozen stdlib dataclass, not a pydantic model: it is only ever computed (core.capacity) and printed,
never read back from a file, so there is nothing to validate, and `assess capacity` starts up without
importing pydantic. Its JSON is written as pydantic wrote it (assess.dataclass_json).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CapacityResult:
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
