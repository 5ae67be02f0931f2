"""Per-source token buckets (packets and bytes) so the reflector cannot be used to flood anyone."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field


class RateLimits(BaseModel):
    """Limits per source address; the defaults allow several G.711 probes from one NATed site."""

    packets_per_s: float = Field(default=500.0, gt=0)
    packet_burst: float = Field(default=250.0, gt=0)
    bytes_per_s: float = Field(default=500_000.0, gt=0)
    byte_burst: float = Field(default=100_000.0, gt=0)
    max_sources: int = Field(default=4096, gt=0, description="buckets kept; the oldest are forgotten")


@dataclass
class _Bucket:
    packets: float
    octets: float
    stamp: float


@dataclass
class SourceLimiter:
    """Admit or refuse a datagram from a source, by packet and byte budget."""

    limits: RateLimits
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    refused: int = 0

    def admit(self, source: str, size: int, now: float) -> bool:
        """True when ``source`` may send ``size`` more bytes now (tokens are consumed)."""
        lim = self.limits
        bucket = self.buckets.get(source)
        if bucket is None:
            if len(self.buckets) >= lim.max_sources:
                self.buckets.pop(next(iter(self.buckets)))  # forget the oldest source
            bucket = self.buckets[source] = _Bucket(lim.packet_burst, lim.byte_burst, now)
        elapsed = max(now - bucket.stamp, 0.0)
        bucket.stamp = now
        bucket.packets = min(lim.packet_burst, bucket.packets + elapsed * lim.packets_per_s)
        bucket.octets = min(lim.byte_burst, bucket.octets + elapsed * lim.bytes_per_s)
        if bucket.packets < 1 or bucket.octets < size:
            self.refused += 1
            return False
        bucket.packets -= 1
        bucket.octets -= size
        return True
