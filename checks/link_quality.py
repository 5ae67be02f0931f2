"""Link quality from the RTP probe: loss, jitter, delay, MOS, loss bursts against the plan's thresholds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.common import probe_not_run
from core.models.common import Category, Severity, Status
from core.plan import Link

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.pilot import HourProfile, PilotLinkSummary
    from core.models.probes import RtpResult
    from core.models.site import LinkProbes

WARN_FRACTION = 0.8  # within 20 % of a threshold is a warning: little margin left for busy hours
MAX_CONCEALABLE_BURST = 2  # packet-loss concealment hides 1-2 lost 20 ms frames, not more
MAX_REORDER_PCT = 1.0


def rtp_numbers(rtp: RtpResult) -> str:
    """The RTP probe's key figures as evidence text."""
    return (
        f"{rtp.codec} {rtp.ptime_ms} ms, {rtp.duration_s:.0f} s, sent {rtp.packets_sent}, "
        f"received {rtp.packets_received}; loss {rtp.loss_pct:.2f} % (up {rtp.loss_up_pct:.2f}, "
        f"down {rtp.loss_down_pct:.2f}); jitter {rtp.jitter_ms:.1f} ms (up {rtp.jitter_up_ms:.1f}, "
        f"down {rtp.jitter_down_ms:.1f}, p95 {rtp.jitter_p95_ms:.1f}); RTT {rtp.rtt_ms:.1f} ms; "
        f"R {rtp.r_factor:.1f}, MOS {rtp.mos:.2f}"
    )


def judge(value: float, limit: float, what: str, unit: str, evidence: str) -> Outcome:
    """Fail above ``limit``, warn above 80 % of it, else pass."""
    text = f"{what} {value:.2f} {unit}"
    if value > limit:
        return Outcome(Status.FAIL, f"{text} above the {limit:g} {unit} threshold", evidence)
    if value > WARN_FRACTION * limit:
        return Outcome(Status.WARN, f"{text} close to the {limit:g} {unit} threshold", evidence)
    return Outcome(Status.PASS, f"{text} within the {limit:g} {unit} threshold", evidence)


def pilot_numbers(pilot: PilotLinkSummary, busy: HourProfile, rtp: RtpResult | None) -> str:
    """The pilot's period and busy hour as evidence text, with the one-shot figures as "at survey time"."""
    start = datetime.fromtimestamp(pilot.period_start, UTC).strftime("%Y-%m-%d %H:%M")
    end = datetime.fromtimestamp(pilot.period_end, UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"pilot monitoring {start} - {end}: {pilot.intervals} intervals of {pilot.interval_s:g} s "
        f"({pilot.measured} measured, {pilot.unreachable} far end unreachable, {pilot.not_measured} not measured), "
        f"{pilot.failing_share_pct:.1f} % failing the targets; busy hour {busy.key:02d}:00-{busy.key:02d}:59 "
        f"({busy.intervals} intervals, {busy.failing_share_pct:.1f} % failing): loss {busy.loss_pct or 0:.2f} %, "
        f"jitter {busy.jitter_ms or 0:.1f} ms, RTT {busy.rtt_ms or 0:.1f} ms, MOS {busy.mos or 0:.2f}"
    )
    return text + (f"; at survey time: {rtp_numbers(rtp)}" if rtp is not None else "")


def judged_busy_hour(probes: LinkProbes) -> HourProfile | None:
    """The pilot's busy hour when the RTP rules judge it instead of the survey's one-shot stream, else None.

    The report shows these figures beside the rules' marks, so both ask here.
    """
    busy = probes.pilot.busy_hour if probes.pilot is not None else None
    return busy if busy is not None and busy.mos is not None else None


class _RtpRule(LinkRule):
    """A link rule that needs the RTP probe; with pilot monitoring it judges the busy hour instead."""

    reads_pilot = True

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        busy = judged_busy_hour(probes)
        outcome = self.judge_busy_hour(busy, ctx) if busy is not None else None
        if outcome is not None and busy is not None and probes.pilot is not None:
            yield Outcome(outcome.status, f"busy hour of the pilot: {outcome.message}",
                          pilot_numbers(probes.pilot, busy, probes.rtp))
        elif probes.rtp is None:
            yield probe_not_run("RTP")
        else:
            yield self.judge_rtp(probes.rtp, ctx)

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        """The outcome for one RTP measurement."""
        raise NotImplementedError

    def judge_busy_hour(self, busy: HourProfile, ctx: SiteContext) -> Outcome | None:
        """The outcome for the pilot's busy hour (evidence filled in by the caller); None: judge the survey's."""
        return None


