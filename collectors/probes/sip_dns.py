"""Find a SIP domain's servers the way phones do (RFC 3263): NAPTR → SRV → A/AAAA.

>>> naptr_transport("SIPS+D2T"), naptr_transport("SIP+D2U"), naptr_transport("E2U+sip")
('tls', 'udp', None)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.rdata
import dns.resolver
from dns.rdtypes.IN.NAPTR import NAPTR
from dns.rdtypes.IN.SRV import SRV

from core.service_ports import SIP_PORT, SIPS_PORT

SRV_NAMES = {"udp": "_sip._udp", "tcp": "_sip._tcp", "tls": "_sips._tcp"}
DEFAULT_PORTS = {"udp": SIP_PORT, "tcp": SIP_PORT, "tls": SIPS_PORT}
"""Where a transport's SIP server listens when DNS gives no port (RFC 3263 section 4.2)."""


class DnsUnavailable(Exception):
    """The DNS server did not answer at all (as opposed to answering 'no such record')."""


@dataclass
class Target:
    """One place to send SIP: transport, SRV target host and port, and its addresses."""

    transport: str
    host: str
    port: int
    priority: int | None = None
    weight: int | None = None
    addresses: list[str] = field(default_factory=list)


@dataclass
class Resolution:
    """What DNS said about the domain."""

    naptr: list[str]
    targets: list[Target]
    srv_found: bool


def naptr_transport(service: str) -> str | None:
    """Transport named by a NAPTR service field (RFC 3263 §4.1), None if not SIP."""
    return {"SIP+D2U": "udp", "SIP+D2T": "tcp", "SIPS+D2T": "tls"}.get(service.upper())


DNS_TRIES = 3  # a stub resolver re-asks after a timeout (glibc: attempts:2); one lost datagram is not a dead server


def make_resolver(server: str | None, port: int = 53, timeout_s: float = 2.0,
                  tries: int = DNS_TRIES) -> dns.resolver.Resolver:
    """A resolver asking ``server``:``port`` (or the system's resolvers when ``server`` is None).

    Each query waits ``timeout_s`` per try and is asked up to ``tries`` times (dnspython re-asks
    the same server after a timeout, with a short back-off, until the lifetime runs out).
    """
    resolver = dns.resolver.Resolver(configure=server is None)
    if server is not None:
        resolver.nameservers = [server]
        resolver.port = port
    resolver.timeout = timeout_s
    resolver.lifetime = timeout_s * tries + 0.1 * (2 ** (tries - 1) - 1) + 0.05  # + back-offs 0.1, 0.2, ...
    return resolver


def _query(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> list[dns.rdata.Rdata]:
    try:
        return list(resolver.resolve(name, rdtype))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
        # NoNameservers: the server answered, with REFUSED or SERVFAIL: no usable record.
        return []
    except dns.exception.Timeout as exc:
        raise DnsUnavailable(str(exc)) from exc


def _addresses(resolver: dns.resolver.Resolver, host: str) -> list[str]:
    return [r.to_text() for kind in ("A", "AAAA") for r in _query(resolver, host, kind)]


def _srv_names(resolver: dns.resolver.Resolver, domain: str) -> tuple[list[str], list[tuple[str, str]]]:
    """NAPTR records as text and the (transport, SRV name) pairs to look up, in NAPTR order."""
    naptrs = [r for r in _query(resolver, domain, "NAPTR") if isinstance(r, NAPTR)]
    records = sorted(naptrs, key=lambda r: (r.order, r.preference))
    text = [r.to_text() for r in records]
    names = [(t, r.replacement.to_text().rstrip("."))
             for r in records
             if r.flags.decode().lower() == "s" and (t := naptr_transport(r.service.decode())) is not None]
    if not names:  # RFC 3263 §4.1: without NAPTR, try the SRV names for each transport
        names = [(t, f"{prefix}.{domain}") for t, prefix in SRV_NAMES.items()]
    return text, names


def resolve_sip(domain: str, resolver: dns.resolver.Resolver) -> Resolution:
    """All SIP targets of ``domain`` with priority/weight and addresses; A fallback when no SRV."""
    naptr, names = _srv_names(resolver, domain)
    targets: list[Target] = []
    for transport, name in names:
        srvs = [r for r in _query(resolver, name, "SRV") if isinstance(r, SRV)]
        for srv in sorted(srvs, key=lambda r: (r.priority, -r.weight)):
            host = srv.target.to_text().rstrip(".")
            if host:  # "." means "this service is not offered here"
                targets.append(Target(transport, host, srv.port, srv.priority, srv.weight,
                                      _addresses(resolver, host)))
    if targets:
        return Resolution(naptr, targets, srv_found=True)
    addresses = _addresses(resolver, domain)
    fallback = [Target("udp", domain, DEFAULT_PORTS["udp"], addresses=addresses)] if addresses else []
    return Resolution(naptr, fallback, srv_found=False)
