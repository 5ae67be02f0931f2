"""A minimal RFC 5780 STUN responder so `assess probe nat` works against `assess reflector`.

Listens on PORT and PORT+1 of every bound address. Answers Binding requests with
XOR-MAPPED-ADDRESS, RESPONSE-ORIGIN and (with two addresses) OTHER-ADDRESS; honours
CHANGE-REQUEST (answers from the other address and/or port) and RESPONSE-PORT (answers to
another port of the *same* source address, never to a third party). An answer larger than
its request is not sent, so requests must be padded (the probe pads with SOFTWARE). With a
secret, requests without a valid MESSAGE-INTEGRITY are ignored.
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass

from core.service_ports import STUN_PORT
from reflector.admission import Admitter
from wire.stun import BINDING_REQUEST, BINDING_SUCCESS, StunError, StunMessage, decode, encode

Address = tuple[str, int]


@dataclass
class StunConfig:
    """Addresses (one or two) and the primary port; PORT+1 is the alternate port."""

    binds: list[str]
    port: int = STUN_PORT
    secret: bytes | None = None


class StunResponder:
    """Four sockets (two addresses x two ports) answering Binding requests."""

    def __init__(self, cfg: StunConfig, limiter: Admitter) -> None:
        self.cfg, self.limiter = cfg, limiter
        self.sockets: dict[Address, socket.socket] = {}
        self.answered = 0
        self.refused = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for addr in self.cfg.binds[:2]:
            for port in (self.cfg.port, self.cfg.port + 1):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    sock.bind((addr, port))
                except OSError:
                    sock.close()
                    self.close()
                    raise
                sock.setblocking(False)
                self.sockets[(addr, port)] = sock
                loop.add_reader(sock.fileno(), self._readable, sock, (addr, port))

    def close(self) -> None:
        loop = asyncio.get_event_loop()
        for sock in self.sockets.values():
            loop.remove_reader(sock.fileno())
            sock.close()
        self.sockets.clear()

    def _other(self, local: Address) -> tuple[str | None, int]:
        addrs = self.cfg.binds[:2]
        other_ip = next((a for a in addrs if a != local[0]), None) if len(addrs) > 1 else None
        other_port = self.cfg.port + 1 if local[1] == self.cfg.port else self.cfg.port
        return other_ip, other_port

    def _readable(self, sock: socket.socket, local: Address) -> None:
        for _ in range(64):  # bounded: one busy socket cannot starve the loop
            try:
                data, src = sock.recvfrom(2048)
            except OSError:
                return
            self.handle(data, (src[0], src[1]), local)

    def handle(self, data: bytes, src: Address, local: Address) -> None:
        """Answer one datagram (or stay silent)."""
        if not self.limiter.admit(src[0], len(data), time.monotonic()):
            self.refused += 1
            return
        try:
            req = decode(data, self.cfg.secret)
        except StunError:
            return
        if req.msg_type != BINDING_REQUEST or (self.cfg.secret and not req.integrity_ok):
            return
        other_ip, other_port = self._other(local)
        origin = (other_ip if req.change_ip and other_ip else local[0],
                  other_port if req.change_port else local[1])
        if req.change_ip and other_ip is None:
            return  # cannot honour it; silence is what a client of a one-address server expects
        resp = StunMessage(BINDING_SUCCESS, transaction_id=req.transaction_id, mapped=src, origin=origin,
                           other=(other_ip, other_port) if other_ip else None)
        wire = encode(resp, self.cfg.secret)
        out = self.sockets.get(origin)
        if out is None or len(wire) > len(data):
            self.refused += 1
            return
        dest = (src[0], req.response_port or src[1])
        try:
            out.sendto(wire, dest)
            self.answered += 1
        except OSError:
            return
