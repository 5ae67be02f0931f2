"""Port lists like ``5060,10000-20000`` and how ranges are sampled.

>>> parse_ports("5060, 10000-10003")
[(5060, 5060), (10000, 10003)]
>>> sample_range(10000, 20000, 5)
[10000, 12500, 15000, 17500, 20000]
>>> sample_range(5060, 5061, 48)
[5060, 5061]
"""

from __future__ import annotations

from core.errors import UserError

DEFAULT_SAMPLES = 48  # per range: 32-64 ports keeps a test fast and still finds blocked blocks
MAX_PORTS = 512


def parse_ports(text: str) -> list[tuple[int, int]]:
    """Ranges (inclusive) from a comma-separated list; raises UserError on bad input."""
    ranges = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low_s, _, high_s = part.partition("-")
        try:
            low, high = int(low_s), int(high_s or low_s)
        except ValueError as exc:
            raise UserError(f"bad port list {text!r}: {part!r} is not a port or range") from exc
        if not 1 <= low <= high <= 65535:
            raise UserError(f"bad port list {text!r}: {part!r} must be within 1-65535, low before high")
        ranges.append((low, high))
    return ranges


def sample_range(low: int, high: int, samples: int = DEFAULT_SAMPLES) -> list[int]:
    """Both edges plus evenly spaced ports in between (every port when the range is small)."""
    size = high - low + 1
    if size <= samples:
        return list(range(low, high + 1))
    step = (high - low) / (samples - 1)
    return sorted({low + round(i * step) for i in range(samples)})


def expand(ranges: list[tuple[int, int]], samples: int = DEFAULT_SAMPLES) -> list[int]:
    """All ports to test: each range sampled; at most MAX_PORTS in all."""
    ports = sorted({p for low, high in ranges for p in sample_range(low, high, samples)})
    if len(ports) > MAX_PORTS:
        raise UserError(f"{len(ports)} ports to test: at most {MAX_PORTS} (use fewer or smaller ranges)")
    return ports


def spans(blocked: list[int], tested: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive tested ports that were all blocked, as (first, last) pairs."""
    out: list[tuple[int, int]] = []
    blocked_set = set(blocked)
    run: list[int] = []
    for port in sorted(tested):
        if port in blocked_set:
            run.append(port)
        elif run:
            out.append((run[0], run[-1]))
            run = []
    if run:
        out.append((run[0], run[-1]))
    return out
