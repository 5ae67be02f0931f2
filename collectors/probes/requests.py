"""What a probe is asked to measure: one typed request per probe kind, and the not-assessed outcome.

The survey builds these from the plan, ``assess probe X`` from its flags; both hand them to the one
probe runner (:mod:`collectors.probes.probe_runner`), the survey through a worker process that reads
a request as JSON. The shared secret never travels in a request's JSON: it is excluded from dumps and
the worker takes it from its environment.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from core.service_ports import DNS_PORT, IPERF3_PORT, REFLECTOR_PORT, SIP_ALT_PORT, SIP_PORT, STAMP_PORT, STUN_PORT

Port = Annotated[int, Field(ge=1, le=65535)]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RtpProbe(_Request):
    """A paced RTP-like stream to an `assess reflector`."""

    kind: Literal["rtp"] = "rtp"
    host: str
    port: Port = REFLECTOR_PORT
    codec: str = "g711"
    ptime_ms: int = 20
    duration_s: float = 10.0
    dscp: int = Field(46, ge=0, le=63)
    jitter_buffer_ms: float = 60.0
    secret: str | None = Field(default=None, exclude=True, repr=False)  # never serialised


class BandwidthProbe(_Request):
    """iperf3 capacity up and down plus UDP loss at the voice load."""

    kind: Literal["bandwidth"] = "bandwidth"
    host: str
    port: Port = IPERF3_PORT
    duration_s: float = 5.0
    max_mbps: float = 100.0
    contracted_up_mbps: float | None = None
    contracted_down_mbps: float | None = None
    force: bool = False
    calls: int = 10
    codec: str = "g711"
    ptime_ms: int = 20


class NatProbe(_Request):
    """RFC 5780 NAT behaviour and binding lifetime against one STUN server (or reflector)."""

    kind: Literal["nat"] = "nat"
    host: str
    port: Port = STUN_PORT
    lifetime_cap_s: float = 300.0
    parallel: int = 8
    timeout_s: float = 1.5
    source: str | None = None  # leave by this local address or interface
    secret: str | None = Field(default=None, exclude=True, repr=False)  # never serialised


class NatPublicPairProbe(_Request):
    """NAT mapping only, from binding requests to two independent STUN servers."""

    kind: Literal["nat-public-pair"] = "nat-public-pair"
    servers: tuple[tuple[str, Port], tuple[str, Port]]
    timeout_s: float = 1.5


class SipAlgProbe(_Request):
    """SIP messages through the reflector's SIP echo, to see what an ALG rewrites."""

    kind: Literal["sip-alg"] = "sip-alg"
    host: str
    port: Port = SIP_PORT
    transport: Literal["udp", "tcp"] = "udp"
    alt_port: Port = SIP_ALT_PORT
    timeout_s: float = 1.5
    secret: str | None = Field(default=None, exclude=True, repr=False)  # never serialised


class PortsProbe(_Request):
    """Reachability of the listed (already sampled) UDP and TCP ports at the reflector."""

    kind: Literal["ports"] = "ports"
    host: str
    udp: list[Port] = Field(default_factory=list)
    tcp: list[Port] = Field(default_factory=list)
    reflector_port: Port = REFLECTOR_PORT
    timeout_s: float = 1.0
    secret: str | None = Field(default=None, exclude=True, repr=False)  # never serialised


class SipPathProbe(_Request):
    """The provider's SIP servers as phones find them in DNS, each asked with OPTIONS."""

    kind: Literal["sip-path"] = "sip-path"
    domain: str
    dns_server: str | None = None  # None: the system's resolver
    dns_port: Port = DNS_PORT
    timeout_s: float = 2.0
    ca_file: str | None = None


class StampProbe(_Request):
    """An RFC 8762 STAMP session against any session-reflector."""

    kind: Literal["stamp"] = "stamp"
    host: str
    port: Port = STAMP_PORT
    duration_s: float = 10.0
    interval_ms: float = 20.0
    dscp: int = Field(46, ge=0, le=63)
    class_of_service: bool = True
    secret: str | None = Field(default=None, exclude=True, repr=False)  # never serialised


class DscpTraceProbe(_Request):
    """One marked UDP packet per TTL, reading the TOS each hop quotes back."""

    kind: Literal["dscp-trace"] = "dscp-trace"
    address: str
    dscp: int = Field(46, ge=0, le=63)
    max_hops: int = 16


ProbeRequest = Annotated[
    RtpProbe | BandwidthProbe | NatProbe | NatPublicPairProbe | SipAlgProbe | PortsProbe | SipPathProbe
    | StampProbe | DscpTraceProbe,
    Field(discriminator="kind"),
]
ProbeKind = Literal["rtp", "bandwidth", "nat", "nat-public-pair", "sip-alg", "ports", "sip-path", "stamp",
                    "dscp-trace"]
PROBE_REQUEST: TypeAdapter[ProbeRequest] = TypeAdapter(ProbeRequest)
"""Reads and writes any request as JSON (``PROBE_REQUEST.validate_json(text)``)."""


def default_of(request: type[BaseModel], name: str) -> Any:
    """The request model's default of field ``name``, written once here for the command line's flags (and their
    ``--help``) and the survey's requests alike.

    >>> default_of(RtpProbe, "port"), default_of(PortsProbe, "udp")
    (5004, [])
    """
    return request.model_fields[name].get_default(call_default_factory=True)


class ProbeNotAssessed(BaseModel):
    """A probe that could not measure (no answer, unreachable far end): the item and why."""

    status: Literal["not_assessed"] = "not_assessed"
    item: str
    reason: str
