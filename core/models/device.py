"""One surveyed device: how it was collected and what was parsed (kept apart from the probe-result models)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.models.facts import DeviceFacts


class DeviceRecord(BaseModel):
    """A device surveyed: how it was collected and what was parsed."""

    name: str
    platform: str
    host: str = ""
    collected_via: str = "offline"
    commands: list[str] = Field(default_factory=list)
    facts: DeviceFacts | None = None
