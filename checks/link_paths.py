"""Each WAN link measured on its own path: the public address the NAT probe saw per link."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from checks.base import Outcome, SiteContext, SiteRule
from checks.common import na
from core.models.common import Category, Severity, Status


class LinksLeaveByOwnPath(SiteRule):
    """Two WAN links never show the same public address.

    What it does:
        Lists the public address the NAT probe saw on each link (and the source it left by);
        two links showing the same address warn: both probes left by the same path.
    Why it matters:
        A backup link "measured" through the primary path looks healthy on paper and is
        untested: its loss, jitter, NAT and capacity figures belong to the other link.
    Example:
        hq-fibre 203.0.113.7, hq-lte 203.0.113.7 (both probes left by the same path)
    Fix:
        give each link its `source:` (address or interface) or `source_netns:` in the plan
    """

    id = "VQ510"
    title = "Each WAN link measured on its own path"
    severity = Severity.MEDIUM
    category = Category.RESILIENCE
    since = "0.2.0"
    rationale = "Two links reporting one public address were measured over the same path: one is untested."
    remediation = (
        "Bind each link's probes to that link: set `source:` (its local address or interface) or "
        "`source_netns:` on every link in the plan, then run the survey again with --resume."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        seen: dict[str, list[str]] = defaultdict(list)
        lines = []
        for probes in ctx.probes:
            nat = probes.nat
            if nat is None or not nat.assessed or not nat.public_address:
                continue
            seen[nat.public_address].append(probes.link)
            left_by = f" (left by {nat.source})" if nat.source else ""
            lines.append(f"{probes.link}: public address {nat.public_address}{left_by}")
        evidence = "\n".join(lines)
        if sum(len(links) for links in seen.values()) < 2:
            yield na("fewer than two links with a measured public address", evidence or "no NAT result")
            return
        shared = {addr: links for addr, links in seen.items() if len(links) > 1}
        if shared:
            text = "; ".join(f"{' and '.join(links)} showed {addr}" for addr, links in shared.items())
            yield Outcome(Status.WARN, f"{text}: both probes left by the same path", evidence)
        else:
            yield Outcome(Status.PASS, "each link showed its own public address: " + ", ".join(lines), evidence)
