"""Per-site and portfolio results, written as results.json / portfolio.json."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from core.models.common import Category, Verdict
from core.models.device import DeviceRecord
from core.models.findings import Finding
from core.models.pcap import PcapResult
from core.models.pilot import PilotLinkSummary
from core.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from core.plan import Thresholds
from core.safe_names import SafeName


class NotAssessed(BaseModel):
    """An item the run could not assess, why, and what to do to assess it."""

    item: str
    reason: str
    to_finish: str = Field(default="", description="what to do so the next run can assess it")


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
    failed: int = Field(default=0, description="findings that failed (warnings are counted in `warned`)")
    warned: int = 0
    passed: int = 0
    unknown: int = Field(default=0, description="checks that apply but had no evidence")
    assessed: bool = Field(default=True, description="false: no evidence in this category (score not meaningful)")
    coverage_pct: float | None = Field(
        default=None, description="share of the checks that apply here which had evidence (None: none apply)"
    )
    not_run: int = Field(
        default=0, description="checks that planned devices not collected would have had here (counted in coverage)"
    )
    not_collected: list[str] = Field(
        default_factory=list, description="planned devices not collected that this category's checks would judge"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> Literal["assessed", "partial", "not assessed"]:
        """partial: judged from evidence, but a device it needs was not collected (the score covers part of it)."""
        if not self.assessed:
            return "not assessed"
        return "partial" if self.not_collected else "assessed"


class Coverage(BaseModel):
    """How much of what applies at a site had evidence; below the bar the verdict is INCOMPLETE."""

    applicable: int = Field(description="checks that apply (every finding that is not n/a)")
    evidenced: int = Field(description="of those, the ones judged from evidence (pass, warn or fail)")
    pct: float = Field(description="evidenced / applicable in percent (0 when nothing applies)")
    required_pct: float = Field(description="the coverage a verdict needs (scoring config `min_coverage_pct`)")
    critical_without_evidence: list[str] = Field(
        default_factory=list, description="ids of critical checks that apply but had no evidence"
    )
    categories_without_evidence: list[str] = Field(
        default_factory=list, description="required categories whose applicable checks all lacked evidence"
    )
    devices_without_evidence: list[str] = Field(
        default_factory=list, description="planned devices that could not be collected or parsed"
    )
    not_run: int = Field(
        default=0, description="checks those devices would have had (by planned platform); not in `applicable`"
    )

    @property
    def complete(self) -> bool:
        """True when the evidence is enough for a verdict."""
        return (
            self.applicable > 0
            and self.pct >= self.required_pct
            and not self.critical_without_evidence
            and not self.categories_without_evidence
            and not self.devices_without_evidence
        )


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

    site: SafeName  # read back from results.json and used as a folder name
    title: str = ""
    score: float | None = Field(description="0-100; None when the verdict is INCOMPLETE")
    verdict: Verdict
    verdict_reason: str = ""
    verdict_so_far: Verdict | None = Field(
        default=None, description="INCOMPLETE sites: the verdict a failure already found holds it at (NO-GO so far)"
    )
    coverage: Coverage | None = None
    findings: list[Finding] = Field(default_factory=list)
    probes: list[LinkProbes] = Field(default_factory=list)
    devices: list[DeviceRecord] = Field(default_factory=list)
    categories: list[CategoryScore] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    generated_at: datetime | None = None
    profile: str = Field(default="g114", description="target profile the links were judged against ('custom': plan)")
    thresholds: Thresholds | None = Field(default=None, description="the link-quality targets applied")
    target_sources: dict[str, str] = Field(default_factory=dict, description="target -> its published source")
    rules: str = Field(default="contact-centre", description="rule set (checks/profiles.yaml) the site was judged by")
    scoring_overrides: list[str] = Field(default_factory=list, description="the plan's changes to assess/scoring.yaml")
    tool_versions: dict[str, str] = Field(default_factory=dict, description="tool name -> version used")
    captures: list[PcapResult] = Field(default_factory=list, description="`assess pcap` of the site's captures")


class PortfolioSite(BaseModel):
    """A site's line in the portfolio table."""

    site: SafeName  # read back from results.json and used as a folder name
    title: str = ""
    score: float | None = None
    verdict: Verdict
    verdict_so_far: Verdict | None = None
    coverage_pct: float | None = None
    not_assessed: list[str] = Field(default_factory=list, description="what could not be assessed, with why")
    worst_findings: list[str] = Field(default_factory=list)
    categories: dict[str, float] = Field(default_factory=dict, description="scores of the categories fully assessed")
    partial_categories: list[str] = Field(
        default_factory=list, description="categories with evidence whose score is withheld: a device was not collected"
    )


class DriftItem(BaseModel):
    """A standardised setting that differs between sites."""

    layer: str
    rule: str = Field(default="", description="the cross-site rule whose findings this item is drawn from")
    values: dict[str, str] = Field(description="site -> the value that rule compared")
    details: dict[str, list[str]] = Field(
        default_factory=dict, description="site -> why its finding of the rule warns"
    )


class Portfolio(BaseModel):
    """All sites of a survey side by side."""

    company: str = ""
    consultant: str = ""
    page_size: str = "A4"
    generated_at: datetime | None = None
    sites: list[PortfolioSite] = Field(default_factory=list)
    drift: list[DriftItem] = Field(default_factory=list)
