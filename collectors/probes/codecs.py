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

DSCP_NAMES: dict[str, int] = {
    "be": 0,
    "cs0": 0,
    "cs1": 8,
    "af11": 10,
    "af12": 12,
    "af13": 14,
    "cs2": 16,
    "af21": 18,
    "af22": 20,
    "af23": 22,
    "cs3": 24,
    "af31": 26,
    "af32": 28,
    "af33": 30,
    "cs4": 32,
    "af41": 34,
    "af42": 36,
    "af43": 38,
    "cs5": 40,
    "va": 44,
    "ef": 46,
    "cs6": 48,
    "cs7": 56,
}


def dscp_value(text: str) -> int:
    """DSCP from a name (``ef``, ``af41``) or a number 0-63; ValueError otherwise."""
    key = text.strip().lower()
    if key in DSCP_NAMES:
        return DSCP_NAMES[key]
    value = int(key)
    if not 0 <= value <= 63:
        raise ValueError(f"DSCP {value} is outside 0-63")
    return value
