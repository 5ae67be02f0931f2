"""irtt (`irtt client` against `irtt server`, a peer tool) next to `assess probe rtp` and
`assess probe stamp`, all three at once on the lab's impaired path (40 ms ± 10 ms, 1.5 % loss
upstream), with the relay's counts as the truth for loss.

The two probes are held to the truth: nothing lost downstream, upstream loss within 4 binomial
standard deviations of the relay's rate for their packet count, RTT medians within 3 ms of each
other. irtt is held to the direction of the impairment only (loss and delay variation upstream,
no loss downstream, RTT median within 5 ms): on this shared 2-core machine (load ~10) it misses
up to 40 % of its 20 ms send slots, and over seven runs it read 1.4-7.1 % upstream loss where
the relay dropped 1.05-1.7 % (not explained yet: the relay's count covers what reaches it),
mean abs IPDV up to 3 times the probes' jitter, and RTT medians up to 3.2 ms from theirs; those
figures were seen before these bounds were set. Each run's figures are printed, and
benchmarks/bench_irtt.py keeps them in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator

import pytest

from assess.lab import Lab
from benchmarks.bench_irtt import NS, lab_config, rows, side_by_side
from tests.labtools import needs_lab

pytestmark = [pytest.mark.lab, needs_lab,
              pytest.mark.skipif(shutil.which("irtt") is None, reason="needs irtt (./dev installs it)")]


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab(lab_config()) as built:
        yield built


def _within_binomial(measured_pct: float, truth_pct: float, packets: int) -> bool:
    p = truth_pct / 100
    return abs(measured_pct - truth_pct) <= 4 * 100 * math.sqrt(p * (1 - p) / packets)


def test_irtt_and_the_probes_agree_on_loss_per_direction_rtt_and_roughly_on_delay_variation(lab: Lab) -> None:
    run = side_by_side(lab, seconds=10)
    print("\n" + "\n".join(f"{r.metric:<55} {r.value if r.value is None else round(r.value, 3)} {r.unit} {r.note}"
                            for r in rows(run)))
    rtp, stamp, irtt, relay = run.rtp, run.stamp, run.irtt, run.relay
    assert relay.up.loss_pct > 0.3 and relay.down.loss_pct == 0.0
    assert rtp.loss_down_pct == stamp.loss_down_pct == irtt.downstream_loss_percent == 0.0
    assert stamp.loss_up_pct is not None
    for measured, packets in ((rtp.loss_up_pct, rtp.packets_sent), (stamp.loss_up_pct, stamp.packets_sent)):
        assert _within_binomial(measured, relay.up.loss_pct, packets), (measured, relay.up.loss_pct, packets)
    assert abs(rtp.rtt_ms - stamp.rtt_ms) <= 3.0
    # irtt: the same direction of impairment
    assert irtt.upstream_loss_percent > 0.0
    assert irtt.ipdv_send.mean > 3 * irtt.ipdv_receive.mean
    assert abs(irtt.rtt.median * NS - rtp.rtt_ms) <= 5.0
