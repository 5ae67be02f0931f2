"""The admission check every traversal service asks before it answers a datagram or connection."""

from __future__ import annotations

from typing import Protocol


class Admitter(Protocol):
    """A per-source budget, e.g. :class:`assess.reflector.ratelimit.SourceLimiter`."""

    def admit(self, source: str, size: int, now: float) -> bool:
        """True when ``source`` may be answered with ``size`` bytes now."""
        ...
