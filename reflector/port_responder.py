"""Port answers: on request, the reflector listens for a while on the UDP/TCP ports a probe samples.

A PORTS_OPEN control message (inside a session, so authenticated when a secret is set) lists
up to MAX_PORTS_PER_REQUEST ports and a lifetime (at most MAX_LIFETIME_S). The opened ports
answer *only the source address that asked*: UDP datagrams come back masked and the same size
(the same answer as the SIP echo, so 5060 looks alike whichever service holds it); TCP
connections are accepted and closed. Ports already held by another service are reported as
unavailable; the probe still tests them.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from dataclasses import dataclass, field

from reflector.admission import prefix24
from wire.ports import (
    ACK_HEAD,
    CLOSE_HEAD,
    MAX_LIFETIME_S,
    MAX_PORTS_PER_REQUEST,
    OPEN_HEAD,
    PROTO_TCP,
    PROTO_UDP,
    SEEN_HEAD,
)
from wire.sip_signature import mask

MAX_OPEN_TOTAL = 1024
# Shares of the pool: any four sources (or two /24s) together leave room for a fifth at its full share.
MAX_OPEN_PER_SOURCE = 192
MAX_OPEN_PER_PREFIX = 384
MAX_UDP_ANSWER = 512

@dataclass
class _Listener:
    sock: socket.socket
    proto: int
    owner: str
    allowed: set[str] = field(default_factory=set)
    expires: float = 0.0
    seen: set[str] = field(default_factory=set)  # sources whose datagrams arrived


class PortResponder:
    """Holds the opened ports; ``handle_open`` is the reflector control handler's core."""

    def __init__(self) -> None:
        self.listeners: dict[tuple[int, str, int], _Listener] = {}
        self.per_source: dict[str, int] = {}
        self.per_prefix: dict[str, int] = {}

    def handle_open(self, body: bytes, source: str, local_ip: str) -> bytes | None:
        """Open the requested ports for ``source``; returns the ACK body (or None when malformed)."""
        if len(body) < OPEN_HEAD.size:
            return None
        seq, proto, lifetime, count = OPEN_HEAD.unpack_from(body)
        if proto not in (PROTO_UDP, PROTO_TCP) or not 0 < count <= MAX_PORTS_PER_REQUEST:
            return None
        ports = struct.unpack_from(f"!{count}H", body, OPEN_HEAD.size) if len(body) >= OPEN_HEAD.size + 2 * count \
            else ()
        expires = time.monotonic() + min(max(lifetime, 1), MAX_LIFETIME_S)
        opened, unavailable = 0, []
        for port in ports:
            if port == 0 or not self._open(proto, local_ip, port, source, expires):
                unavailable.append(port)
            else:
                opened += 1
        return ACK_HEAD.pack(seq, opened, len(unavailable)) + struct.pack(f"!{len(unavailable)}H", *unavailable)

    def handle_seen(self, body: bytes, source: str, local_ip: str) -> bytes | None:
        """Which requested UDP ports received a datagram from ``source`` (bitmap answer body)."""
        if len(body) < SEEN_HEAD.size:
            return None
        seq, count = SEEN_HEAD.unpack_from(body)
        if not 0 < count <= MAX_PORTS_PER_REQUEST or len(body) < SEEN_HEAD.size + 2 * count:
            return None
        ports = struct.unpack_from(f"!{count}H", body, SEEN_HEAD.size)
        bitmap = bytearray((count + 7) // 8)
        for i, port in enumerate(ports):
            listener = self.listeners.get((PROTO_UDP, local_ip, port))
            if listener is not None and source in listener.seen:
                bitmap[i // 8] |= 0x80 >> (i % 8)
        return SEEN_HEAD.pack(seq, count) + bytes(bitmap)

    def _open(self, proto: int, ip: str, port: int, source: str, expires: float) -> bool:
        key = (proto, ip, port)
        known = self.listeners.get(key)
        if known is not None:
            known.allowed.add(source)
            known.expires = max(known.expires, expires)
            return True
        if (
            len(self.listeners) >= MAX_OPEN_TOTAL
            or self.per_source.get(source, 0) >= MAX_OPEN_PER_SOURCE
            or self.per_prefix.get(prefix24(source), 0) >= MAX_OPEN_PER_PREFIX
        ):
            return False
        kind = socket.SOCK_DGRAM if proto == PROTO_UDP else socket.SOCK_STREAM
        sock = socket.socket(socket.AF_INET, kind)
        try:
            sock.bind((ip, port))
            if proto == PROTO_TCP:
                sock.listen(16)
        except OSError:
            sock.close()
            return False
        sock.setblocking(False)
        listener = _Listener(sock, proto, source, {source}, expires)
        self.listeners[key] = listener
        self.per_source[source] = self.per_source.get(source, 0) + 1
        self.per_prefix[prefix24(source)] = self.per_prefix.get(prefix24(source), 0) + 1
        loop = asyncio.get_running_loop()
        loop.add_reader(sock.fileno(), self._readable, listener)
        loop.call_later(expires - time.monotonic() + 0.05, self._expire, key, source)
        return True

    def _readable(self, listener: _Listener) -> None:
        for _ in range(32):
            try:
                if listener.proto == PROTO_UDP:
                    data, src = listener.sock.recvfrom(2048)
                    if src[0] in listener.allowed and len(data) <= MAX_UDP_ANSWER:
                        listener.seen.add(src[0])
                        listener.sock.sendto(mask(data), src)
                else:
                    conn, _ = listener.sock.accept()
                    conn.close()  # the handshake completing is the answer
            except OSError:
                return

    def _expire(self, key: tuple[int, str, int], source: str) -> None:
        listener = self.listeners.get(key)
        if listener is None:
            return
        if listener.expires > time.monotonic():
            asyncio.get_running_loop().call_later(listener.expires - time.monotonic() + 0.05, self._expire, key,
                                                  source)
            return
        self.close_one(key)

    def handle_close(self, body: bytes, source: str) -> bytes | None:
        """Release the ports ``source`` opened (shared ones stop answering it); the ACK body."""
        if len(body) < CLOSE_HEAD.size:
            return None
        for key, listener in list(self.listeners.items()):
            listener.allowed.discard(source)
            if listener.owner == source or not listener.allowed:
                self.close_one(key)
        return body[: CLOSE_HEAD.size]

    def close_one(self, key: tuple[int, str, int]) -> None:
        """Stop listening on one port and give its place back to its owner's share."""
        listener = self.listeners.pop(key, None)
        if listener is None:
            return
        self.per_source[listener.owner] = max(0, self.per_source.get(listener.owner, 0) - 1)
        prefix = prefix24(listener.owner)
        self.per_prefix[prefix] = max(0, self.per_prefix.get(prefix, 0) - 1)
        with contextlib.suppress(RuntimeError, ValueError):
            asyncio.get_running_loop().remove_reader(listener.sock.fileno())
        listener.sock.close()

    def close(self) -> None:
        for key in list(self.listeners):
            self.close_one(key)
