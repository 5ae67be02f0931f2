"""The one probe runner: every probe kind behind one ``run(request) -> result | not assessed``.

    outcome = run_probe(RtpProbe(host="192.0.2.10", duration_s=5))

``assess probe X`` runs its request here in-process; the survey and the monitor run the same
requests through :mod:`collectors.probes.worker` in a bounded child process. A request out of the
probes' hard caps raises ValueError (the caller's bad input); a far end that does not answer is a
not-assessed outcome, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from collectors.probes.requests import (
    BandwidthProbe,
    DscpTraceProbe,
    NatProbe,
    NatPublicPairProbe,
    PortsProbe,
    ProbeKind,
    ProbeNotAssessed,
    ProbeRequest,
    RtpProbe,
    SipAlgProbe,
    SipPathProbe,
    StampProbe,
)
from core.errors import NotAssessedError
from core.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from core.models.stamp import StampResult
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult

ProbeResult = (RtpResult | BandwidthResult | NatResult | SipAlgResult | PortsResult | SignallingResult
               | StampResult | DscpTraceResult)
ProbeOutcome = ProbeResult | ProbeNotAssessed
RESULT_MODEL: dict[ProbeKind, type[ProbeResult]] = {
    "rtp": RtpResult, "bandwidth": BandwidthResult, "nat": NatResult, "nat-public-pair": NatResult,
    "sip-alg": SipAlgResult, "ports": PortsResult, "sip-path": SignallingResult, "stamp": StampResult,
    "dscp-trace": DscpTraceResult,
}
"""The result model each probe kind answers with."""
TRAVERSAL_RESULTS = (NatResult, SipAlgResult, PortsResult, SignallingResult)
"""Results that say themselves when they could not assess (``assessed`` false, with ``reason``)."""

# Each probe's module is imported when that probe runs: a worker process runs one probe, and importing all
# of them (iperf3's library, dnspython, cryptography, scapy) cost ~0.5 s of CPU before the first packet.
RequestT = TypeVar("RequestT", contravariant=True)
ResultT = TypeVar("ResultT", covariant=True)
R = TypeVar("R")


class Probe(Protocol[RequestT, ResultT]):
    """One probe kind: measure what ``request`` asks for."""

    def run(self, request: RequestT) -> ResultT | ProbeNotAssessed:
        """The result, or why the far end could not be measured (ValueError: request out of bounds)."""
        ...


def _caught(measure: Callable[[], R]) -> R | ProbeNotAssessed:
    try:
        return measure()
    except NotAssessedError as exc:
        return ProbeNotAssessed(item=exc.item, reason=exc.reason)


class RtpStream:
    """`rtp`: the paced stream against an `assess reflector`."""

    def run(self, request: RtpProbe) -> RtpResult | ProbeNotAssessed:
        from collectors.probes.rtp import run_rtp_probe

        return _caught(lambda: run_rtp_probe(request))  # ValueError (out of the caps) is not caught


class Bandwidth:
    """`bandwidth`: iperf3 up, down and UDP at the voice load."""

    def run(self, request: BandwidthProbe) -> BandwidthResult | ProbeNotAssessed:
        from collectors.probes.bandwidth import run_bandwidth_probe

        return _caught(lambda: run_bandwidth_probe(request))  # ValueError (out of the caps) is not caught


class NatBehaviour:
    """`nat`: RFC 5780 behaviour discovery and binding lifetime (the search once ``lifetime_turn`` returns)."""

    def __init__(self, lifetime_turn: Callable[[], None] | None = None) -> None:
        self.lifetime_turn = lifetime_turn

    def run(self, request: NatProbe) -> NatResult:
        from collectors.probes.nat_probe import probe_nat

        return probe_nat(request, self.lifetime_turn)


class NatPublicPair:
    """`nat-public-pair`: mapping only, from two binding-only STUN servers."""

    def run(self, request: NatPublicPairProbe) -> NatResult:
        from collectors.probes.nat_public import classify_mapping

        return classify_mapping(list(request.servers), request.timeout_s)


class SipAlg:
    """`sip-alg`: SIP messages through the reflector's SIP echo."""

    def run(self, request: SipAlgProbe) -> SipAlgResult:
        from collectors.probes.sip_alg import probe_sip_alg

        return probe_sip_alg(request)


