"""A STAMP session-reflector written for the tests from RFC 8762 section 4.3, independent of
assess's STAMP code: packets are parsed and built with scapy's STAMP layers
(scapy.contrib.stamp) in unauthenticated mode, and from the RFC's authenticated-mode field
table (section 4.3.2 and 4.4: HMAC-SHA-256 over the first 96 octets, truncated to 16) with
``struct``. It knows no RFC 8972 TLVs (a plain RFC 8762 reflector: it answers the base packet
only), and can run stateless (reflector sequence = sender sequence) or stateful.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from scapy.contrib.stamp import STAMPSessionReflectorTestUnauthenticated, STAMPSessionSenderTestUnauthenticated

NTP_OFFSET = 2_208_988_800


def _ntp_now() -> int:
    now = time.time()
    return (int(now) + NTP_OFFSET) << 32 | int((now % 1) * (1 << 32))


def _unauth_answer(data: bytes, seq: int, rx: int, ttl: int) -> bytes:
    req = STAMPSessionSenderTestUnauthenticated(data[:44])
    ans = STAMPSessionReflectorTestUnauthenticated(
        seq=seq, ssid=req.ssid, seq_sender=req.seq, ttl_sender=ttl, err_estimate=req.err_estimate,
        err_estimate_sender=req.err_estimate)
    raw = bytearray(bytes(ans))
    # timestamps as raw 64-bit NTP (scapy's field types convert to and from floats)
    struct.pack_into("!Q", raw, 4, _ntp_now())
    struct.pack_into("!Q", raw, 16, rx)
    struct.pack_into("!Q", raw, 28, struct.unpack_from("!Q", data, 4)[0])
    return bytes(raw)


def _auth_answer(data: bytes, seq: int, rx: int, ttl: int, key: bytes) -> bytes | None:
    # RFC 8762 4.2.2 (sender): Seq 0-3, MBZ 4-15, Timestamp 16-23, Error Estimate 24-25, MBZ 26-95, HMAC 96-111
    if len(data) < 112 or not hmac.compare_digest(data[96:112], hmac.new(key, data[:96], hashlib.sha256).digest()[:16]):
        return None
    sender_seq, = struct.unpack_from("!I", data, 0)
    sender_ts, err = struct.unpack_from("!QH", data, 16)
    # RFC 8762 4.3.2 (reflector): Seq 0-3, MBZ 4-15, Timestamp 16-23, Error Estimate 24-25, MBZ 26-31,
    # Receive Timestamp 32-39, MBZ 40-47, Sender Seq 48-51, MBZ 52-63, Sender Timestamp 64-71,
    # Sender Error Estimate 72-73, MBZ 74-79, Sender TTL 80, MBZ 81-95, HMAC 96-111
    out = bytearray(96)
    struct.pack_into("!I", out, 0, seq)
    struct.pack_into("!QH", out, 16, _ntp_now(), err)
    struct.pack_into("!Q", out, 32, rx)
    struct.pack_into("!I", out, 48, sender_seq)
    struct.pack_into("!QH", out, 64, sender_ts, err)
    out[80] = ttl
    return bytes(out) + hmac.new(key, bytes(out), hashlib.sha256).digest()[:16]


@contextmanager
def reference_reflector(key: bytes | None = None, stateful: bool = True, drop_up_every: int = 0,
                        drop_down_every: int = 0) -> Iterator[tuple[str, int]]:
    """Serve on 127.0.0.1 (a free port) until the block ends. ``drop_up_every`` N: every Nth
    arriving request is treated as lost before the reflector (not counted); ``drop_down_every``
    N: every Nth counted request is reflected into the void (lost on the way back)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL on Linux (not exported by the socket module)
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        arrivals = counted = 0
        while not stop.is_set():
            try:
                data, anc, _, src = sock.recvmsg(2048, 64)
            except TimeoutError:
                continue
            rx = _ntp_now()
            ttl = next((v[0] for _lvl, kind, v in anc if kind == socket.IP_TTL), 255)
            arrivals += 1
            if drop_up_every and arrivals % drop_up_every == 0:
                continue
            seq = counted if stateful else struct.unpack_from("!I", data, 0)[0]
            counted += 1
            answer = _auth_answer(data, seq, rx, ttl, key) if key else _unauth_answer(data, seq, rx, ttl)
            if answer is None or (drop_down_every and counted % drop_down_every == 0):
                continue
            sock.sendto(answer, src)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()
    finally:
        stop.set()
        thread.join(2)
        sock.close()
