"""What a rule is: metadata as class attributes, an ``evaluate`` that yields outcomes.

Rules read facts and probe results only; they never talk to a device. A rule
that raises yields an UNKNOWN finding carrying the error, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from core.models.common import Category, Severity, Status
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts, FirewallRule
from core.plan import Link, Thresholds, Voice

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes


@dataclass(frozen=True)
class SiteContext:
    """Everything a rule may read about one site."""

    site: str
    voice: Voice = field(default_factory=Voice)
    thresholds: Thresholds = field(default_factory=Thresholds)
    devices: tuple[DeviceRecord, ...] = ()
    links: tuple[Link, ...] = ()
    probes: tuple[LinkProbes, ...] = ()
    other_sites: tuple[SiteContext, ...] = ()

    def facts(self) -> Iterator[DeviceFacts]:
        """Facts of every device that was parsed."""
        for dev in self.devices:
            if dev.facts is not None:
                yield dev.facts

    def link_probes(self) -> Iterator[tuple[Link | None, LinkProbes | None]]:
        """Each planned link with its probe results (None when not measured), then unplanned probes."""
        by_name = {p.link: p for p in self.probes}
        for link in self.links:
            yield link, by_name.pop(link.name, None)
        for probes in by_name.values():
            yield None, probes

    def link(self, name: str) -> Link | None:
        """The planned link called ``name``."""
        return next((x for x in self.links if x.name == name), None)


@dataclass(frozen=True)
class Outcome:
    """What a rule concluded about one subject (a device, a link or the site)."""

    status: Status
    message: str
    evidence: str = ""
    device: str | None = None
    link: str | None = None
    platform: str | None = None
    compared: tuple[tuple[str, str], ...] = ()  # cross-site rules: (site, value) pairs they compared
    subjects: tuple[str, ...] = ()  # interfaces, policies or classes at fault, for the rendered fix
    rules: tuple[FirewallRule, ...] = ()  # firewall rules at fault, for the rendered fix


class Rule:
    """A single check with a stable id (``VQnnn``), append-only in ``checks.ids``."""

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    category: ClassVar[Category]
    rationale: ClassVar[str]
    remediation: ClassVar[str]  # what to do, in words; device commands come from the platform templates
    platforms: ClassVar[tuple[str, ...]] = ()
    since: ClassVar[str] = "0.1.0"
    reads_pilot: ClassVar[bool] = False  # judged on `assess monitor`'s series when there is one

    def evaluate(self, ctx: SiteContext) -> Iterator[Outcome]:
        """Yield one outcome per subject judged."""
        raise NotImplementedError


class DeviceRule(Rule):
    """A rule judged per device from its facts."""

    @classmethod
    def judges(cls, platform: str) -> bool:
        """True when this rule judges devices of ``platform``."""
        return not cls.platforms or platform in cls.platforms

    def evaluate(self, ctx: SiteContext) -> Iterator[Outcome]:
        for dev in ctx.devices:
            if dev.facts is None or not self.judges(dev.platform):
                continue
            for outcome in self.check(dev.facts, ctx):
                yield Outcome(
                    outcome.status,
                    outcome.message,
                    outcome.evidence,
                    device=outcome.device or dev.name,
                    link=outcome.link,
                    platform=dev.platform,
                    subjects=outcome.subjects,
                    rules=outcome.rules,
                )

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        """Yield outcomes for one device."""
        raise NotImplementedError


class SiteRule(Rule):
    """A rule judged once for the whole site (resilience, drift, probes vs configs)."""

    def evaluate(self, ctx: SiteContext) -> Iterator[Outcome]:
        yield from self.check_site(ctx)

    def check_site(self, ctx: SiteContext) -> Iterator[Outcome]:
        """Yield outcomes for the site."""
        raise NotImplementedError


class LinkRule(Rule):
    """A rule judged per WAN link from its probe results; an unmeasured link is UNKNOWN."""

    def evaluate(self, ctx: SiteContext) -> Iterator[Outcome]:
        for link, probes in ctx.link_probes():
            name = link.name if link is not None else (probes.link if probes is not None else "?")
            if probes is None:
                yield Outcome(Status.UNKNOWN, f"link {name} was not measured", "no probe results recorded", link=name)
                continue
            for outcome in self.check_link(link, probes, ctx):
                yield replace(outcome, link=outcome.link or name)

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        """Yield outcomes for one link (``link`` is None for probes of a link not in the plan)."""
        raise NotImplementedError
