"""RFC 3550 reference computations, written in the tests from the RFC text alone.

Nothing here imports the product: this is the truth the product's jitter and loss figures are
checked against (the product's own `rfc3550_series`, the reflector's session and the pcap
statistics must all agree with it).

* Interarrival jitter, §6.4.1 and Appendix A.8: with S_i the packet's timestamp and R_i its arrival
  time in the same units, D(i-1, i) = (R_i - R_(i-1)) - (S_i - S_(i-1)) = transit_i - transit_(i-1)
  for consecutive packets *in arrival order*, and J = J + (|D| - J) / 16. A.8 keeps J as a double:

      int transit = arrival - r->ts;
      int d = transit - s->transit;
      s->transit = transit;
      if (d < 0) d = -d;
      s->jitter += (1./16.) * ((double)d - s->jitter);

  The first packet only sets s->transit (J starts at 0).
* Loss, Appendix A.3 with A.1's sequence extension: expected = extended highest sequence number
  received - base sequence number + 1, lost = expected - received (duplicates count as received,
  so the figure may be negative, as the RFC says).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RTP_SEQ_MOD = 1 << 16


def jitter_series(timestamps: Sequence[float], arrivals: Sequence[float]) -> list[float]:
    """J after each packet from the second on, packets given in arrival order (A.8, floating point)."""
    out: list[float] = []
    jitter = 0.0
    previous_transit: float | None = None
    for ts, arrival in zip(timestamps, arrivals, strict=True):
        transit = arrival - ts
        if previous_transit is not None:
            d = abs(transit - previous_transit)
            jitter += (1.0 / 16.0) * (d - jitter)
            out.append(jitter)
        previous_transit = transit
    return out


def integer_jitter_series(timestamps: Sequence[int], arrivals: Sequence[int]) -> list[int]:
    """A.8's integer variant: J kept scaled by 16, reported as ``jitter >> 4`` (timestamp units)."""
    out: list[int] = []
    scaled = 0
    previous_transit: int | None = None
    for ts, arrival in zip(timestamps, arrivals, strict=True):
        transit = arrival - ts
        if previous_transit is not None:
            d = abs(transit - previous_transit)
            scaled += d - ((scaled + 8) >> 4)
            out.append(scaled >> 4)
        previous_transit = transit
    return out


@dataclass(frozen=True)
class SequenceAccount:
    """A.3's figures for one source."""

    received: int
    expected: int

    @property
    def lost(self) -> int:
        return self.expected - self.received

    @property
    def loss_pct(self) -> float:
        return 100.0 * self.lost / self.expected if self.expected else 0.0


def sequence_account(seqs: Sequence[int]) -> SequenceAccount:
    """Expected and received packets from 16-bit sequence numbers in arrival order (A.1 cycles, A.3).

    A.1 counts a wrap when the new number is below the highest seen by more than half the space;
    smaller steps back are reordering and do not move the highest number.
    """
    if not seqs:
        return SequenceAccount(0, 0)
    base = seqs[0]
    max_seq, cycles = base, 0
    for seq in seqs[1:]:
        delta = (seq - max_seq) % RTP_SEQ_MOD
        if 0 < delta < RTP_SEQ_MOD // 2:  # in order, possibly with a gap
            if seq < max_seq:
                cycles += RTP_SEQ_MOD
            max_seq = seq
    return SequenceAccount(received=len(seqs), expected=cycles + max_seq - base + 1)