class PacketLoss(_RtpRule):
    """Packet loss in the worse direction stays under the loss threshold.

    What it does:
        Takes the larger of upstream and downstream RTP loss and compares it with
        ``thresholds.loss_pct`` (default 1 %).
    Why it matters:
        Above about 1 % random loss G.711 with concealment drops audibly (G.113 Bpl);
        bursts make it worse. Loss is the largest single MOS impairment on most links.
    Example:
        loss_up_pct 2.4 (threshold 1.0)
    Fix:
        find the dropping hop (interface errors, policer, congested uplink) and fix or prioritise
    """

    id = "VQ401"
    title = "Packet loss within threshold"
    severity = Severity.CRITICAL
    category = Category.LINK_QUALITY
    rationale = "Loss above ~1 % is audible as clipping even with packet-loss concealment."
    remediation = (
        "Locate the loss (interface errors, provider policer, congestion) and give voice priority end to end;"
        " re-measure with 'assess probe rtp'."
    )

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        return judge(rtp.worst_loss_pct, ctx.thresholds.loss_pct, "loss", "%", rtp_numbers(rtp))

    def judge_busy_hour(self, busy: HourProfile, ctx: SiteContext) -> Outcome:
        return judge(busy.loss_pct or 0.0, ctx.thresholds.loss_pct, "mean loss", "%", "")


class Jitter(_RtpRule):
    """RFC 3550 jitter in the worse direction stays under the jitter threshold.

    What it does:
        Compares the worse direction's mean interarrival jitter with ``thresholds.jitter_ms``
        and warns when the 95th percentile exceeds it.
    Why it matters:
        Jitter beyond the phones' jitter buffer turns into late (lost) packets; adaptive
        buffers grow and add delay instead.
    Example:
        jitter_up_ms 42 (threshold 30)
    Fix:
        prioritise EF on the congested egress (usually the WAN upload) and shape below the contract
    """

    id = "VQ402"
    title = "Jitter within threshold"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    rationale = "Jitter beyond the phone's jitter buffer becomes loss or extra delay."
    remediation = (
        "Queue EF in a strict-priority queue on the congested egress and shape to the contracted rate (VQ201,"
        " VQ207); avoid Wi-Fi and bufferbloated CPE on the voice path."
    )

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        limit = ctx.thresholds.jitter_ms
        outcome = judge(rtp.worst_jitter_ms, limit, "jitter", "ms", rtp_numbers(rtp))
        if outcome.status == Status.PASS and rtp.jitter_p95_ms > limit:
            return Outcome(Status.WARN, f"jitter p95 {rtp.jitter_p95_ms:.1f} ms above {limit:g}", outcome.evidence)
        return outcome

    def judge_busy_hour(self, busy: HourProfile, ctx: SiteContext) -> Outcome:
        return judge(busy.jitter_ms or 0.0, ctx.thresholds.jitter_ms, "mean jitter", "ms", "")


