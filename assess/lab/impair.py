"""Per-direction impairment decisions (loss, Gilbert-Elliott bursts, delay, jitter) and their ground truth.

Pure logic with an injectable random source, so it is unit-testable without namespaces.
"""

from __future__ import annotations

import math
import random

from pydantic import BaseModel

from assess.lab.config import Impairment


class DirectionTruth(BaseModel):
    """What the relay actually did to one direction."""

    ipv4_packets: int = 0
    forwarded: int = 0
    dropped_random: int = 0
    dropped_burst: int = 0
    delay_mean_ms: float = 0.0
    delay_stdev_ms: float = 0.0
    delay_min_ms: float | None = None
    delay_max_ms: float | None = None

    @property
    def dropped(self) -> int:
        """Packets dropped for any reason."""
        return self.dropped_random + self.dropped_burst

    @property
    def loss_pct(self) -> float:
        """Share of IPv4 packets dropped, in percent."""
        return 100.0 * self.dropped / self.ipv4_packets if self.ipv4_packets else 0.0


class RelayTruth(BaseModel):
    """Ground truth of the relay for both directions."""

    up: DirectionTruth = DirectionTruth()
    down: DirectionTruth = DirectionTruth()
    version: int = 0
    started_at: float | None = None  # wall clock when the relay started: episodes are relative to it


class DirectionImpairer:
    """Decides per packet whether to drop it and how long to hold it."""

    def __init__(self, spec: Impairment, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self.bad_state = False
        self.last_due = 0.0
        self.truth = DirectionTruth()
        self._sum = 0.0
        self._sumsq = 0.0

    def _burst_drop(self) -> bool:
        """Gilbert-Elliott: move between good and bad states, drop in the bad state."""
        if self.spec.ge_p_pct <= 0:
            return False
        if self.bad_state:
            if self.rng.random() * 100 < self.spec.ge_r_pct:
                self.bad_state = False
        elif self.rng.random() * 100 < self.spec.ge_p_pct:
            self.bad_state = True
        return self.bad_state and self.rng.random() * 100 < self.spec.ge_loss_bad_pct

    def decide(self, now: float) -> float | None:
        """Due time (seconds, same clock as ``now``) for an IPv4 packet, or None to drop it."""
        self.truth.ipv4_packets += 1
        if self._burst_drop():
            self.truth.dropped_burst += 1
            return None
        if self.spec.loss_pct > 0 and self.rng.random() * 100 < self.spec.loss_pct:
            self.truth.dropped_random += 1
            return None
        hold = self.spec.delay_ms + self.rng.uniform(-self.spec.jitter_ms, self.spec.jitter_ms)
        due = now + max(hold, 0.0) / 1000.0
        if not self.spec.reorder:
            due = max(due, self.last_due)  # FIFO: a packet never overtakes the one before
        self.last_due = due
        self._record((due - now) * 1000.0)
        return due

    def _record(self, delay_ms: float) -> None:
        t = self.truth
        t.forwarded += 1
        self._sum += delay_ms
        self._sumsq += delay_ms * delay_ms
        t.delay_mean_ms = self._sum / t.forwarded
        t.delay_stdev_ms = math.sqrt(max(self._sumsq / t.forwarded - t.delay_mean_ms**2, 0.0))
        t.delay_min_ms = delay_ms if t.delay_min_ms is None else min(t.delay_min_ms, delay_ms)
        t.delay_max_ms = delay_ms if t.delay_max_ms is None else max(t.delay_max_ms, delay_ms)
