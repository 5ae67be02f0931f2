"""Resilience & operations: a backup path that carries voice, and every planned device assessed."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Outcome, SiteContext, SiteRule
from checks.common import na, unknown
from checks.voice_load import peak_voice_kbps
from core.models.common import Category, Severity, Status


class BackupWanLink(SiteRule):
    """The site has a second WAN link.

    What it does:
        Counts the plan's WAN links; a single link warns.
    Why it matters:
        With one link every outage, maintenance window or cut cable takes all phones
        down, including emergency calls unless they fall back to mobile.
    Example:
        links: [isp1]
    Fix:
        add a backup link (second ISP, LTE/5G) and SIP failover to it
    """

    id = "VQ501"
    title = "Backup WAN link present"
    severity = Severity.MEDIUM
    category = Category.RESILIENCE
    rationale = "A single WAN link is a single point of failure for every phone at the site."
    remediation = (
        "Add a second WAN link from another provider or over LTE/5G, with routing and SIP registration failover tested."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        names = ", ".join(f"{x.name} ({x.role})" for x in ctx.links)
        if not ctx.links:
            yield unknown("no WAN link in the plan")
        elif len(ctx.links) == 1:
            yield Outcome(Status.WARN, "single WAN link, no backup", f"links: {names}")
        else:
            yield Outcome(Status.PASS, f"{len(ctx.links)} WAN links", f"links: {names}")


class BackupCarriesVoice(SiteRule):
    """A backup link can carry the peak voice load on its own.

    What it does:
        For each backup link, compares its contracted rates with the peak voice load.
    Why it matters:
        A backup LTE link sized for e-mail fails over nicely and then cannot carry the
        calls: failover works on paper and not on the day.
    Example:
        backup 2 Mbit/s up, peak voice 3.5 Mbit/s
    Fix:
        size the backup for voice, or limit calls while on backup (CAC)
    """

    id = "VQ502"
    title = "Backup link carries the peak voice load"
    severity = Severity.MEDIUM
    category = Category.RESILIENCE
    rationale = "A backup that cannot carry peak voice turns a failover into a partial outage."
    remediation = (
        "Upgrade the backup link or configure call admission control to the number of calls the backup carries."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        backups = [x for x in ctx.links if x.role == "backup"]
        if not backups:
            yield na("no backup link in the plan")
        for link in backups:
            load = peak_voice_kbps(ctx.voice, link) / 1000.0
            rate = min(link.contracted_up_mbps, link.contracted_down_mbps)
            evidence = f"peak voice {load:.2f} Mbit/s; backup {link.name} contract {rate:g} Mbit/s (lower direction)"
            status = Status.PASS if load <= rate else Status.FAIL
            yield Outcome(
                status, f"backup {link.name}: {load:.2f} of {rate:g} Mbit/s for voice", evidence, link=link.name
            )


class DevicesAssessed(SiteRule):
    """Every planned device was collected and parsed.

    What it does:
        Lists devices of the site without facts (unreachable, wrong password, unknown
        platform, parse failure).
    Why it matters:
        Each device not assessed is a blind spot: its rules are silently missing from
        the score unless the report says so.
    Example:
        core-sw2: not assessed (authentication failed)
    Fix:
        fix access to the device (credentials, ACL, platform) and re-run the survey
    """

    id = "VQ503"
    title = "All planned devices assessed"
    severity = Severity.LOW
    category = Category.RESILIENCE
    rationale = "A device not assessed is a blind spot in the verdict."
    remediation = (
        "Fix access to the device (credentials, management ACL, platform in the plan) or provide its saved "
        "outputs with --offline, then re-run."
    )

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        if not ctx.devices:
            yield na("no devices in the plan")
            return
        missing = [d for d in ctx.devices if d.facts is None]
        evidence = "\n".join(f"{d.name} ({d.platform}): {'parsed' if d.facts else 'not assessed'}" for d in ctx.devices)
        if missing:
            yield Outcome(Status.WARN, f"not assessed: {', '.join(d.name for d in missing)}", evidence)
        else:
            yield Outcome(Status.PASS, f"all {len(ctx.devices)} device(s) assessed", evidence)