class OneWayDelay(_RtpRule):
    """One-way delay (RTT/2) stays under G.114's 150 ms (or the plan's threshold).

    What it does:
        Estimates one-way delay as half the median RTT and compares it with
        ``thresholds.one_way_delay_ms``; also checks ``thresholds.rtt_ms`` when set.
    Why it matters:
        Beyond 150 ms one way conversation becomes half-duplex: people talk over each
        other (ITU-T G.114); codec and jitter-buffer delay come on top of the network's.
    Example:
        rtt_ms 340 → one way 170 ms
    Fix:
        use a closer media gateway/PoP, avoid satellite/VPN hair-pinning, remove bufferbloat
    """

    id = "VQ403"
    title = "One-way delay within threshold"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    rationale = "Above 150 ms one way (ITU-T G.114) callers talk over each other."
    remediation = (
        "Shorten the media path (nearest provider PoP, no VPN hair-pinning through HQ) and remove queueing "
        "delay (shaping + priority queue)."
    )

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        evidence = rtp_numbers(rtp) + f"; one way ~ RTT/2 = {rtp.one_way_delay_ms:.1f} ms"
        rtt_limit = ctx.thresholds.rtt_ms
        if rtt_limit is not None and rtp.rtt_ms > rtt_limit:
            return Outcome(Status.FAIL, f"RTT {rtp.rtt_ms:.1f} ms above the {rtt_limit:g} ms target", evidence)
        return judge(rtp.one_way_delay_ms, ctx.thresholds.one_way_delay_ms, "one-way delay", "ms", evidence)

    def judge_busy_hour(self, busy: HourProfile, ctx: SiteContext) -> Outcome:
        rtt = busy.rtt_ms or 0.0
        rtt_limit = ctx.thresholds.rtt_ms
        if rtt_limit is not None and rtt > rtt_limit:
            return Outcome(Status.FAIL, f"median RTT {rtt:.1f} ms above the {rtt_limit:g} ms target")
        return judge(rtt / 2, ctx.thresholds.one_way_delay_ms, "one-way delay (median RTT/2)", "ms", "")


class MosAboveMinimum(_RtpRule):
    """The E-model MOS of the measured link reaches the plan's minimum.

    What it does:
        Compares the probe's ITU-T G.107 MOS (from delay, jitter, loss and codec) with
        ``thresholds.mos_min`` (default 4.0).
    Why it matters:
        MOS folds every impairment into what users will hear; below 4.0 a share of
        users rates calls 'fair' or worse and complains.
    Example:
        mos 3.6 (R 72) with mos_min 4.0
    Fix:
        fix the dominant impairment (see VQ401-VQ403 findings on the same link)
    """

    id = "VQ404"
    title = "MOS at least the minimum"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    rationale = "The E-model MOS predicts what users hear; below 4.0 call quality complaints start."
    remediation = (
        "Fix the dominant impairment (loss, jitter or delay findings on the same link); consider a more "
        "robust codec (G.722/Opus with FEC) only after the network is fixed."
    )

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        need = ctx.thresholds.mos_min
        status = Status.PASS if rtp.mos >= need else Status.FAIL
        return Outcome(status, f"MOS {rtp.mos:.2f} (R {rtp.r_factor:.1f}) vs minimum {need:g}", rtp_numbers(rtp))

    def judge_busy_hour(self, busy: HourProfile, ctx: SiteContext) -> Outcome:
        need, mos = ctx.thresholds.mos_min, busy.mos or 0.0
        return Outcome(Status.PASS if mos >= need else Status.FAIL, f"mean MOS {mos:.2f} vs minimum {need:g}")


class LossBurstsAndReordering(_RtpRule):
    """Loss does not come in bursts and packets arrive in order.

    What it does:
        Warns when the longest run of consecutive lost packets exceeds 2, or when more
        than 1 % of packets arrive out of order.
    Why it matters:
        Concealment hides one or two lost frames; a burst of three (60 ms) is an audible
        gap even when the average loss is low. Reordering beyond the jitter buffer is loss.
    Example:
        max_loss_burst 7, reorder_pct 0.2
    Fix:
        look for Wi-Fi roaming, LTE handovers, policer bursts or per-packet load balancing
    """

    id = "VQ405"
    title = "No loss bursts or reordering"
    severity = Severity.MEDIUM
    category = Category.LINK_QUALITY
    rationale = "Bursts of lost packets are audible gaps even when average loss is low."
    remediation = (
        "Remove per-packet load balancing over unequal paths, tune policer burst sizes, and keep phones off "
        "Wi-Fi/LTE paths with handovers."
    )

    def judge_rtp(self, rtp: RtpResult, ctx: SiteContext) -> Outcome:
        evidence = rtp_numbers(rtp) + f"; max loss burst {rtp.max_loss_burst}, reorder {rtp.reorder_pct:.2f} %"
        if rtp.max_loss_burst > MAX_CONCEALABLE_BURST:
            return Outcome(Status.WARN, f"loss bursts of up to {rtp.max_loss_burst} packets", evidence)
        if rtp.reorder_pct > MAX_REORDER_PCT:
            return Outcome(Status.WARN, f"{rtp.reorder_pct:.2f} % of packets reordered", evidence)
        return Outcome(Status.PASS, "no loss bursts, no significant reordering", evidence)
