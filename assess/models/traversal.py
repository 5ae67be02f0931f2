"""Results of the NAT and firewall traversal probes (NAT type, SIP ALG, ports)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

NatBehaviour = Literal[
    "endpoint-independent", "address-dependent", "address-and-port-dependent", "no-nat", "unknown"
]


class NatResult(BaseModel):
    """RFC 5780 NAT behaviour discovery and UDP binding lifetime.

    ``binding_lifetime_s`` is the midpoint of the measured bracket and the true lifetime lies
    within ± ``binding_lifetime_resolution_s``; when no binding expired before the cap,
    ``binding_lifetime_s`` is the cap and ``binding_lifetime_at_least`` is true.
    """

    public_address: str | None
    mapping: NatBehaviour
    filtering: NatBehaviour
    binding_lifetime_s: float | None = None
    binding_lifetime_resolution_s: float | None = None
    hairpinning: bool | None = None
    port_preserved: bool | None = None
    assessed: bool = True
    reason: str | None = None
    server: str | None = None
    local_address: str | None = None
    public_port: int | None = None
    firewall_filtering: NatBehaviour | None = None
    binding_lifetime_at_least: bool = False
    binding_lifetime_cap_s: float | None = None
    notes: list[str] = Field(default_factory=list)


class SipMessageCheck(BaseModel):
    """One SIP message sent to the reflector's SIP echo and what came back."""

    name: str
    transport: str
    port: int
    size: int
    answered: bool
    rewritten: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)
    changes: dict[str, list[str | None]] = Field(
        default_factory=dict, description="field -> [sent, received] for rewritten/added/dropped fields"
    )


class SipAlgResult(BaseModel):
    """What a SIP ALG on the path changed in a SIP message sent to the reflector.

    ``sip_alg_detected`` is null only when the probe could not assess (``assessed`` false).
    """

    sip_alg_detected: bool | None
    rewritten: list[str] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)
    transport: str = "udp"
    large_message_ok: bool | None = None
    nonstandard_port_altered: bool | None = None
    assessed: bool = True
    reason: str | None = None
    server: str | None = None
    messages: list[SipMessageCheck] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class PortsResult(BaseModel):
    """Which SIP and RTP ports crossed the NAT/firewall."""

    tested_udp: list[int] = Field(default_factory=list)
    blocked_udp: list[int] = Field(default_factory=list)
    tested_tcp: list[int] = Field(default_factory=list)
    blocked_tcp: list[int] = Field(default_factory=list)
