"""A STAMP session-reflector (RFC 8762, stateful) with the RFC 8972 Class-of-Service TLV.

Stateful: each session (source address, source port, SSID) gets its own reflector sequence
number, so the sender can tell upstream from downstream loss. Class of Service: the reflected
packet is sent with the DSCP the sender asked for (DSCP1), and reports the DSCP and ECN it
arrived with (DSCP2, ECN). Unknown TLVs come back with the U flag. Safety: per-source packet and
byte budgets before any parsing, a bounded session table, and never an answer larger than its
request (STAMP is symmetric: the answer is padded to the request's size, never beyond).
With a key only authenticated-mode packets with a valid HMAC are answered.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass

from core.service_ports import STAMP_PORT
from reflector.admission import Admitter
from wire.sockio import Datagram, enable_ancillary, receive, send
from wire.stamp import (
    FLAG_UNRECOGNIZED,
    TLV_CLASS_OF_SERVICE,
    TLV_EXTRA_PADDING,
    ReflectedPacket,
    SenderPacket,
    StampError,
    Tlv,
    class_of_service,
    ntp_from_ns,
    pack_reflected,
    read_class_of_service,
    unpack_sender,
)

MAX_SESSIONS = 4096
SessionKey = tuple[str, int, int]


@dataclass
class StampConfig:
    """Where the reflector listens and its key (None: unauthenticated mode)."""

    binds: list[str]
    port: int = STAMP_PORT
    key: bytes | None = None


@dataclass
class StampCounters:
    """What happened to the datagrams received."""

    answered: int = 0
    refused: int = 0  # over the source's budget
    ignored: int = 0  # not STAMP of our mode, bad HMAC, or an answer that would be larger


class StampReflector:
    """One UDP socket per bound address answering STAMP test packets."""

    def __init__(self, cfg: StampConfig, limiter: Admitter) -> None:
        self.cfg, self.limiter = cfg, limiter
        self.sockets: list[socket.socket] = []
        self.sessions: OrderedDict[SessionKey, int] = OrderedDict()
        self.counters = StampCounters()

    async def start(self) -> None:
        """Bind and start answering (OSError when a port is taken)."""
        loop = asyncio.get_running_loop()
        for addr in self.cfg.binds:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                enable_ancillary(sock, ttl=True)
                sock.bind((addr, self.cfg.port))
            except OSError:
                sock.close()
                self.close()
                raise
            sock.setblocking(False)
            self.sockets.append(sock)
            loop.add_reader(sock.fileno(), self._readable, sock)

    def close(self) -> None:
        """Stop answering."""
        loop = asyncio.get_event_loop()
        for sock in self.sockets:
            loop.remove_reader(sock.fileno())
            sock.close()
        self.sockets.clear()

    def _readable(self, sock: socket.socket) -> None:
        for _ in range(64):  # bounded: one busy socket cannot starve the loop
            try:
                datagram = receive(sock)
            except OSError:
                return
            answer = self.answer(datagram)
            if answer is not None:
                reply, tos = answer
                try:
                    send(sock, reply, datagram.source, tos=tos)
                except OSError:
                    continue

    def answer(self, dg: Datagram) -> tuple[bytes, int] | None:
        """The reflected packet and its TOS byte, or None for silence."""
        if not self.limiter.admit(dg.source[0], len(dg.data), time.monotonic()):
            self.counters.refused += 1
            return None
        try:
            request = unpack_sender(dg.data, self.cfg.key)
        except StampError:
            self.counters.ignored += 1
            return None
        tlvs, tos = self._reflect_tlvs(request, dg.tos or 0)
        reflected = ReflectedPacket(
            seq=self._next_seq((dg.source[0], dg.source[1], request.ssid)),
            timestamp=ntp_from_ns(time.time_ns()),
            receive_timestamp=ntp_from_ns(dg.rx_ns),
            sender_seq=request.seq,
            sender_timestamp=request.timestamp,
            sender_error_estimate=request.error_estimate,
            sender_ttl=dg.ttl if dg.ttl is not None else 255,
            ssid=request.ssid,
            tlvs=tlvs,
        )
        wire = pack_reflected(reflected, self.cfg.key)
        if len(wire) > len(dg.data):
            self.counters.ignored += 1
            return None
        self.counters.answered += 1
        return wire.ljust(len(dg.data), b"\0"), tos

    def _reflect_tlvs(self, request: SenderPacket, received_tos: int) -> tuple[list[Tlv], int]:
        tos = received_tos & ~0x3  # without a CoS TLV: answer with the DSCP received, never ECN bits
        out: list[Tlv] = []
        for tlv in request.tlvs:
            if tlv.type == TLV_CLASS_OF_SERVICE and len(tlv.value) == 4:
                dscp1 = read_class_of_service(tlv)[0]
                out.append(class_of_service(dscp1, received_tos >> 2, received_tos & 0x3))
                tos = dscp1 << 2
            elif tlv.type == TLV_EXTRA_PADDING:
                out.append(tlv)
            else:
                out.append(Tlv(tlv.type, tlv.value, tlv.flags | FLAG_UNRECOGNIZED))
        return out, tos

    def _next_seq(self, key: SessionKey) -> int:
        seq = self.sessions.pop(key, -1) + 1
        self.sessions[key] = seq & 0xFFFFFFFF
        if len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)  # forget the least recently active session
        return seq & 0xFFFFFFFF
