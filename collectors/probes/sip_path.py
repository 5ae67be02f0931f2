"""`assess probe sip-path`: resolve a SIP domain like a phone, ping every server, check TLS, judge failover."""

from __future__ import annotations

from collections import defaultdict

from collectors.probes.requests import SipPathProbe
from collectors.probes.sip_dns import DnsUnavailable, Target, make_resolver, resolve_sip
from collectors.probes.sip_options import options_tcp, options_udp, tls_context
from core.models.traversal import SignallingResult, SipTargetCheck

MAX_TARGETS = 16
MAX_ADDRESSES = 4


def _check(target: Target, request: SipPathProbe) -> SipTargetCheck:
    check = SipTargetCheck(transport=target.transport, host=target.host, port=target.port,  # type: ignore[arg-type]
                           priority=target.priority, weight=target.weight, addresses=target.addresses)
    if not target.addresses:
        check.error = f"{target.host} has no A/AAAA record"
        return check
    for address in target.addresses[:MAX_ADDRESSES]:
        if target.transport == "udp":
            answer, tls = options_udp(address, target.port, target.host, request.timeout_s), None
        else:
            ctx = tls_context(request.ca_file) if target.transport == "tls" else None
            answer, tls = options_tcp(address, target.port, target.host, request.timeout_s, ctx)
        if tls is not None:
            check.tls_ok, check.tls_version, check.tls_error = tls.ok, tls.version, tls.error
            check.cert_subject, check.cert_days_left = tls.subject, tls.days_left
        check.options_status, check.options_rtt_ms, check.error = answer.status, answer.rtt_ms, answer.error
        if answer.status is not None:
            check.reachable = True
            break
    return check


def _failover(checks: list[SipTargetCheck]) -> bool:
    """True when some transport has live servers on at least two different hosts."""
    live: dict[str, set[str]] = defaultdict(set)
    for c in checks:
        if c.reachable:
            live[c.transport].add(c.host)
    return any(len(hosts) >= 2 for hosts in live.values())


def probe_sip_path(request: SipPathProbe) -> SignallingResult:
    """Resolve the domain (NAPTR → SRV → A/AAAA), OPTIONS every target, check TLS, judge failover."""
    domain = request.domain
    dns_label = None if request.dns_server is None else f"{request.dns_server}:{request.dns_port}"
    resolver = make_resolver(request.dns_server, request.dns_port, request.timeout_s)
    try:
        found = resolve_sip(domain, resolver)
    except DnsUnavailable as exc:
        return SignallingResult(domain=domain, dns_server=dns_label, assessed=False,
                                reason=f"DNS server {dns_label or '(system)'} did not answer: {exc}")
    checks = [_check(t, request) for t in found.targets[:MAX_TARGETS]]
    notes = [] if found.srv_found else ["no SRV records: phones fall back to the domain's A record on 5060"]
    if not checks:
        notes.append(f"{domain} has no NAPTR, SRV or A record: phones cannot find a SIP server")
    hosts = {c.host for c in checks}
    return SignallingResult(
        domain=domain, dns_server=dns_label, naptr=found.naptr, srv_found=found.srv_found, targets=checks,
        single_target=len(hosts) == 1,
        dead_targets=[f"{c.host}:{c.port}/{c.transport}" for c in checks if not c.reachable],
        failover_ready=_failover(checks), notes=notes,
    )
