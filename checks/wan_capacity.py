"""WAN capacity from the plan: each primary link's contract carries the peak voice load."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Outcome, SiteContext, SiteRule
from checks.common import unknown
from checks.voice_load import peak_voice_kbps, per_call_kbps
from checks.wan_priority_queue import MAX_PRIORITY_SHARE
from core.models.common import Category, Severity, Status


class ContractCarriesPeakVoice(SiteRule):
    """Each primary link's contracted rate carries the peak voice load within a third of the link.

    What it does:
        Compares peak calls × per-call bandwidth (codec, ptime, link framing) with the
        contracted upload and download of every primary link.
    Why it matters:
        Voice above a third of the link cannot fit a sane priority queue; above the
        contract it cannot fit at all, whatever the QoS configuration.
    Example:
        40 G.711 calls = 3.5 Mbit/s on a 4 Mbit/s upload
    Fix:
        upgrade the contract, move to G.729/Opus, or cap concurrent calls
    """

    id = "VQ210"
    title = "Contracted bandwidth carries the peak voice load"
    severity = Severity.CRITICAL
    category = Category.WAN_QOS
    rationale = "Peak voice above the contract (or above a third of it) cannot be protected by any QoS."
    remediation = (
        "Order more bandwidth, use a lower-bitrate codec, or limit concurrent calls (CAC) so peak voice stays"
        " under a third of the contracted rate."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        primaries = [x for x in ctx.links if x.role == "primary"]
        if not primaries:
            yield unknown("no primary WAN link in the plan")
        for link in primaries:
            load = peak_voice_kbps(ctx.voice, link) / 1000.0
            rate = min(link.contracted_up_mbps, link.contracted_down_mbps)
            evidence = (
                f"{ctx.voice.peak_calls} calls x {per_call_kbps(ctx.voice, link.link_type)} kbit/s "
                f"({ctx.voice.codec}, {ctx.voice.ptime_ms} ms, {link.link_type}) = {load:.2f} Mbit/s; "
                f"contract up {link.contracted_up_mbps:g} / down {link.contracted_down_mbps:g} Mbit/s"
            )
            share = load / rate
            if share > 1:
                status, text = Status.FAIL, f"peak voice {load:.2f} Mbit/s exceeds the {rate:g} Mbit/s contract"
            elif share > MAX_PRIORITY_SHARE:
                status, text = Status.WARN, f"peak voice is {100 * share:.0f} % of the {rate:g} Mbit/s contract"
            else:
                status, text = Status.PASS, f"peak voice is {100 * share:.0f} % of the {rate:g} Mbit/s contract"
            yield Outcome(status, text, evidence, link=link.name)
