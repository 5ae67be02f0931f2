"""Port-opening messages: the probe asks the reflector to listen on sampled UDP/TCP ports for a while.

A PORTS_OPEN control message (inside a session, so authenticated when a secret is set) lists up to
MAX_PORTS_PER_REQUEST ports and a lifetime (at most MAX_LIFETIME_S); PORTS_SEEN asks which UDP ports
received something (tells up from down); PORTS_CLOSE releases them.
"""

from __future__ import annotations

import struct

PORTS_OPEN = 0x50
PORTS_OPEN_ACK = 0x51
PORTS_SEEN = 0x52  # which of these UDP ports received something from me? (tells up from down)
PORTS_SEEN_ACK = 0x53
SEEN_HEAD = struct.Struct("!IH")  # request seq, port count (+ u16 each); the answer: seq, count, bitmap
PROTO_UDP, PROTO_TCP = 17, 6
OPEN_HEAD = struct.Struct("!IBHH")  # request seq, protocol, lifetime s, port count
ACK_HEAD = struct.Struct("!IHH")  # request seq, ports opened, unavailable count (+ u16 each)
MAX_PORTS_PER_REQUEST = 128
MAX_LIFETIME_S = 60
PORTS_CLOSE = 0x54  # release every port I opened (the probe sends it when done)
PORTS_CLOSE_ACK = 0x55
CLOSE_HEAD = struct.Struct("!I")  # request seq; the answer: seq


def pack_open(seq: int, proto: int, lifetime_s: int, ports: list[int]) -> bytes:
    """Body of a PORTS_OPEN request."""
    return OPEN_HEAD.pack(seq, proto, lifetime_s, len(ports)) + struct.pack(f"!{len(ports)}H", *ports)


def pack_seen(seq: int, ports: list[int]) -> bytes:
    """Body of a PORTS_SEEN request."""
    return SEEN_HEAD.pack(seq, len(ports)) + struct.pack(f"!{len(ports)}H", *ports)


def unpack_seen(body: bytes, ports: list[int]) -> list[int]:
    """The ports of ``ports`` that the reflector saw traffic on, from a PORTS_SEEN_ACK body."""
    bitmap = body[SEEN_HEAD.size :]
    return [p for i, p in enumerate(ports) if i // 8 < len(bitmap) and bitmap[i // 8] & (0x80 >> (i % 8))]


def unpack_ack(body: bytes) -> tuple[int, list[int]]:
    """(ports opened, ports unavailable) from a PORTS_OPEN_ACK body."""
    _, opened, n = ACK_HEAD.unpack_from(body)
    return opened, list(struct.unpack_from(f"!{n}H", body, ACK_HEAD.size))