class Ports:
    """`ports`: UDP and TCP reachability of the sampled ports."""

    def run(self, request: PortsProbe) -> PortsResult:
        from collectors.probes.ports import probe_ports

        return probe_ports(request)


class SipPath:
    """`sip-path`: DNS, OPTIONS and TLS towards the provider's SIP servers."""

    def run(self, request: SipPathProbe) -> SignallingResult:
        from collectors.probes.sip_path import probe_sip_path

        return probe_sip_path(request)


class Stamp:
    """`stamp`: an RFC 8762 session."""

    def run(self, request: StampProbe) -> StampResult | ProbeNotAssessed:
        from collectors.probes.stamp import run_stamp

        return _caught(lambda: run_stamp(request))  # ValueError (out of the caps) is not caught


class DscpTrace:
    """`dscp-trace`: the hop that loses the marking."""

    def run(self, request: DscpTraceProbe) -> DscpTraceResult | ProbeNotAssessed:
        from collectors.probes.dscp_trace import run_dscp_trace

        return _caught(lambda: run_dscp_trace(request))  # ValueError (out of the caps) is not caught


RTP: Probe[RtpProbe, RtpResult] = RtpStream()
BANDWIDTH: Probe[BandwidthProbe, BandwidthResult] = Bandwidth()
NAT: Probe[NatProbe, NatResult] = NatBehaviour()
NAT_PUBLIC_PAIR: Probe[NatPublicPairProbe, NatResult] = NatPublicPair()
SIP_ALG: Probe[SipAlgProbe, SipAlgResult] = SipAlg()
PORTS: Probe[PortsProbe, PortsResult] = Ports()
SIP_PATH: Probe[SipPathProbe, SignallingResult] = SipPath()
STAMP: Probe[StampProbe, StampResult] = Stamp()
DSCP_TRACE: Probe[DscpTraceProbe, DscpTraceResult] = DscpTrace()


def check_request(request: ProbeRequest) -> None:
    """Raise ValueError when ``request`` is outside its probe's hard caps (before anything is sent)."""
    match request:
        case RtpProbe():
            from collectors.probes.rtp import check_rtp

            check_rtp(request)
        case BandwidthProbe():
            from collectors.probes.bandwidth import check_bandwidth

            check_bandwidth(request)
        case StampProbe():
            from collectors.probes.stamp import check_stamp

            check_stamp(request)
        case DscpTraceProbe():
            from collectors.probes.dscp_trace import check_dscp_trace

            check_dscp_trace(request)
        case _:
            pass  # the other probes' bounds are fixed or checked by the request's own fields


def run_probe(request: ProbeRequest, lifetime_turn: Callable[[], None] | None = None) -> ProbeOutcome:
    """Run ``request`` with the probe of its kind; ``lifetime_turn``: see :func:`probe_nat`."""
    match request:
        case RtpProbe():
            return RTP.run(request)
        case BandwidthProbe():
            return BANDWIDTH.run(request)
        case NatProbe():
            return NatBehaviour(lifetime_turn).run(request) if lifetime_turn else NAT.run(request)
        case NatPublicPairProbe():
            return NAT_PUBLIC_PAIR.run(request)
        case SipAlgProbe():
            return SIP_ALG.run(request)
        case PortsProbe():
            return PORTS.run(request)
        case SipPathProbe():
            return SIP_PATH.run(request)
        case StampProbe():
            return STAMP.run(request)
        case DscpTraceProbe():
            return DSCP_TRACE.run(request)


def with_secret(request: ProbeRequest, secret: str | None) -> ProbeRequest:
    """``request`` carrying the shared secret, for the kinds that authenticate to their far end."""
    match request:
        case RtpProbe() | NatProbe() | SipAlgProbe() | PortsProbe() | StampProbe():
            return request.model_copy(update={"secret": secret})
        case _:
            return request


def unassessed_reason(outcome: ProbeOutcome) -> str | None:
    """Why ``outcome`` measured nothing (None: it is a result)."""
    if isinstance(outcome, ProbeNotAssessed):
        return outcome.reason
    if isinstance(outcome, TRAVERSAL_RESULTS) and not outcome.assessed:
        return outcome.reason or "not assessed"
    return None
