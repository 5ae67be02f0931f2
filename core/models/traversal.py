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
    source: str | None = Field(default=None, description="the link's source (address or interface) the probe left by")
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
    assessed: bool = True
    reason: str | None = None
    server: str | None = None
    unavailable_udp: list[int] = Field(
        default_factory=list, description="ports the reflector could not open (held by another service); still tested"
    )
    unavailable_tcp: list[int] = Field(default_factory=list)
    blocked_udp_up: list[int] = Field(
        default_factory=list, description="blocked UDP ports whose datagrams never reached the reflector (outbound)"
    )
    blocked_udp_down: list[int] = Field(
        default_factory=list, description="blocked UDP ports that reached the reflector but whose answer was lost"
    )
    blocked_udp_spans: list[list[int]] = Field(
        default_factory=list, description="[first, last] runs of consecutive sampled UDP ports that were all blocked"
    )


class SipTargetCheck(BaseModel):
    """One SIP server found for the domain (SRV target or A fallback) and how it answered."""

    transport: Literal["udp", "tcp", "tls"]
    host: str
    port: int
    priority: int | None = None
    weight: int | None = None
    addresses: list[str] = Field(default_factory=list)
    options_status: int | None = Field(default=None, description="SIP status code answered to OPTIONS")
    options_rtt_ms: float | None = None
    reachable: bool = False
    tls_ok: bool | None = None
    tls_version: str | None = None
    tls_error: str | None = None
    cert_subject: str | None = None
    cert_days_left: int | None = None
    error: str | None = None


class SignallingResult(BaseModel):
    """How phones would find the provider's SIP servers (NAPTR, SRV, A/AAAA) and whether failover works."""

    domain: str
    dns_server: str | None = None
    naptr: list[str] = Field(default_factory=list, description="NAPTR records as text, in order")
    srv_found: bool = False
    targets: list[SipTargetCheck] = Field(default_factory=list)
    single_target: bool = False
    dead_targets: list[str] = Field(default_factory=list, description="host:port/transport that did not answer")
    failover_ready: bool = False
    assessed: bool = True
    reason: str | None = None
    notes: list[str] = Field(default_factory=list)
