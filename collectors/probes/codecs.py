"""RTP shapes of the codecs the probes emulate: payload type, clock rate, payload bytes per ms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodecShape:
    """How a codec's RTP stream looks on the wire."""

    name: str
    payload_type: int
    clock_rate: int  # RTP timestamp rate (G.722 uses 8000 by RFC 3551's historical error)
    bytes_per_ms: float
    estimate: bool = False

    def payload_bytes(self, ptime_ms: int) -> int:
        """Payload size of one packet."""
        return max(round(self.bytes_per_ms * ptime_ms), 1)

    def samples(self, ptime_ms: int) -> int:
        """RTP timestamp increment per packet."""
        return self.clock_rate * ptime_ms // 1000


CODECS: dict[str, CodecShape] = {
    "g711": CodecShape("g711", 0, 8000, 8.0),  # 64 kbit/s: 160 B per 20 ms
    "g729": CodecShape("g729", 18, 8000, 1.0),  # 8 kbit/s: 20 B per 20 ms
    "g722": CodecShape("g722", 9, 8000, 8.0),  # 64 kbit/s: 160 B per 20 ms
    "opus": CodecShape("opus", 111, 48000, 4.0, estimate=True),  # ~32 kbit/s VoIP mode: ~80 B per 20 ms
}
