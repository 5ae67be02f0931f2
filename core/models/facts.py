"""Vendor-neutral device facts: what every platform parser produces.

Parsers fill the detailed fields (ports, QoS classes, policies, firewall
rules); the CONTRACT.md summary keys (``voice_vlans``, ``ef_priority`` ...)
are derived from them here, once, for every vendor.

Unlike the other modules, no ``from __future__ import annotations``: pydantic would then read every field's
annotation back from its text (an ``eval`` each, ~80 here) at each start-up of `assess facts` and `assess audit`.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from core.service_ports import SIP_PORTS
from core.voice_qos import ef_priority_egresses

SipAlgState = Literal["enabled", "disabled", "unknown"]
PortMode = Literal["access", "trunk", "routed", "unknown"]
Trust = Literal["none", "dscp", "cos", "phone", "unknown"]
Direction = Literal["input", "output"]
FilterVerdict = Literal["accept", "drop"]


class Vlan(BaseModel):
    """One VLAN defined on a switch."""

    id: int = Field(ge=1, le=4094)
    name: str = ""


class Port(BaseModel):
    """One interface as seen by the audit (switch port, routed WAN, firewall zone port)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    mode: PortMode = "unknown"
    access_vlan: int | None = None
    voice_vlan: int | None = None
    trust: Trust = "unknown"
    trust_device_phone: bool = False
    shutdown: bool = False
    is_wan: bool = False
    nat_side: Literal["inside", "outside"] | None = None
    bandwidth_kbps: int | None = None
    shape_kbps: int | None = None
    poe: bool | None = None
    lldp_med_voice: bool | None = None
    portfast: bool | None = None
    storm_control: bool | None = None
    phone_attached: bool | None = None
    evidence: str = ""


class ClassMatch(BaseModel):
    """A traffic class and what it matches (DSCP names lower-case: ef, cs3, af31 ...)."""

    name: str
    match_dscp: list[str] = Field(default_factory=list)
    match_other: list[str] = Field(default_factory=list)


class PolicyClass(BaseModel):
    """One class inside a QoS policy and the treatment it gets."""

    name: str
    priority: bool = False
    priority_kbps: int | None = None
    priority_pct: float | None = None
    bandwidth_kbps: int | None = None
    bandwidth_pct: float | None = None
    set_dscp: str | None = None
    police_kbps: int | None = None
    shape_kbps: int | None = None
    child_policy: str | None = None


class QosPolicy(BaseModel):
    """A QoS policy (policy-map, Junos scheduler-map, EOS tx-queue set, tc htb tree)."""

    name: str
    classes: list[PolicyClass] = Field(default_factory=list)


class PolicyAttachment(BaseModel):
    """A policy applied to an interface in one direction."""

    interface: str
    direction: Direction
    policy: str


class FirewallRule(BaseModel):
    """A permit/deny rule reduced to what voice cares about."""

    name: str = ""
    action: Literal["permit", "deny"]
    protocol: Literal["udp", "tcp", "any", "other"] = "any"
    sources: list[str] = Field(default_factory=lambda: ["any"])
    destinations: list[str] = Field(default_factory=lambda: ["any"])
    dst_ports: list[tuple[int, int]] = Field(default_factory=list, description="empty = all ports")
    direction: str = ""
    evidence: str = ""

    def permits_udp_port(self, port: int) -> bool:
        """True when this rule permits UDP to ``port``."""
        return self._permits(port, ("udp", "any"))

    def permits_tcp_port(self, port: int) -> bool:
        """True when this rule permits TCP to ``port``."""
        return self._permits(port, ("tcp", "any"))

    def _permits(self, port: int, protocols: tuple[str, ...]) -> bool:
        if self.action != "permit" or self.protocol not in protocols:
            return False
        return not self.dst_ports or any(lo <= port <= hi for lo, hi in self.dst_ports)


class LldpNeighbor(BaseModel):
    """An LLDP/CDP neighbour seen on a local port."""

    local_port: str
    system_name: str = ""
    capabilities: list[str] = Field(default_factory=list)
    is_phone: bool = False


