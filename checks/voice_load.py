"""Peak voice bandwidth of the plan on a link (per-call figures from ``core.capacity``)."""

from __future__ import annotations

from core import capacity
from core.plan import Link, Voice


def per_call_kbps(voice: Voice, link_type: capacity.LinkLayer = "ethernet") -> float:
    """Bandwidth of one call in one direction at layer 2, kbit/s.

    >>> per_call_kbps(Voice(codec="g711", ptime_ms=20))
    87.2
    """
    return capacity.per_call_kbps(voice.codec, voice.ptime_ms, link_type)


def peak_voice_kbps(voice: Voice, link: Link | None = None) -> float:
    """Bandwidth of the plan's peak concurrent calls in one direction, kbit/s."""
    return round(voice.peak_calls * per_call_kbps(voice, link.link_type if link else "ethernet"), 3)
