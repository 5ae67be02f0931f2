"""irtt (`irtt client` against `irtt server`, a peer tool) next to `assess probe rtp` and
`assess probe stamp`, all three at once on the lab's impaired path (40 ms ± 10 ms, each packet's
hold drawn on its own, 1.5 % loss upstream), with the relay's counts as the truth for loss.

The two probes are held to the truth: nothing lost downstream, upstream loss within 4 binomial
standard deviations of the relay's rate for their packet count, upstream delay variation within
25 % of the spec's mean |D| (holds uniform on ±j: E|U1 - U2| = 2j/3), RTT medians within 3 ms of
each other and not below the relay's mean hold. irtt is held to the direction of the impairment
only (loss and delay variation upstream, no loss downstream, RTT median within 5 ms): on this
shared 2-core machine (load ~10) it misses up to 40 % of its 20 ms send slots, and over seven
runs it read 1.4-7.1 % upstream loss where the relay dropped 1.05-1.7 % (not explained yet: the
relay's count covers what reaches it). Until the relay drew each hold on its own, its FIFO
coupled the three interleaved flows (a packet just behind another tool's inherited that one's
hold), so RTT medians and delay variation differed by the flows' phase: one CI run read RTT
medians of 44.5 (rtp), 40.7 (stamp) and 44.1 ms (irtt) — 44.1 ms is the median of the larger of
two holds. Each run's figures are printed, and benchmarks/bench_irtt.py keeps them in
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator

import pytest

from assess.lab import Lab
from benchmarks.bench_irtt import NS, UPSTREAM, lab_config, rows, side_by_side
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
    mean_abs_d = 2 * UPSTREAM.jitter_ms / 3
    for jitter in (rtp.jitter_up_ms, stamp.jitter_up_ms):
        assert abs(jitter - mean_abs_d) <= 0.25 * mean_abs_d, (jitter, mean_abs_d)
    assert min(rtp.rtt_ms, stamp.rtt_ms) >= relay.up.delay_mean_ms - 1.5, relay.up
    # irtt: the same direction of impairment
    assert irtt.upstream_loss_percent > 0.0
    assert irtt.ipdv_send.mean > 3 * irtt.ipdv_receive.mean
    assert abs(irtt.rtt.median * NS - rtp.rtt_ms) <= 5.0
