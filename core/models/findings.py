"""A check's verdict on one device, link or site, with the evidence it judged."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.models.common import Category, Severity, Status
from core.models.remediation import RemediationBlock


class Finding(BaseModel):
    """One rule outcome; the JSON keys follow CONTRACT.md."""

    id: str
    title: str
    severity: Severity
    category: Category
    status: Status
    message: str = ""
    evidence: str = ""
    remediation: str = ""
    fix: RemediationBlock | None = None  # the device-specific fix behind ``remediation``, when one was rendered
    rationale: str = ""
    device: str | None = None
    link: str | None = None
    compared: dict[str, str] = Field(
        default_factory=dict, description="cross-site rules: site -> the value this finding compared"
    )

    @property
    def failed(self) -> bool:
        """True for a fail or warn: something the customer must act on."""
        return self.status in (Status.FAIL, Status.WARN)
