"""`assess probe sip-path`: the provider's SIP servers as phones find them, and failover readiness."""

from __future__ import annotations

import typer

from assess.commands.probe_common import measure
from assess.commands.probe_output import emit
from collectors.probes.requests import SipPathProbe, default_of
from collectors.probes.target import split_host_port
from core.models.traversal import SignallingResult

DNS_PORT = default_of(SipPathProbe, "dns_port")


def sip_path(
    domain: str = typer.Argument(..., help="The provider's SIP domain, e.g. sip.provider.example."),
    dns: str | None = typer.Option(None, "--dns", help="DNS server to ask, SERVER[:PORT] (default: the system's)."),
    timeout: float = typer.Option(default_of(SipPathProbe, "timeout_s"), "--timeout",
        min=0.2, max=10, help="Seconds per DNS query and per server."),
    ca_file: str | None = typer.Option(None, "--ca-file", help="CA bundle to verify SIPS certificates with."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Resolve DOMAIN like a phone (NAPTR, then SRV _sip._udp, _sip._tcp, _sips._tcp, then
    A/AAAA), send SIP OPTIONS to every target and time the answer, check TLS on SIPS targets
    (handshake, certificate trust, name, expiry), and say whether a working backup exists.

    Bounds: at most 16 targets x 4 addresses; one OPTIONS (UDP: 3 sends) per address, each
    waiting at most --timeout; DNS queries time out after --timeout. A DNS server that does not
    answer gives "not assessed" (exit 1).
    """
    server, port = split_host_port(dns, DNS_PORT) if dns else (None, DNS_PORT)
    request = SipPathProbe(domain=domain, dns_server=server, dns_port=port, timeout_s=timeout, ca_file=ca_file)
    result = measure(request, SignallingResult, as_json)
    rows: list[tuple[str, object]] = [("domain", domain), ("NAPTR", len(result.naptr))]
    for t in result.targets:
        state = f"{t.options_status} in {t.options_rtt_ms} ms" if t.reachable else f"DEAD ({t.error})"
        tls = "" if t.tls_ok is None else f", TLS {'ok' if t.tls_ok else 'FAIL: ' + (t.tls_error or '')}"
        rows.append((f"{t.transport} {t.host}:{t.port}", f"prio {t.priority} weight {t.weight}: {state}{tls}"))
    rows += [("single target", result.single_target), ("failover ready", result.failover_ready),
             *(("note", n) for n in result.notes)]
    emit(result, as_json, rows)


def register(app: typer.Typer) -> None:
    """Add `sip-path` to the probe sub-app."""
    app.command("sip-path")(sip_path)
