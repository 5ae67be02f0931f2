"""A fix rendered for one device from its facts and the site's plan: config, verification, rollback."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# Safe order of the blocks on one device: objects and port settings first, classes before the
# policies that use them, policies before they are attached, a narrow firewall permit before the
# ALG that used to open the pinholes is removed, timeouts last.
Phase = Literal["objects", "ports", "classes", "policies", "attach", "firewall", "alg", "timeouts"]
PHASE_ORDER: tuple[Phase, ...] = ("objects", "ports", "classes", "policies", "attach", "firewall", "alg", "timeouts")
PHASE_TITLES: dict[Phase, str] = {
    "objects": "create objects (VLANs, address lists)",
    "ports": "access-port settings",
    "classes": "traffic classes",
    "policies": "QoS policy",
    "attach": "attach the QoS policy to the interface",
    "firewall": "firewall rules",
    "alg": "SIP ALG",
    "timeouts": "session timeouts",
}

FILL_MARK = "<<FILL: "


class RemediationBlock(BaseModel):
    """One device-specific fix: what to paste, where, how to check it and how to undo it."""

    rule: str
    device: str | None = None
    platform: str
    phase: Phase
    interfaces: list[str] = Field(default_factory=list, description="interfaces the block touches")
    config: str = Field(description="commands to apply, in order")
    verify: str = Field(default="", description="what to run after applying, and what it should show")
    rollback: str = Field(default="", description="commands that undo the block")
    fill_in: list[str] = Field(default_factory=list, description="values the consultant must fill in, one a line")
    warning: str = Field(default="", description="set when applying the block could cut off remote access")
    reference: str = Field(default="", description="vendor reference the template follows")

    @property
    def complete(self) -> bool:
        """True when the block has no placeholder left."""
        return FILL_MARK not in self.config and FILL_MARK not in self.rollback

    def as_text(self) -> str:
        """The block as the audit JSON's ``remediation`` text: config, then what to fill in."""
        lines = [self.config.rstrip()]
        if self.fill_in:
            lines += ["", *(f"FILL IN: {item}" for item in self.fill_in)]
        if self.warning:
            lines += ["", f"WARNING: {self.warning}"]
        return "\n".join(lines)
