"""RFC 5780 NAT behaviour discovery: mapping, filtering, hairpinning, port preservation.

Each filtering test and the hairpin test use a fresh socket (a new local port, so a new
NAT mapping): a response the NAT blocked leaves a conntrack entry behind, and reusing that
port would make the next test see a collision instead of the NAT's real behaviour (the
failure of RFC 3489 clients described in LAB-NOTES.md).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from collectors.probes.stun_client import transact
from core.models.traversal import NatBehaviour
from wire.stun import (
    BINDING_REQUEST,
    BINDING_SUCCESS,
    PROBE_SOFTWARE,
    Address,
    StunMessage,
    encode,
)


class StunUnreachable(Exception):
    """The STUN server did not answer the first Binding request."""


@dataclass(frozen=True)
class StunTarget:
    """A STUN server and how patiently to ask it."""

    server: Address
    timeout_s: float = 1.5
    tries: int = 3
    secret: bytes | None = None
    source: str | None = None  # the link's own source: a local address, or an interface to leave by

    @property
    def device(self) -> str | None:
        """The interface every socket must leave by, when the source names one (not an address)."""
        if self.source is None:
            return None
        try:
            ipaddress.ip_address(self.source)
        except ValueError:
            return self.source
        return None


@dataclass
class Behaviour:
    """What discovery measured; ``other`` is the server's alternate address and port."""

    local: Address
    public: Address
    other: Address | None
    mapping: NatBehaviour
    filtering: NatBehaviour
    port_preserved: bool
    hairpinning: bool | None
    notes: list[str]


def udp_socket(local_ip: str, device: str | None = None) -> socket.socket:
    """A UDP socket on a new ephemeral port of ``local_ip``, leaving by ``device`` when given (needs root)."""
    family = socket.AF_INET6 if ":" in local_ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        if device:
            # the route of the link's own interface, whatever the main table says (a second WAN link)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
        sock.bind((local_ip, 0))
    except OSError:
        sock.close()
        raise
    return sock


def local_address_towards(server: Address, device: str | None = None) -> str:
    """The source address the kernel picks to reach ``server`` (by ``device`` when given; no packet is sent)."""
    family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        if device:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
        probe.connect(server)
        return str(probe.getsockname()[0])


def source_address(target: StunTarget) -> str:
    """The local address every probe socket binds to: the link's source address, else the kernel's choice."""
    if target.source is not None and target.device is None:
        return target.source
    return local_address_towards(target.server, target.device)


@contextmanager
def fresh_socket(local_ip: str, device: str | None = None) -> Iterator[socket.socket]:
    """A UDP socket on a new ephemeral port of ``local_ip`` (leaving by ``device`` when given)."""
    sock = udp_socket(local_ip, device)
    try:
        yield sock
    finally:
        sock.close()


def ask(
    sock: socket.socket, target: StunTarget, dest: Address, *, change_ip: bool = False, change_port: bool = False
) -> StunMessage | None:
    """One Binding request to ``dest``; None when no success response came back."""
    req = StunMessage(BINDING_REQUEST, change_ip=change_ip, change_port=change_port, software=PROBE_SOFTWARE)
    reply = transact(sock, dest, req, target.timeout_s, target.tries, target.secret)
    if reply is None or reply.msg_type != BINDING_SUCCESS or reply.mapped is None:
        return None
    return reply


def _mapping(sock: socket.socket, target: StunTarget, first: StunMessage, notes: list[str]) -> NatBehaviour:
    """RFC 5780 §4.3: compare the mapped address seen by the primary and alternate addresses."""
    local = sock.getsockname()[:2]
    if first.mapped == (local[0], local[1]):
        return "no-nat"
    if first.other is None:
        notes.append("server sent no OTHER-ADDRESS: it cannot classify mapping or filtering")
        return "unknown"
    server_port = target.server[1]
    second = ask(sock, target, (first.other[0], server_port))
    if second is None:
        notes.append(f"no answer from the server's alternate address {first.other[0]}")
        return "unknown"
    if second.mapped == first.mapped:
        return "endpoint-independent"
    third = ask(sock, target, first.other)
    if third is None:
        notes.append(f"no answer from the server's alternate port {first.other[1]}")
        return "unknown"
    return "address-dependent" if third.mapped == second.mapped else "address-and-port-dependent"


def _answered_from_elsewhere(reply: StunMessage | None, target: StunTarget, change_ip: bool) -> bool:
    """True when a change request was answered from the changed address/port, as asked."""
    if reply is None or reply.source is None:
        return False
    if change_ip:
        return reply.source[0] != target.server[0]
    return reply.source[1] != target.server[1]


def _filtering(local_ip: str, target: StunTarget, notes: list[str]) -> NatBehaviour:
    """RFC 5780 §4.4, each test on its own fresh socket."""
    for change_ip, verdict in ((True, "endpoint-independent"), (False, "address-dependent")):
        with fresh_socket(local_ip, target.device) as sock:
            if ask(sock, target, target.server) is None:
                notes.append("the server stopped answering during the filtering tests")
                return "unknown"
            reply = ask(sock, target, target.server, change_ip=change_ip, change_port=True)
            if reply is not None and not _answered_from_elsewhere(reply, target, change_ip):
                notes.append("the server ignored CHANGE-REQUEST: filtering not classified")
                return "unknown"
            if reply is not None:
                return verdict  # type: ignore[return-value]
    return "address-and-port-dependent"


def hairpinning(local_ip: str, target: StunTarget) -> bool | None:
    """RFC 5780 §4.5: does a packet sent to our own public mapping come back to us?"""
    with fresh_socket(local_ip, target.device) as sock_a, fresh_socket(local_ip, target.device) as sock_b:
        first = ask(sock_a, target, target.server)
        if first is None or first.mapped is None:
            return None
        req = StunMessage(BINDING_REQUEST)
        sock_b.sendto(encode(req), first.mapped)
        sock_a.settimeout(target.timeout_s)
        try:
            while True:
                data, _ = sock_a.recvfrom(2048)
                if req.transaction_id in data:
                    return True
        except (TimeoutError, ConnectionRefusedError):
            return False


def discover(target: StunTarget, check_hairpin: bool = True) -> Behaviour:
    """Classify the NAT between this host and ``target``; raises StunUnreachable if silent."""
    local_ip = source_address(target)
    notes: list[str] = []
    with fresh_socket(local_ip, target.device) as sock:
        first = ask(sock, target, target.server)
        if first is None or first.mapped is None:
            raise StunUnreachable(f"no STUN answer from {target.server[0]}:{target.server[1]}")
        local = sock.getsockname()[:2]
        mapping = _mapping(sock, target, first, notes)
    filtering = _filtering(local_ip, target, notes) if first.other or mapping == "no-nat" else "unknown"
    return Behaviour(
        local=(local[0], local[1]),
        public=first.mapped,
        other=first.other,
        mapping=mapping,
        filtering=filtering,
        port_preserved=first.mapped[1] == local[1],
        hairpinning=hairpinning(local_ip, target) if check_hairpin and mapping != "no-nat" else None,
        notes=notes,
    )
