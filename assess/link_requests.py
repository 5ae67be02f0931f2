"""The probe requests of one WAN link, built from the plan in one place.

:func:`link_requests` turns a link, its site's voice settings and the run's bounds into the typed
requests the survey (and the monitor) hand to the probe worker, one per result field of
:class:`~core.models.site.LinkProbes`, each with why it cannot run when the plan lacks its far end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assess.farend.precheck import FarendChecks
from collectors.probes.bandwidth import MAX_RATE_MBPS
from collectors.probes.port_list import expand
from collectors.probes.requests import (
    BandwidthProbe,
    DscpTraceProbe,
    NatProbe,
    NatPublicPairProbe,
    PortsProbe,
    ProbeRequest,
    RtpProbe,
    SipAlgProbe,
    SipPathProbe,
    StampProbe,
    default_of,
)
from collectors.probes.target import split_host_port
from core.dscp import dscp_value
from core.errors import UserError
from core.plan import Endpoint, Link, Voice
from core.service_ports import SIP_PORT, SIP_PORTS

LinkField = Literal["rtp", "bandwidth", "nat", "sip_alg", "ports", "sip_path"]
"""The result fields of a link the survey fills, in the order its not-assessed items are listed."""

NO_ENDPOINT = "no far-end endpoint for this probe in the plan"
NO_SIP_DOMAIN = "no voice.sip_domain in the plan"
# A plan's endpoint without a port: the port its probe's request model defaults to.
REFLECTOR_PORT = default_of(RtpProbe, "port")
IPERF3_PORT = default_of(BandwidthProbe, "port")
STUN_PORT = default_of(NatProbe, "port")
DNS_PORT = default_of(SipPathProbe, "dns_port")
SIP_PATH_TIME_LIMIT_S = 180.0  # DNS plus up to 16 targets x 4 addresses, 2 s each, in practice a few seconds


@dataclass(frozen=True)
class LinkProbeOptions:
    """Bounds and secrets for the live link probes."""

    rtp_duration_s: float = 30.0
    bandwidth_duration_s: float = default_of(BandwidthProbe, "duration_s")
    nat_lifetime_cap_s: float = default_of(NatProbe, "lifetime_cap_s")
    secret: str | None = None
    farend_checks: FarendChecks | None = field(default_factory=FarendChecks, compare=False)  # None: no check


@dataclass(frozen=True)
class PlannedProbe:
    """One probe of a link: the result field it fills and its request, or why the plan cannot run it."""

    field: LinkField
    request: ProbeRequest | None
    cannot_run: str | None = None

    @property
    def label(self) -> str:
        """The probe's name in progress lines and not-assessed items ("sip alg")."""
        return self.field.replace("_", " ")


def bandwidth_cap_mbps(link: Link) -> float:
    """The bandwidth test's rate cap: the larger contract plus 10 %, never above the probe's own ceiling.

    A gigabit link still gets its test (at the ceiling) instead of a request the probe refuses.
    """
    return round(min(max(link.contracted_up_mbps, link.contracted_down_mbps) * 1.1, MAX_RATE_MBPS), 3)


def link_requests(link: Link, voice: Voice, opts: LinkProbeOptions) -> list[PlannedProbe]:
    """Every probe of ``link`` in run order, as the plan and ``opts`` ask for it."""
    refl, iperf = link.reflector, link.iperf3
    if refl is None:
        rtp = sip_alg = ports = None
    else:
        rtp = rtp_request(refl, voice, opts)
        sip_alg = SipAlgProbe(host=refl.host)
        ports = PortsProbe(host=refl.host, udp=expand([(SIP_PORT, SIP_PORT), voice.rtp_ports]),
                           tcp=list(SIP_PORTS) if voice.sip_transport == "tls" else [SIP_PORT],
                           reflector_port=refl.port or REFLECTOR_PORT)
    bandwidth = None if iperf is None else BandwidthProbe(
        host=iperf.host, port=iperf.port or IPERF3_PORT, duration_s=opts.bandwidth_duration_s,
        max_mbps=bandwidth_cap_mbps(link),
        contracted_up_mbps=link.contracted_up_mbps, contracted_down_mbps=link.contracted_down_mbps,
        calls=voice.peak_calls, codec=voice.codec, ptime_ms=voice.ptime_ms)
    return [_needs("rtp", rtp), _needs("bandwidth", bandwidth), nat_request(link, opts),
            _needs("sip_alg", sip_alg), _needs("ports", ports), sip_path_request(link, voice)]


def _needs(fld: LinkField, request: ProbeRequest | None) -> PlannedProbe:
    """The probe, or why not: None means its far end is missing from the plan."""
    if request is None:
        return PlannedProbe(fld, None, NO_ENDPOINT)
    return PlannedProbe(fld, request)


def rtp_request(reflector: Endpoint, voice: Voice, opts: LinkProbeOptions) -> RtpProbe:
    """The stream at the plan's codec, packet time and media marking (the plan holds only valid markings)."""
    return RtpProbe(host=reflector.host, port=reflector.port or REFLECTOR_PORT, codec=voice.codec,
                    ptime_ms=voice.ptime_ms, duration_s=opts.rtp_duration_s, dscp=dscp_value(voice.dscp_media))


def nat_request(link: Link, opts: LinkProbeOptions) -> PlannedProbe:
    """The NAT probe: RFC 5780 against ``stun``, else mapping only from two public ``stun_servers``."""
    if link.stun is None and len(link.stun_servers) == 2:
        first, second = ((e.host, e.port or STUN_PORT) for e in link.stun_servers)
        return PlannedProbe("nat", NatPublicPairProbe(servers=(first, second)))
    stun = link.stun
    return _needs("nat", None if stun is None else NatProbe(
        host=stun.host, port=stun.port or STUN_PORT, lifetime_cap_s=opts.nat_lifetime_cap_s, source=link.source))


def sip_path_request(link: Link, voice: Voice) -> PlannedProbe:
    """The SIP path of the plan's domain, asked of the link's DNS server (none: the probing host's resolver)."""
    if not voice.sip_domain:
        return PlannedProbe("sip_path", None, NO_SIP_DOMAIN)
    try:
        server, port = split_host_port(link.dns_server, DNS_PORT) if link.dns_server else (None, DNS_PORT)
    except UserError as exc:
        return PlannedProbe("sip_path", None, str(exc))
    return PlannedProbe("sip_path", SipPathProbe(domain=voice.sip_domain, dns_server=server, dns_port=port))


def time_limit_s(request: ProbeRequest) -> float:
    """How long a probe process may take before it is stopped: its own bound plus a margin."""
    match request:
        case RtpProbe() | StampProbe():
            return request.duration_s + 30
        case BandwidthProbe():
            return 6 * request.duration_s + 30
        case NatProbe():
            return 2 * request.lifetime_cap_s + 60  # a first search up to the cap, then a refining one
        case NatPublicPairProbe():
            return 30
        case SipAlgProbe() | DscpTraceProbe():
            return 60
        case PortsProbe():
            return 90
        case SipPathProbe():
            return SIP_PATH_TIME_LIMIT_S


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def far_end(request: ProbeRequest) -> str:
    """Where ``request`` goes, as a user would write it."""
    match request:
        case RtpProbe() | BandwidthProbe() | NatProbe() | StampProbe():
            return _host_port(request.host, request.port)
        case NatPublicPairProbe():
            return _host_port(*request.servers[0])
        case SipAlgProbe() | PortsProbe():
            return request.host
        case SipPathProbe():
            return request.domain
        case DscpTraceProbe():
            return request.address
