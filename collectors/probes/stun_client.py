"""One STUN transaction over UDP: send a Binding request (retransmitted) and wait for its answer."""

from __future__ import annotations

import socket
import time

from wire.stun import BINDING_ERROR, BINDING_SUCCESS, Address, StunError, StunMessage, decode, encode


def transact(
    sock: socket.socket,
    server: Address,
    request: StunMessage,
    timeout_s: float = 2.0,
    tries: int = 3,
    secret: bytes | None = None,
) -> StunMessage | None:
    """Send ``request`` (retransmitted up to ``tries`` times) and return the matching response.

    Returns None when nothing matching arrives within ``timeout_s`` in total: in NAT
    discovery a missing answer is a measurement (filtered), not an error.
    """
    wire = encode(request, secret)
    start = time.monotonic()
    for attempt in range(1, tries + 1):
        sock.sendto(wire, server)
        reply = _await(sock, request.transaction_id, start + timeout_s * attempt / tries, secret)
        if reply is not None:
            return reply
    return None


def _await(sock: socket.socket, tid: bytes, until: float, secret: bytes | None) -> StunMessage | None:
    while (left := until - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data, src = sock.recvfrom(2048)
        except (TimeoutError, ConnectionRefusedError):
            # An ICMP port-unreachable surfaces as ECONNREFUSED on Linux: keep waiting
            # for the rest of the slot so one stray error does not end the test early.
            continue
        try:
            reply = decode(data, secret)
        except StunError:
            continue
        if reply.transaction_id == tid and reply.msg_type in (BINDING_SUCCESS, BINDING_ERROR):
            reply.source = (src[0], src[1])
            return reply
    return None
