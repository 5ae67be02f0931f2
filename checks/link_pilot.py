"""Link quality over the pilot: the share of monitored intervals that missed the targets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.link_quality import pilot_numbers
from core.models.common import Category, Severity, Status
from core.plan import Link

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes

FAIL_SHARE_PCT = 5.0  # more than one interval in twenty: users meet it several times a day
WARN_SHARE_PCT = 1.0


class PilotIntervalsWithinTargets(LinkRule):
    """Over the pilot monitoring, few intervals miss the link-quality targets.

    What it does:
        Reads the `assess monitor` series of the link (when the survey folder holds a monitoring
        store) and counts the intervals that missed a target (loss, jitter, RTT, MOS) or found the
        far end unreachable. Fails above 5 % of the intervals, warns above 1 %; not applicable
        without monitoring.
    Why it matters:
        A survey probes a link for seconds; voice breaks in the hour the backup runs. The share of
        failing intervals over days says how often users would hear it.
    Example:
        288 intervals of 300 s, 31 failing (10.8 %), busy hour 15:00
    Fix:
        look at the events and the busy hour on the "Link quality over the pilot" page: what runs then
    """

    id = "VQ411"
    title = "Pilot intervals within the targets"
    severity = Severity.HIGH
    category = Category.LINK_QUALITY
    reads_pilot = True
    rationale = "A link that misses the targets in a share of the day's intervals fails calls every day."
    remediation = (
        "Find what loads the link in the busy hour (backups, updates, video) and give voice a "
        "strict-priority queue with shaping below the contract on the congested egress (VQ201, VQ207); "
        "ask the provider about outages listed in the event table; then monitor again."
    )

    def evaluate(self, ctx: SiteContext) -> Iterator[Outcome]:
        # judged only on links that were monitored: a survey without a pilot is not a failure of this rule
        for _link, probes in ctx.link_probes():
            if probes is not None and probes.pilot is not None:
                yield from self.check_link(_link, probes, ctx)

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        pilot = probes.pilot
        if pilot is None:
            return
        share = pilot.failing_share_pct
        evidence = pilot_numbers(pilot, pilot.busy_hour, probes.rtp) if pilot.busy_hour else ""
        text = f"{pilot.failing} of {pilot.measured + pilot.unreachable} intervals ({share:.1f} %) missed the targets"
        status = Status.FAIL if share > FAIL_SHARE_PCT else Status.WARN if share > WARN_SHARE_PCT else Status.PASS
        yield Outcome(status, text, evidence, link=probes.link)
