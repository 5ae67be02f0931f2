"""Per-hop DSCP trace with scapy: TTL-limited marked UDP probes; each hop's ICMP error quotes the
IP header as that hop received it, so the TOS byte it saw names where marking is lost.
"""

from __future__ import annotations

import os

from collectors.probes.requests import DscpTraceProbe
from core.errors import NotAssessedError
from core.models.probes import DscpHop, DscpTraceResult

BASE_PORT = 33434  # traceroute's ports: closed on the target, so it answers port-unreachable
MAX_HOPS = 30


def _send(target: str, dscp: int, max_hops: int, timeout_s: float) -> list[DscpHop]:
    # scapy is slow to import: only when a trace runs
    from scapy.config import conf
    from scapy.layers.inet import ICMP, IP, UDP, IPerror
    from scapy.sendrecv import sr

    conf.verb = 0
    probes = [
        IP(dst=target, ttl=ttl, tos=dscp << 2)
        / UDP(sport=BASE_PORT + 100, dport=BASE_PORT + ttl)
        / b"assess-dscp-trace"
        for ttl in range(1, max_hops + 1)
    ]
    answered, _ = sr(probes, timeout=timeout_s, verbose=0)
    hops = {ttl: DscpHop(ttl=ttl) for ttl in range(1, max_hops + 1)}
    for sent, reply in answered:
        if ICMP not in reply or IPerror not in reply:
            continue
        icmp = reply[ICMP]
        quoted = reply[IPerror]
        hops[sent.ttl] = DscpHop(
            ttl=sent.ttl, address=reply[IP].src, dscp_received=quoted.tos >> 2, reached_target=icmp.type == 3
        )
    ordered = [hops[t] for t in sorted(hops)]
    last = next((i for i, h in enumerate(ordered) if h.reached_target), len(ordered) - 1)
    return ordered[: last + 1]


def analyse(target: str, dscp: int, hops: list[DscpHop]) -> DscpTraceResult:
    """Find the first hop that received a DSCP other than the one sent."""
    result = DscpTraceResult(target=target, dscp_sent=dscp, hops=hops)
    answered = [h for h in hops if h.dscp_received is not None]
    if not answered:
        result.summary = "no hop answered (ICMP filtered?)"
        return result
    previous: DscpHop | None = None
    for hop in answered:
        if hop.dscp_received != dscp:
            result.preserved = False
            result.first_changed_hop, result.first_changed_address = hop.ttl, hop.address
            result.dscp_seen_after_change = hop.dscp_received
            if previous is not None:
                result.changed_after_hop, result.changed_after_address = previous.ttl, previous.address
                where = f"between hop {previous.ttl} ({previous.address}) and hop {hop.ttl} ({hop.address})"
            else:
                where = f"before hop {hop.ttl} ({hop.address}), i.e. on the first link"
            result.summary = f"DSCP {dscp} is lost {where}: hop {hop.ttl} received DSCP {hop.dscp_received}"
            return result
        previous = hop
    result.preserved = True
    last = answered[-1]
    result.summary = f"DSCP {dscp} preserved up to hop {last.ttl} ({last.address})"
    return result


def check_dscp_trace(request: DscpTraceProbe) -> None:
    """Enforce the hop cap (ValueError with the reason)."""
    if not 1 <= request.max_hops <= MAX_HOPS:
        raise ValueError(f"max hops must be 1-{MAX_HOPS}")


def run_dscp_trace(request: DscpTraceProbe, timeout_s: float = 2.0) -> DscpTraceResult:
    """Trace the request's address; NotAssessedError without root (raw sockets) or when the target is unknown."""
    check_dscp_trace(request)
    target, dscp, max_hops = request.address, request.dscp, request.max_hops
    if os.geteuid() != 0:
        raise NotAssessedError(target, "the DSCP trace needs raw sockets (run as root)")
    try:
        hops = _send(target, dscp, max_hops, timeout_s)
    except OSError as exc:
        raise NotAssessedError(target, f"cannot send trace probes: {exc}") from exc
    return analyse(target, dscp, hops)
