"""Small statistics both ends of a measurement agree on."""

from __future__ import annotations

from array import array


def percentile(values: list[float] | array[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(round(pct / 100.0 * len(ordered) + 0.5) - 1, 0)
    return float(ordered[min(rank, len(ordered) - 1)])