class DeviceFacts(BaseModel):
    """Everything the checks know about one device, whatever its vendor."""

    platform: str
    platform_evidence: str = Field(default="", description="why this platform: detected (and from what) or given")
    hostname: str | None = None
    vendor_os_version: str | None = None
    vlans: list[Vlan] = Field(default_factory=list)
    ports: list[Port] = Field(default_factory=list)
    class_maps: list[ClassMatch] = Field(default_factory=list)
    policies: list[QosPolicy] = Field(default_factory=list)
    attachments: list[PolicyAttachment] = Field(default_factory=list)
    dscp_remarks: list[str] = Field(default_factory=list, description="lines that re-mark DSCP")
    dscp_remarks_all_traffic: list[str] = Field(
        default_factory=list,
        description="the dscp_remarks lines that match every packet their chain sees on its hook: nothing but "
        "interfaces narrows them (iptables/nftables, RouterOS mangle), so they re-mark EF too",
    )
    nat_enabled: bool | None = None
    sip_alg: SipAlgState = "unknown"
    sip_alg_evidence: str = ""
    firewall_rules: list[FirewallRule] = Field(default_factory=list)
    filter_policies: dict[str, FilterVerdict] = Field(
        default_factory=dict,
        description="netfilter filter hook (input, forward, output) -> the verdict of a packet no rule decides: "
        "drop when some base chain on the hook drops by policy, else accept (a hook without a base chain accepts); "
        "empty when no netfilter ruleset was read (other platforms)",
    )
    udp_timeout_s: int | None = None
    sip_timeout_s: int | None = None
    lldp_neighbors: list[LldpNeighbor] = Field(default_factory=list)
    poe_budget_w: float | None = None
    poe_used_w: float | None = None
    qos_config_seen: bool = Field(
        default=False, description="the whole QoS configuration was read: no policies means no QoS, not unknown"
    )
    evidence: dict[str, str] = Field(default_factory=dict, description="fact name -> lines it came from")
    parse_warnings: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def voice_vlans(self) -> list[int]:
        """VLAN ids used as voice VLAN on some port."""
        return sorted({p.voice_vlan for p in self.ports if p.voice_vlan is not None})

    @computed_field  # type: ignore[prop-decorator]
    @property
    def voice_ports(self) -> list[str]:
        """Interfaces that carry a voice VLAN."""
        return [p.name for p in self.ports if p.voice_vlan is not None]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def qos_trust_ports(self) -> list[str]:
        """Interfaces that trust DSCP/CoS or trust a phone."""
        return [p.name for p in self.ports if p.trust in ("dscp", "cos", "phone") or p.trust_device_phone]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def priority_classes(self) -> list[str]:
        """Names of classes given a strict-priority (LLQ) queue."""
        names: list[str] = []
        for policy in self.policies:
            names.extend(c.name for c in policy.classes if c.priority and c.name not in names)
        return names

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ef_priority(self) -> bool | None:
        """Does EF-marked traffic reach a strict-priority queue on some egress? None when no QoS seen."""
        if not self.policies and not self.qos_config_seen:
            return None
        return bool(self.ef_priority_egresses())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rtp_udp_ranges(self) -> list[tuple[int, int]]:
        """UDP port ranges (not only SIP ports) permitted by firewall rules."""
        ranges: list[tuple[int, int]] = []
        for rule in self.firewall_rules:
            if rule.action != "permit" or rule.protocol not in ("udp", "any"):
                continue
            for lo, hi in rule.dst_ports:
                if hi - lo >= 1 and (lo, hi) not in ranges and not set(range(lo, hi + 1)) <= set(SIP_PORTS):
                    ranges.append((lo, hi))
        return sorted(ranges)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sip_ports_open(self) -> list[int]:
        """SIP ports (5060/5061) some rule permits, UDP or TCP."""
        return [
            p
            for p in SIP_PORTS
            if any(r.permits_udp_port(p) or r.permits_tcp_port(p) for r in self.firewall_rules if r.dst_ports)
        ]

    def ef_priority_egresses(self) -> list[str]:
        """Interfaces whose output policy puts EF into a strict-priority class (see :mod:`core.voice_qos`)."""
        return ef_priority_egresses(self)
