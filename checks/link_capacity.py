"""Link capacity from the bandwidth probe: headroom for peak voice, UDP loss at load, contract delivered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.common import na, probe_not_run
from checks.voice_load import peak_voice_kbps
from core.models.common import Category, Severity, Status
from core.plan import Link

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.probes import BandwidthResult
    from core.models.site import LinkProbes

DELIVERED_WARN = 0.8
DELIVERED_FAIL = 0.5


def bw_numbers(bw: BandwidthResult) -> str:
    """The bandwidth probe's figures as evidence text."""
    rtt = f", RTT {bw.rtt_ms:.1f} ms" if bw.rtt_ms is not None else ""
    return f"measured up {bw.up_mbps:.2f} Mbit/s, down {bw.down_mbps:.2f} Mbit/s, UDP loss {bw.udp_loss_pct:.2f} %{rtt}"


class VoiceHeadroom(LinkRule):
    """Measured capacity carries the peak voice load with headroom to spare.

    What it does:
        In each direction, compares peak calls × per-call bandwidth with the measured
        capacity; the rest must be at least ``thresholds.min_headroom_pct`` of it.
    Why it matters:
        Voice that needs most of the link leaves nothing for data; the first large
        download congests the queues even with QoS and calls degrade.
    Example:
        30 G.711 calls = 2.6 Mbit/s on a link measuring 3 Mbit/s up (13 % headroom)
    Fix:
        upgrade the link, use G.729/Opus, or cap concurrent calls (CAC) to what fits
    """

    id = "VQ408"
    title = "Bandwidth headroom over the peak voice load"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    rationale = "A link that voice nearly fills leaves no room for data and congests at the first download."
    remediation = (
        "Increase the link's capacity, use a lower-bitrate codec, or limit concurrent calls with call "
        "admission control to what the link carries with headroom."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        bw = probes.bandwidth
        if bw is None:
            yield probe_not_run("bandwidth")
            return
        load = peak_voice_kbps(ctx.voice, link) / 1000.0
        need = ctx.thresholds.min_headroom_pct
        worst = min(bw.up_mbps, bw.down_mbps)
        headroom = 100.0 * (worst - load) / worst if worst > 0 else -100.0
        evidence = f"{bw_numbers(bw)}; peak voice {ctx.voice.peak_calls} calls = {load:.2f} Mbit/s each way"
        if load > worst:
            yield Outcome(
                Status.FAIL, f"peak voice {load:.2f} Mbit/s exceeds the {worst:.2f} Mbit/s measured", evidence
            )
        elif headroom < need:
            yield Outcome(Status.WARN, f"only {headroom:.0f} % headroom (want {need:g} %)", evidence)
        else:
            yield Outcome(Status.PASS, f"{headroom:.0f} % headroom over peak voice", evidence)


class UdpLossAtVoiceLoad(LinkRule):
    """UDP at the voice load crosses the link without loss.

    What it does:
        Compares the bandwidth probe's UDP loss (iperf3 UDP at the voice load) with the
        loss threshold.
    Why it matters:
        Loss that appears only under load shows a policer or queue that drops voice at
        peak hour, which a light RTP probe alone does not reveal.
    Example:
        udp_loss_pct 3.2 at 1.7 Mbit/s
    Fix:
        shape below the provider's policer and prioritise EF (VQ201, VQ207)
    """

    id = "VQ409"
    title = "UDP loss at voice load within threshold"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    rationale = "Loss under load reveals a policer or full queue that will drop voice at peak hour."
    remediation = (
        "Shape WAN egress below the provider's policer and queue EF with priority; check the provider's "
        "contract for a burst/policing profile."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        bw = probes.bandwidth
        if bw is None:
            yield probe_not_run("bandwidth")
            return
        limit = ctx.thresholds.loss_pct
        evidence = bw_numbers(bw) + (f"; voice load {bw.voice_load_kbps:.0f} kbit/s" if bw.voice_load_kbps else "")
        status = Status.FAIL if bw.udp_loss_pct > limit else Status.PASS
        yield Outcome(status, f"UDP loss {bw.udp_loss_pct:.2f} % at load (threshold {limit:g} %)", evidence)


class ContractDelivered(LinkRule):
    """The link delivers the bandwidth in the contract.

    What it does:
        Compares measured upload/download with the link's contracted rates: below 80 %
        warns, below 50 % fails.
    Why it matters:
        Shapers and priority queues are sized from the contract; a link that delivers
        less congests upstream of the shaper, where QoS has no effect.
    Example:
        contracted 20 Mbit/s up, measured 9 Mbit/s
    Fix:
        raise it with the provider, or size the shaper to what the link really delivers
    """

    id = "VQ410"
    title = "Measured bandwidth matches the contract"
    severity = Severity.MEDIUM
    category = Category.LINK_QUALITY
    rationale = "When the link delivers less than contracted, congestion happens beyond the shaper's control."
    remediation = (
        "Escalate with the provider; meanwhile shape to the measured rate so QoS still engages on the site router."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        bw = probes.bandwidth
        if link is None:
            yield na("link not in the plan (no contract to compare)")
            return
        if bw is None:
            yield probe_not_run("bandwidth")
            return
        ratio = min(bw.up_mbps / link.contracted_up_mbps, bw.down_mbps / link.contracted_down_mbps)
        evidence = f"{bw_numbers(bw)}; contracted up {link.contracted_up_mbps:g}, down {link.contracted_down_mbps:g}"
        if ratio < DELIVERED_FAIL:
            yield Outcome(Status.FAIL, f"link delivers {100 * ratio:.0f} % of the contract", evidence)
        elif ratio < DELIVERED_WARN:
            yield Outcome(Status.WARN, f"link delivers {100 * ratio:.0f} % of the contract", evidence)
        else:
            yield Outcome(Status.PASS, f"link delivers {100 * min(ratio, 1.0):.0f} % of the contract", evidence)
