"""Loads a rule's YAML fixture cases into SiteContexts (ansible-lint style pass/fail examples).

A fixture file ``tests/rule_fixtures/<ID>.yaml`` holds ``cases``: each case names the
status the rule must reach (the worst over its findings) and the site it judges:
plan ``voice``/``thresholds``/``links``, ``devices`` (platform + DeviceFacts fields),
``probes`` (LinkProbes) and ``other_sites`` (for drift rules).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from checks.base import SiteContext
from core.models.common import Status
from core.models.facts import DeviceFacts
from core.models.site import DeviceRecord, LinkProbes
from core.plan import Link, Thresholds, Voice

FIXTURES = Path(__file__).parent / "rule_fixtures"


class FixtureDevice(BaseModel):
    """A device of a fixture: facts without the platform repeated."""

    model_config = ConfigDict(extra="forbid")
    name: str = "dev1"
    platform: str = "cisco_ios"
    facts: dict[str, Any] | None = Field(default_factory=dict)

    def record(self) -> DeviceRecord:
        facts = None if self.facts is None else DeviceFacts(platform=self.platform, **self.facts)
        return DeviceRecord(name=self.name, platform=self.platform, facts=facts)


class FixtureSite(BaseModel):
    """The site a case judges."""

    model_config = ConfigDict(extra="forbid")
    site: str = "site1"
    voice: Voice = Field(default_factory=Voice)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    links: list[Link] = Field(default_factory=list)
    devices: list[FixtureDevice] = Field(default_factory=list)
    probes: list[LinkProbes] = Field(default_factory=list)

    def context(self, others: tuple[SiteContext, ...] = ()) -> SiteContext:
        return SiteContext(
            site=self.site,
            voice=self.voice,
            thresholds=self.thresholds,
            devices=tuple(d.record() for d in self.devices),
            links=tuple(self.links),
            probes=tuple(self.probes),
            other_sites=others,
        )


class FixtureCase(FixtureSite):
    """One example with the status it must give."""

    expect: Status
    note: str = ""
    other_sites: list[FixtureSite] = Field(default_factory=list)

    def build(self) -> SiteContext:
        return self.context(tuple(o.context() for o in self.other_sites))


class RuleFixture(BaseModel):
    """All examples of one rule."""

    model_config = ConfigDict(extra="forbid")
    rule: str
    defaults: dict[str, Any] = Field(default_factory=dict, description="YAML anchors live here")
    cases: dict[str, FixtureCase]


def load(path: Path) -> RuleFixture:
    """Parse one fixture file."""
    return RuleFixture.model_validate(yaml.safe_load(path.read_text()))


def all_cases() -> list[tuple[str, str, FixtureCase]]:
    """(rule id, case name, case) for every fixture file."""
    out = []
    for path in sorted(FIXTURES.glob("VQ*.yaml")):
        fx = load(path)
        out.extend((fx.rule, name, case) for name, case in fx.cases.items())
    return out
