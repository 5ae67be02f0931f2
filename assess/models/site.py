"""Per-site and portfolio results, written as results.json / portfolio.json."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from assess.models.common import Category, Verdict
from assess.models.facts import DeviceFacts
from assess.models.findings import Finding
from assess.models.pcap import PcapResult
from assess.models.pilot import PilotLinkSummary
from assess.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from assess.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from assess.plan import Thresholds


class NotAssessed(BaseModel):
    """An item the run could not assess, and why."""

    item: str
    reason: str


class DeviceRecord(BaseModel):
    """A device surveyed: how it was collected and what was parsed."""

    name: str
    platform: str
    host: str = ""
    collected_via: str = "offline"
    commands: list[str] = Field(default_factory=list)
    facts: DeviceFacts | None = None


class LinkProbes(BaseModel):
    """Everything measured on one WAN link."""

    link: str
    rtp: RtpResult | None = None
    bandwidth: BandwidthResult | None = None
    nat: NatResult | None = None
    sip_alg: SipAlgResult | None = None
    ports: PortsResult | None = None
    dscp_trace: DscpTraceResult | None = None
    sip_path: SignallingResult | None = None
    source: str = "recorded"
    pilot: PilotLinkSummary | None = None  # `assess monitor` over days, when a monitoring store exists


class CategoryScore(BaseModel):
    """Score of one category (0-100) with the findings that lowered it."""

    category: Category
    title: str
    score: float
    weight: float
    failed: int = 0
    passed: int = 0
    unknown: int = 0
    assessed: bool = Field(default=True, description="false: no evidence in this category (score not meaningful)")


ActionKind = Literal["fix", "verify", "assess"]


class Action(BaseModel):
    """A remediation step that would move the verdict towards GO."""

    finding_id: str
    title: str
    severity: str
    device: str | None = None
    link: str | None = None
    remediation: str = ""
    score_gain: float = 0.0
    kind: ActionKind = "fix"
    subjects: list[str] = Field(default_factory=list)
    blocks: Verdict | None = Field(default=None, description="the verdict this action lifts the site out of")


class SiteResult(BaseModel):
    """The whole outcome for one site (CONTRACT.md: site, score, verdict, findings, probes)."""

    site: str
    title: str = ""
    score: float
    verdict: Verdict
    verdict_reason: str = ""
    findings: list[Finding] = Field(default_factory=list)
    probes: list[LinkProbes] = Field(default_factory=list)
    devices: list[DeviceRecord] = Field(default_factory=list)
    categories: list[CategoryScore] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    generated_at: datetime | None = None
    profile: str = Field(default="g114", description="threshold profile the links were judged against")
    thresholds: Thresholds | None = Field(default=None, description="the link-quality targets applied")
    tool_versions: dict[str, str] = Field(default_factory=dict, description="tool name -> version used")
    captures: list[PcapResult] = Field(default_factory=list, description="`assess pcap` of the site's captures")


class PortfolioSite(BaseModel):
    """A site's line in the portfolio table."""

    site: str
    title: str = ""
    score: float
    verdict: Verdict
    worst_findings: list[str] = Field(default_factory=list)
    categories: dict[str, float] = Field(default_factory=dict)


class DriftItem(BaseModel):
    """A standardised setting that differs between sites."""

    layer: str
    values: dict[str, str]
    details: dict[str, list[str]] = Field(
        default_factory=dict, description="site -> the configuration lines only that site has"
    )


class Portfolio(BaseModel):
    """All sites of a survey side by side."""

    company: str = ""
    consultant: str = ""
    page_size: str = "A4"
    generated_at: datetime | None = None
    sites: list[PortfolioSite] = Field(default_factory=list)
    drift: list[DriftItem] = Field(default_factory=list)
