"""All traversal probes of one WAN link, as a survey runs them from the plan.

    probes = run_traversal(link, plan_voice, LinkProbes(link=link.name), TraversalOptions())

NAT behaviour goes to the link's STUN server (or the reflector's STUN responder), SIP ALG and
ports to the reflector, the signalling path to ``voice.sip_domain``. Each probe returns its
own not-assessed result when its far end is silent; nothing here raises for a dead far end.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectors.probes.nat_probe import DEFAULT_STUN_PORT, NatProbeOptions, probe_nat
from collectors.probes.port_list import expand
from collectors.probes.ports import PortsOptions, probe_ports
from collectors.probes.sip_alg import SipAlgOptions, probe_sip_alg
from collectors.probes.sip_path import SipPathOptions, probe_sip_path
from core.models.site import LinkProbes
from core.plan import Link, Voice


@dataclass(frozen=True)
class TraversalOptions:
    """Bounds and far-end ports (defaults: the reflector's and the RFCs')."""

    lifetime_cap_s: float = 300.0
    timeout_s: float = 1.5
    secret: str | None = None
    reflector_stun_port: int = DEFAULT_STUN_PORT
    sip_port: int = 5060
    sip_alt_port: int = 5062
    reflector_port: int = 5004
    dns_server: str | None = None
    dns_port: int = 53
    use_system_dns: bool = False  # off by default: a lab or demo run must not query real DNS


def run_traversal(link: Link, voice: Voice, probes: LinkProbes, opts: TraversalOptions) -> LinkProbes:
    """``probes`` with nat, sip_alg, ports and sip_path filled in where the plan names a far end."""
    secret = opts.secret.encode() if opts.secret else None
    update: dict[str, object] = {}
    stun = link.stun or link.reflector
    if stun is not None:
        port = stun.port if link.stun is not None and stun.port else opts.reflector_stun_port
        update["nat"] = probe_nat(stun.host, port, NatProbeOptions(timeout_s=opts.timeout_s,
                                                                   lifetime_cap_s=opts.lifetime_cap_s, secret=secret))
    if link.reflector is not None:
        host = link.reflector.host
        transport = "tcp" if voice.sip_transport == "tcp" else "udp"
        update["sip_alg"] = probe_sip_alg(host, opts.sip_port, SipAlgOptions(
            transport=transport, alt_port=opts.sip_alt_port, timeout_s=opts.timeout_s, secret=secret))
        low, high = voice.rtp_ports
        update["ports"] = probe_ports(host, PortsOptions(
            udp=expand([(opts.sip_port, opts.sip_port), (low, high)]), tcp=[opts.sip_port, opts.sip_port + 1],
            reflector_port=link.reflector.port or opts.reflector_port, timeout_s=opts.timeout_s,
            secret=opts.secret))
    if voice.sip_domain and (opts.dns_server or opts.use_system_dns):
        update["sip_path"] = probe_sip_path(voice.sip_domain, SipPathOptions(
            dns_server=opts.dns_server, dns_port=opts.dns_port, timeout_s=opts.timeout_s))
    return probes.model_copy(update=update)
