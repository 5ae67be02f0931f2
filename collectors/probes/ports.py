"""`assess probe ports`: which SIP and RTP ports cross the NAT/firewall, both ways.

The reflector is asked (PORTS_OPEN, inside an authenticated session) to listen on the sampled
ports for a short while. A UDP port counts as reachable when our datagram reached it *and* its
answer came back through the NAT; a TCP port when the handshake completes.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import time

from collectors.probes.port_list import spans
from collectors.probes.reflector_client import ReflectorClient, SessionInfo, new_nonce
from collectors.probes.requests import PortsProbe
from core.errors import NotAssessedError
from core.models.traversal import PortsResult
from wire import reflector_protocol as p
from wire.ports import (
    MAX_LIFETIME_S,
    MAX_PORTS_PER_REQUEST,
    PORTS_CLOSE,
    PORTS_CLOSE_ACK,
    PORTS_OPEN,
    PORTS_OPEN_ACK,
    PORTS_SEEN,
    PORTS_SEEN_ACK,
    PROTO_TCP,
    PROTO_UDP,
    pack_open,
    pack_seen,
    unpack_ack,
    unpack_seen,
)
from wire.sip_signature import mask, sign

TRIES = 3  # rounds of UDP datagrams to the ports not yet answered
RATE_PPS = 200.0  # UDP datagrams a second at the most


def _release(client: ReflectorClient, session: SessionInfo) -> None:
    """Give the opened ports back at once (they would expire anyway): other probes share the pool."""
    body = bytes(4)
    # An old reflector or a lost answer: the ports close at the end of their lifetime anyway.
    with contextlib.suppress(NotAssessedError):
        client.request(PORTS_CLOSE, PORTS_CLOSE_ACK, session.session_id, body, len(body) + 64, session.key, tries=2)


def _open_ports(client: ReflectorClient, session: SessionInfo, proto: int, ports: list[int]) -> list[int]:
    """Ask the reflector to listen on ``ports``; returns those it could not open."""
    unavailable: list[int] = []
    for i in range(0, len(ports), MAX_PORTS_PER_REQUEST):
        chunk = ports[i : i + MAX_PORTS_PER_REQUEST]
        body = pack_open(0, proto, MAX_LIFETIME_S, chunk)
        ack = client.request(PORTS_OPEN, PORTS_OPEN_ACK, session.session_id, body, len(body) + 64, session.key)
        unavailable += unpack_ack(ack.body)[1]
    return unavailable


def _seen(client: ReflectorClient, session: SessionInfo, ports: list[int]) -> list[int]:
    """The UDP ports (among ``ports``) on which the reflector received our datagrams."""
    seen: list[int] = []
    for i in range(0, len(ports), MAX_PORTS_PER_REQUEST):
        chunk = ports[i : i + MAX_PORTS_PER_REQUEST]
        body = pack_seen(0, chunk)
        ack = client.request(PORTS_SEEN, PORTS_SEEN_ACK, session.session_id, body, len(body) + 64, session.key)
        seen += unpack_seen(ack.body, chunk)
    return seen


def _udp_payload(host: str, port: int, nonce: str, secret: str | None) -> bytes:
    # SIP-shaped so the SIP echo on 5060 answers it exactly like the port responder does.
    text = f"OPTIONS sip:port-{port}@{host} SIP/2.0\r\nX-Assess-Port: {port}.{nonce}\r\nContent-Length: 0\r\n\r\n"
    return (sign(text, secret.encode()) if secret else text).encode()


def udp_unanswered(server: str, ports: list[int], opts: PortsProbe) -> list[int]:
    """Ports whose answer never came back (after ``TRIES`` rounds)."""
    nonce = os.urandom(6).hex()
    pending = set(ports)
    gap = 1.0 / RATE_PPS
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _ in range(TRIES):
            for port in sorted(pending):
                sock.sendto(_udp_payload(server, port, nonce, opts.secret), (server, port))
                time.sleep(gap)
                _drain(sock, server, nonce, pending, 0.0)
            _drain(sock, server, nonce, pending, opts.timeout_s)
            if not pending:
                break
    return sorted(pending)


def _drain(sock: socket.socket, server: str, nonce: str, pending: set[int], wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while pending:
        left = deadline - time.monotonic()
        if left > 0:
            sock.settimeout(left)
        else:
            sock.setblocking(False)
        try:
            data, src = sock.recvfrom(2048)
        except (BlockingIOError, TimeoutError):
            return
        except ConnectionRefusedError:
            continue  # an ICMP error for one port says nothing about the others
        if src[0] == server and nonce.encode() in mask(data):
            pending.discard(src[1])


def tcp_unanswered(server: str, ports: list[int], timeout_s: float) -> list[int]:
    """Ports whose TCP handshake did not complete within ``timeout_s`` (all tried at once)."""
    sel = selectors.DefaultSelector()
    blocked: set[int] = set()
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            if sock.connect_ex((server, port)) not in (0, 115):  # 115: EINPROGRESS
                blocked.add(port)
                sock.close()
                continue
            sel.register(sock, selectors.EVENT_WRITE, port)
        deadline = time.monotonic() + timeout_s
        while sel.get_map() and (left := deadline - time.monotonic()) > 0:
            for key, _ in sel.select(left):
                done = key.fileobj
                assert isinstance(done, socket.socket)
                if done.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    blocked.add(key.data)
                sel.unregister(done)
                done.close()
        for key in list(sel.get_map().values()):
            blocked.add(key.data)
            key.fileobj.close()  # type: ignore[union-attr]
    finally:
        sel.close()
    return sorted(blocked)


def probe_ports(opts: PortsProbe) -> PortsResult:
    """Test every port in ``opts.udp`` and ``opts.tcp`` against the reflector at ``opts.host``."""
    host = opts.host
    label = f"{host}:{opts.reflector_port}"
    try:
        client = ReflectorClient(host, opts.reflector_port, opts.secret, timeout_s=opts.timeout_s / 2)
    except NotAssessedError as exc:
        return PortsResult(assessed=False, reason=exc.reason, server=label)
    try:
        return _run(client, label, opts)
    except NotAssessedError as exc:
        return PortsResult(assessed=False, reason=exc.reason, server=label)
    finally:
        client.close()


def _run(client: ReflectorClient, label: str, opts: PortsProbe) -> PortsResult:
    session = client.hello(p.Hello(new_nonce(), 0, 0, 8000, 20_000, 1))
    try:
        unavailable_udp = _open_ports(client, session, PROTO_UDP, opts.udp) if opts.udp else []
        unavailable_tcp = _open_ports(client, session, PROTO_TCP, opts.tcp) if opts.tcp else []
        server = client.address[0]
        blocked_udp = udp_unanswered(server, opts.udp, opts) if opts.udp else []
        blocked_tcp = tcp_unanswered(server, opts.tcp, opts.timeout_s * 2) if opts.tcp else []
        # Direction of each UDP block: did our datagram reach the reflector at all?
        judged = [port for port in blocked_udp if port not in unavailable_udp]
        seen = set(_seen(client, session, judged)) if judged else set()
    finally:
        _release(client, session)
    return PortsResult(
        tested_udp=opts.udp, blocked_udp=blocked_udp, tested_tcp=opts.tcp, blocked_tcp=blocked_tcp,
        server=label, unavailable_udp=unavailable_udp, unavailable_tcp=unavailable_tcp,
        blocked_udp_spans=[list(s) for s in spans(blocked_udp, opts.udp)],
        blocked_udp_up=[port for port in judged if port not in seen],
        blocked_udp_down=[port for port in judged if port in seen],
    )
