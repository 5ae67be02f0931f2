"""The reflector's NAT and firewall traversal services: STUN (RFC 5780), SIP echo, port answers.

``install`` registers the PORTS_OPEN control handler on the core reflector;
``serve_with_traversal`` runs the STUN responder and the SIP echo next to ``Reflector.serve()``.
A service whose port is taken is skipped with one warning line; the others keep running.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from dataclasses import dataclass

from core.service_ports import SIP_ECHO_PORTS, STUN_PORT
from reflector.port_responder import PortResponder
from reflector.ratelimit import SourceLimiter
from reflector.server import Reflector, Request
from reflector.sip_echo import SipEcho, SipEchoConfig
from reflector.stun_responder import StunConfig, StunResponder
from wire.ports import PORTS_CLOSE, PORTS_CLOSE_ACK, PORTS_OPEN, PORTS_OPEN_ACK, PORTS_SEEN, PORTS_SEEN_ACK


@dataclass(frozen=True)
class TraversalOptions:
    """Ports of the traversal services (0 or empty turns one off)."""

    stun_port: int = STUN_PORT
    sip_ports: tuple[int, ...] = SIP_ECHO_PORTS


def install(reflector: Reflector) -> PortResponder:
    """Register the PORTS_OPEN handler; returns the responder holding the opened ports."""
    responder = PortResponder()

    def ports_open(req: Request) -> bytes | None:
        # Opened ports listen on the address the request reached (or the first bound one).
        local = req.datagram.local_ip or req.reflector.config.binds[0]
        return responder.handle_open(req.control.body, req.datagram.source[0], local)

    def ports_seen(req: Request) -> bytes | None:
        local = req.datagram.local_ip or req.reflector.config.binds[0]
        return responder.handle_seen(req.control.body, req.datagram.source[0], local)

    def ports_close(req: Request) -> bytes | None:
        return responder.handle_close(req.control.body, req.datagram.source[0])

    reflector.register(PORTS_OPEN, PORTS_OPEN_ACK, ports_open)
    reflector.register(PORTS_CLOSE, PORTS_CLOSE_ACK, ports_close)
    reflector.register(PORTS_SEEN, PORTS_SEEN_ACK, ports_seen)
    return responder


async def _start(name: str, service: StunResponder | SipEcho) -> bool:
    try:
        await service.start()
    except OSError as exc:
        print(f"reflector: {name} not started: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


async def serve_with_traversal(reflector: Reflector, ports: PortResponder, opts: TraversalOptions) -> None:
    """Run the core reflector plus the STUN responder and SIP echo until cancelled."""
    cfg = reflector.config
    limiter = SourceLimiter(cfg.limits)  # the traversal services share one budget per source
    services: list[StunResponder | SipEcho] = []
    if opts.stun_port:
        stun = StunResponder(StunConfig(binds=cfg.binds, port=opts.stun_port, secret=reflector.secret), limiter)
        if await _start(f"STUN on UDP {opts.stun_port}/{opts.stun_port + 1}", stun):
            services.append(stun)
    if opts.sip_ports:
        echo = SipEcho(SipEchoConfig(binds=cfg.binds, ports=opts.sip_ports, secret=reflector.secret), limiter)
        if await _start(f"SIP echo on {'/'.join(map(str, opts.sip_ports))}", echo):
            services.append(echo)
    try:
        await reflector.serve()
    finally:
        for service in services:
            with contextlib.suppress(Exception):
                service.close()
        ports.close()
        await asyncio.sleep(0)
