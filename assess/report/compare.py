"""Before/after comparison of two runs of the same site (e.g. before and after remediation)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.models.common import Verdict
from core.models.findings import Finding
from core.models.site import LinkProbes, SiteResult


class FindingChange(BaseModel):
    """A finding that is open in one run or both."""

    id: str
    title: str
    severity: str
    subject: str
    status_before: str | None = None
    status_after: str | None = None


class MeasurementChange(BaseModel):
    """One measurement of one link in both runs (None when that run did not measure it)."""

    link: str
    metric: str
    unit: str
    before: float | None
    after: float | None
    better: str = Field(description="'lower' or 'higher': which direction is an improvement")
    digits: int = 1

    @property
    def improved(self) -> bool | None:
        """True when the value moved in the good direction, None when not comparable or equal."""
        if self.before is None or self.after is None or self.before == self.after:
            return None
        return (self.after < self.before) == (self.better == "lower")


class SiteComparison(BaseModel):
    """What changed at a site between two runs."""

    site: str
    score_before: float | None  # None: that run was INCOMPLETE
    score_after: float | None
    verdict_before: Verdict
    verdict_after: Verdict
    fixed: list[FindingChange] = Field(default_factory=list)
    new: list[FindingChange] = Field(default_factory=list)
    still_open: list[FindingChange] = Field(default_factory=list)
    measurements: list[MeasurementChange] = Field(default_factory=list)
    generated_before: str = ""

    @property
    def score_delta(self) -> float | None:
        """Score after minus score before (None when either run had no score)."""
        if self.score_after is None or self.score_before is None:
            return None
        return round(self.score_after - self.score_before, 1)


def _key(f: Finding) -> tuple[str, str]:
    return f.id, f.device or f.link or ""


def _change(f: Finding, before: Finding | None, after: Finding | None) -> FindingChange:
    return FindingChange(
        id=f.id,
        title=f.title,
        severity=str(f.severity),
        subject=f.device or f.link or "site",
        status_before=str(before.status) if before else None,
        status_after=str(after.status) if after else None,
    )


# (metric label, unit, attribute path, better direction, digits shown)
_METRICS: tuple[tuple[str, str, str, str, int], ...] = (
    ("Jitter", " ms", "rtp.jitter_ms", "lower", 1),
    ("Jitter p95", " ms", "rtp.jitter_p95_ms", "lower", 1),
    ("Packet loss", " %", "rtp.loss_pct", "lower", 2),
    ("Round-trip time", " ms", "rtp.rtt_ms", "lower", 1),
    ("MOS", "", "rtp.mos", "higher", 2),
    ("Capacity up", " Mbit/s", "bandwidth.up_mbps", "higher", 1),
    ("Capacity down", " Mbit/s", "bandwidth.down_mbps", "higher", 1),
)


def _metric(probes: LinkProbes | None, path: str) -> float | None:
    part, attr = path.split(".")
    obj = getattr(probes, part, None) if probes else None
    value = getattr(obj, attr, None) if obj is not None else None
    return float(value) if isinstance(value, int | float) else None


def compare_sites(before: SiteResult, after: SiteResult) -> SiteComparison:
    """Findings fixed, new and still open, and every link measurement before and after."""
    old = {_key(f): f for f in before.findings}
    cur = {_key(f): f for f in after.findings}
    cmp = SiteComparison(
        site=after.site,
        score_before=before.score,
        score_after=after.score,
        verdict_before=before.verdict,
        verdict_after=after.verdict,
        generated_before=before.generated_at.strftime("%d %B %Y") if before.generated_at else "",
    )
    for key, f in cur.items():
        prev = old.get(key)
        if f.failed or f.status == "unknown":
            was_open = prev is not None and (prev.failed or prev.status == "unknown")
            (cmp.still_open if was_open else cmp.new).append(_change(f, prev, f))
        elif prev is not None and (prev.failed or prev.status == "unknown"):
            cmp.fixed.append(_change(f, prev, f))
    for key, f in old.items():
        if key not in cur and (f.failed or f.status == "unknown"):
            cmp.fixed.append(_change(f, f, None))
    links_before = {p.link: p for p in before.probes}
    links_after = {p.link: p for p in after.probes}
    for link in dict.fromkeys([*links_before, *links_after]):
        for label, unit, path, better, digits in _METRICS:
            b, a = _metric(links_before.get(link), path), _metric(links_after.get(link), path)
            if b is not None or a is not None:
                cmp.measurements.append(
                    MeasurementChange(
                        link=link, metric=label, unit=unit, before=b, after=a, better=better, digits=digits
                    )
                )
    return cmp
