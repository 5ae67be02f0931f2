"""UDP socket I/O with kernel receive timestamps, the received TOS byte and per-packet TOS on send."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)
IP_TTL = socket.IP_TTL
IP_TOS = socket.IP_TOS
PKTINFO = struct.Struct("=I4s4s")  # ifindex, spec_dst, addr (struct in_pktinfo)
CMSG_SPACE = socket.CMSG_SPACE(16) + 2 * socket.CMSG_SPACE(4) + socket.CMSG_SPACE(PKTINFO.size) + 64


@dataclass(frozen=True, slots=True)
class Datagram:
    """One received datagram with what the kernel told us about it."""

    data: bytes
    source: tuple[str, int]
    rx_ns: int  # CLOCK_REALTIME, kernel timestamp when available
    tos: int | None
    local_ip: str | None  # the destination address it was sent to
    ttl: int | None = None  # the IP TTL on arrival (only when enable_ancillary(ttl=True))


def enable_ancillary(sock: socket.socket, pktinfo: bool = False, ttl: bool = False) -> None:
    """Ask the kernel for receive timestamps and the TOS byte (and the destination address, the TTL)."""
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    if pktinfo:
        sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    if ttl:
        sock.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)


def receive(sock: socket.socket, bufsize: int = 2048) -> Datagram:
    """recvmsg one datagram (raises BlockingIOError / TimeoutError like recv)."""
    data, ancdata, _flags, source = sock.recvmsg(bufsize, CMSG_SPACE)
    rx_ns: int | None = None
    tos: int | None = None
    local_ip: str | None = None
    ttl: int | None = None
    for level, kind, value in ancdata:
        if level == socket.SOL_SOCKET and kind == SCM_TIMESTAMPNS and len(value) >= 16:
            sec, nsec = struct.unpack("=qq", value[:16])
            rx_ns = sec * 1_000_000_000 + nsec
        elif level == socket.IPPROTO_IP and kind == IP_TOS and value:
            tos = value[0]
        elif level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(value) >= PKTINFO.size:
            local_ip = socket.inet_ntoa(PKTINFO.unpack(value[: PKTINFO.size])[2])
        elif level == socket.IPPROTO_IP and kind == IP_TTL and len(value) >= 4:
            ttl = struct.unpack("=i", value[:4])[0]
    rx = rx_ns if rx_ns is not None else time.time_ns()
    return Datagram(data, (source[0], source[1]), rx, tos, local_ip, ttl)


def send(
    sock: socket.socket, data: bytes, dest: tuple[str, int], tos: int | None = None, local_ip: str | None = None
) -> int:
    """sendmsg ``data`` with a per-packet TOS byte and (for wildcard sockets) a source address."""
    cmsgs: list[tuple[int, int, bytes]] = []
    if tos is not None:
        cmsgs.append((socket.IPPROTO_IP, IP_TOS, struct.pack("=i", tos)))
    if local_ip is not None:
        cmsgs.append((socket.IPPROTO_IP, IP_PKTINFO, PKTINFO.pack(0, socket.inet_aton(local_ip), bytes(4))))
    return sock.sendmsg([data], cmsgs, 0, dest)
