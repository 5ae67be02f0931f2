"""Resilience of the signalling path: the provider's SIP servers as phones find them, and a live backup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from checks.base import LinkRule, Outcome, SiteContext
from checks.common import unknown
from core.models.common import Category, Severity, Status
from core.plan import Link

if TYPE_CHECKING:
    # Probe-result models appear in annotations only: `assess audit` (config rules) never loads them.
    from core.models.site import LinkProbes
    from core.models.traversal import SignallingResult, SipTargetCheck


def _target_line(t: SipTargetCheck) -> str:
    """One measured server: where, SRV priority/weight, how it answered OPTIONS, its TLS verdict."""
    where = f"{t.transport} {t.host}:{t.port}"
    srv = f"prio {t.priority} weight {t.weight}" if t.priority is not None else "no SRV (A record)"
    if t.reachable:
        answer = f"OPTIONS {t.options_status} in {t.options_rtt_ms} ms"
    else:
        answer = f"DEAD ({t.error or 'no answer'})"
    line = f"{where} {srv} [{', '.join(t.addresses) or 'no address'}]: {answer}"
    if t.tls_ok is not None:
        cert = f"; cert {t.cert_subject}, {t.cert_days_left} days left" if t.cert_subject else ""
        line += f"; TLS {'ok ' + (t.tls_version or '') if t.tls_ok else 'FAIL: ' + (t.tls_error or '')}{cert}"
    return line


def _evidence(sip: SignallingResult) -> str:
    head = f"domain {sip.domain} via DNS {sip.dns_server or '(system resolver)'}; NAPTR {len(sip.naptr)}"
    return "\n".join([head, *(_target_line(t) for t in sip.targets), *sip.notes])


def _tls_problem(t: SipTargetCheck) -> str | None:
    """Why a SIPS server would be refused by a phone that verifies certificates (None: it would not)."""
    if t.tls_ok is False:
        return t.tls_error or "TLS handshake failed"
    if t.cert_days_left is not None and t.cert_days_left < 0:
        return f"certificate expired {-t.cert_days_left} days ago"
    return None


class SipSignallingFailover(LinkRule):
    """The provider's SIP domain resolves to servers that answer, with a live backup.

    What it does:
        Reads the SIP path probe (NAPTR, SRV, A/AAAA as phones resolve them, then a SIP
        OPTIONS to every target): no server answering fails, a listed server that does not
        answer (a dead backup) fails, an invalid, expired or misnamed certificate fails when
        the plan uses TLS, a single server warns.
    Why it matters:
        Phones only fail over to the servers DNS gives them. A backup that is listed but
        dead, or missing, turns a provider incident into an outage at every site; a bad
        certificate stops TLS phones from registering at all.
    Example:
        _sip._udp: sip1 prio 10 -> 200 in 12 ms; sip2 prio 20 -> DEAD (no answer)
    Fix:
        ask the provider to fix or publish the backup server; renew the certificate
    """

    id = "VQ509"
    title = "SIP signalling has a working failover path"
    # High: the fails here (nothing answers, the backup is dead, TLS refused) cost calls on the day;
    # the lesser finding, a single server, is reported as a warning.
    severity = Severity.HIGH
    category = Category.RESILIENCE
    rationale = "Phones can only fail over to SIP servers that DNS lists and that answer."
    remediation = (
        "Ask the provider to publish NAPTR/SRV records with at least two SIP servers on different "
        "hosts (primary and backup priorities), to bring every listed server up (SIP OPTIONS must be answered) "
        "and, for SIP over TLS, to serve a valid certificate naming the SRV target; point the phones at the "
        "SIP domain, not at one server's address. Then re-run 'assess probe sip-path DOMAIN'."
    )

    def check_link(self, link: Link | None, probes: LinkProbes, ctx: SiteContext) -> Iterator[Outcome]:
        sip = probes.sip_path
        if sip is None or not sip.assessed:
            reason = sip.reason if sip is not None and sip.reason else "SIP path probe not run on this link"
            yield unknown(f"SIP signalling path not measured: {reason}")
            return
        yield self._judge(sip, ctx.voice.sip_transport)

    def _judge(self, sip: SignallingResult, transport: str) -> Outcome:
        evidence = _evidence(sip)
        if not sip.targets:
            return Outcome(Status.FAIL, f"{sip.domain} has no SIP server in DNS: phones cannot find one", evidence)
        # Phones use the plan's transport; an A-record fallback (no SRV) is judged as it is.
        used = [t for t in sip.targets if t.transport == transport] or (
            [] if transport == "tls" else sip.targets)
        if not used:
            return Outcome(Status.FAIL, f"plan uses SIP over TLS but {sip.domain} lists no SIPS server", evidence)
        live = [t for t in used if t.reachable]
        if not live:
            return Outcome(Status.FAIL, f"no {transport.upper()} SIP server of {sip.domain} answers OPTIONS",
                           evidence)
        bad_tls = [f"{t.host}:{t.port}: {p}" for t in used if (p := _tls_problem(t))] if transport == "tls" else []
        if bad_tls:
            return Outcome(Status.FAIL, "TLS certificate refused: " + "; ".join(bad_tls), evidence)
        dead = [f"{t.host}:{t.port}/{t.transport}" for t in used if not t.reachable]
        if dead:
            return Outcome(Status.FAIL, f"listed SIP server(s) do not answer, no working failover: {', '.join(dead)}",
                           evidence)
        if len({t.host for t in used}) < 2:
            return Outcome(Status.WARN, f"single SIP server {used[0].host}: no failover path", evidence)
        return Outcome(Status.PASS, f"{len({t.host for t in live})} SIP servers answer: failover path works", evidence)
