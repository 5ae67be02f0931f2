"""Link quality: the EF marking survives the path in both directions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.common import probe_not_run, unknown
from core.models.common import Category, Severity, Status
from core.plan import Link

DSCP_FIX = (
    "Find the hop that re-marks (site router 'set dscp', provider CPE, ISP policy) and keep EF; on an "
    "Internet link ask the provider to honour or at least not bleach DSCP, or re-mark EF on the far side."
)

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes


def _judge(sent: int | None, got: int | None, direction: str, probes: LinkProbes) -> Outcome:
    evidence = f"DSCP sent {sent}, seen {direction} {got}"
    if probes.rtp is None:
        return probe_not_run("RTP")
    if not sent:
        return unknown("the probe sent unmarked packets; DSCP preservation not tested", evidence)
    if got is None:
        return unknown(f"DSCP {direction} not reported", evidence)
    if got == sent:
        return Outcome(Status.PASS, f"DSCP {sent} preserved {direction}", evidence)
    bleached = " (bleached)" if got == 0 else ""
    return Outcome(Status.FAIL, f"DSCP {sent} re-marked to {got} {direction}{bleached}", evidence)


class DscpPreservedUpstream(LinkRule):
    """EF sent from the site arrives as EF at the far end.

    What it does:
        Compares the DSCP the RTP probe sent with the DSCP the reflector received.
    Why it matters:
        If the provider or CPE bleaches EF, no queue past that hop can prioritise voice;
        on MPLS it means the provider's voice class is not used at all.
    Example:
        dscp_sent 46, dscp_at_far_end 0
    Fix:
        find the re-marking hop; ask the provider to trust EF on the CE-PE link
    """

    id = "VQ406"
    title = "DSCP preserved upstream"
    severity = Severity.MEDIUM
    category = Category.LINK_QUALITY
    rationale = "Bleached EF upstream means no hop after it can prioritise voice."
    remediation = DSCP_FIX

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        rtp = probes.rtp
        yield _judge(rtp.dscp_sent if rtp else None, rtp.dscp_at_far_end if rtp else None, "at the far end", probes)


class DscpPreservedDownstream(LinkRule):
    """EF sent towards the site arrives as EF.

    What it does:
        Compares the DSCP the reflector sent back with the DSCP the probe received.
    Why it matters:
        Downstream congestion (large downloads) is common on asymmetric links; without EF
        the provider's and the site's queues cannot protect incoming voice.
    Example:
        dscp_sent 46, dscp_on_return 0
    Fix:
        ask the provider to keep EF towards the site (or mark it at the far-end SBC)
    """

    id = "VQ407"
    title = "DSCP preserved downstream"
    severity = Severity.MEDIUM
    category = Category.LINK_QUALITY
    rationale = "Without EF on the way in, downstream congestion hits voice unprotected."
    remediation = DSCP_FIX

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        rtp = probes.rtp
        yield _judge(rtp.dscp_sent if rtp else None, rtp.dscp_on_return if rtp else None, "on return", probes)
