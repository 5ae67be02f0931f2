"""Wire format shared by `assess reflector` and the probes (see docs/reflector-protocol.md).

Two kinds of datagram arrive on the reflector's port:

* media: a real RTP v2 packet (first byte 0x80..0xBF) whose payload starts with a kind byte
  (PROBE from the probe, ECHO back) and ends, when a secret is in use, with an 8-byte tag;
* control: ``b"ASR1"`` + type + flags + reserved + session id, a body, and a 16-byte tag when
  authenticated. Control types below 0x40 belong to the core; other modules register more.

Tags are HMAC-SHA256 truncated, over everything before the tag. HELLO is keyed with the shared
secret; everything in a session with a per-session key derived from both sides' nonces, so a
packet recorded in one session is worthless in another, and per-session sequence checks reject
replays within a session.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

RTP_HEADER = struct.Struct("!BBHII")  # v/p/x/cc, m/pt, sequence, timestamp, ssrc
CONTROL_HEADER = struct.Struct("!4sBBHI")  # magic, type, flags, reserved, session id
MAGIC = b"ASR1"
MEDIA_TAG_LEN = 8
CONTROL_TAG_LEN = 16
FLAG_AUTH = 0x01

KIND_PROBE = 0x11
KIND_ECHO = 0x12
DSCP_COPY = 0xFF  # "echo with the DSCP you received"
DSCP_UNKNOWN = 0xFF

# Control message types (core). Extension modules use 0x40..0xFF.
HELLO = 0x01
HELLO_ACK = 0x02
STATS_REQ = 0x03
STATS_RESP = 0x04
HELLO_RETRY = 0x05  # "come back with this cookie": the answer to a HELLO without a valid one
COOKIE_LEN = 16  # the cookie follows the HELLO body (inside its padding) when the probe returns it

ECHO_FIELDS = struct.Struct("!BBHII")  # kind, dscp received, original seq, reflector rx µs, reflector tx µs
PROBE_FIELDS = struct.Struct("!BBI")  # kind, DSCP requested for the echo, send time µs mod 2^32
MIN_MEDIA_PAYLOAD = ECHO_FIELDS.size + MEDIA_TAG_LEN  # 20 bytes: fits a G.729 20 ms frame

HELLO_BODY = struct.Struct("!8sHIIII")  # client nonce, first seq, first ts, clock rate, ptime µs, max packets
HELLO_SIZE = 96  # HELLO is padded so that no answer to it can be larger
HELLO_ACK_BODY = struct.Struct("!8sII")  # server nonce, max packets granted, new session id
STATS_REQ_BODY = struct.Struct("!II")  # request sequence (strictly increasing), bitmap byte offset
STATS_RESP_BODY = struct.Struct("!IIIIIIIIBBBBIIH")
# request seq, received, duplicates, reordered, jitter mean/p95/max/last (µs), dscp first/last/mode/distinct,
# highest index, bitmap offset, bitmap length; then the bitmap bytes.
STATS_REQ_SIZE = 1200  # padded to the largest answer; the answer's bitmap is cut to fit

U32 = 0xFFFFFFFF


class ProtocolError(ValueError):
    """A datagram that is not well formed: the reflector drops it silently."""


def tag(key: bytes, data: bytes, length: int) -> bytes:
    """Truncated HMAC-SHA256 of ``data``."""
    return hmac.new(key, data, hashlib.sha256).digest()[:length]


def sign(key: bytes | None, data: bytes, length: int) -> bytes:
    """``data`` with its tag appended (unchanged when there is no key)."""
    return data if key is None else data + tag(key, data, length)


def verify(key: bytes | None, data: bytes, length: int) -> bytes:
    """``data`` without its tag; raise ProtocolError when the tag is wrong."""
    if key is None:
        return data
    if len(data) <= length:
        raise ProtocolError("too short for a tag")
    body, got = data[:-length], data[-length:]
    if not hmac.compare_digest(tag(key, body, length), got):
        raise ProtocolError("bad authenticator")
    return body


def session_key(secret: bytes, client_nonce: bytes, server_nonce: bytes, session_id: int) -> bytes:
    """Per-session key: a packet from one session cannot be replayed into another."""
    material = b"assess-session-v1" + client_nonce + server_nonce + session_id.to_bytes(4, "big")
    return hmac.new(secret, material, hashlib.sha256).digest()


def is_media(data: bytes) -> bool:
    """RTP version 2 (0b10 in the top bits of the first byte)."""
    return len(data) >= RTP_HEADER.size and data[0] >> 6 == 2


def is_control(data: bytes) -> bool:
    """Starts with the control magic."""
    return data[:4] == MAGIC and len(data) >= CONTROL_HEADER.size


@dataclass(frozen=True, slots=True)
class Rtp:
    """The fields of an RTP header the probe and reflector use."""

    payload_type: int
    seq: int
    timestamp: int
    ssrc: int

    def pack(self) -> bytes:
        """12-byte RTP header, version 2, no padding/extension/CSRC, marker clear."""
        return RTP_HEADER.pack(0x80, self.payload_type & 0x7F, self.seq & 0xFFFF, self.timestamp & U32, self.ssrc)

    @classmethod
    def unpack(cls, data: bytes) -> Rtp:
        """Parse the first 12 bytes."""
        if len(data) < RTP_HEADER.size:
            raise ProtocolError("short RTP header")
        vpxcc, mpt, seq, ts, ssrc = RTP_HEADER.unpack_from(data)
        if vpxcc >> 6 != 2 or vpxcc & 0x3F:
            raise ProtocolError("not a plain RTP v2 header")
        return cls(mpt & 0x7F, seq, ts, ssrc)


@dataclass(frozen=True, slots=True)
class Echo:
    """The reflector's answer to one probe packet."""

    rtp: Rtp
    dscp_received: int
    orig_seq: int
    rx_us: int
    tx_us: int


def build_probe(rtp: Rtp, dscp_request: int, payload_len: int, key: bytes | None, send_us: int = 0) -> bytes:
    """A probe packet of exactly 12 + ``payload_len`` bytes, stamped with its send time."""
    payload_len = max(payload_len, MIN_MEDIA_PAYLOAD)
    body = PROBE_FIELDS.pack(KIND_PROBE, dscp_request, send_us & U32)
    pad = payload_len - len(body) - (MEDIA_TAG_LEN if key is not None else 0)
    return sign(key, rtp.pack() + body + bytes(pad), MEDIA_TAG_LEN)


def parse_probe(data: bytes, key: bytes | None) -> tuple[Rtp, int, int]:
    """(RTP header, requested DSCP, send time µs) of an authenticated probe packet."""
    body = verify(key, data, MEDIA_TAG_LEN)
    rtp = Rtp.unpack(body)
    if len(data) < RTP_HEADER.size + MIN_MEDIA_PAYLOAD:
        raise ProtocolError("probe payload too short")
    kind, dscp, send_us = PROBE_FIELDS.unpack_from(body, RTP_HEADER.size)
    if kind != KIND_PROBE or (dscp > 63 and dscp != DSCP_COPY):
        raise ProtocolError("not a probe")
    return rtp, dscp, send_us


def build_echo(echo: Echo, size: int, key: bytes | None) -> bytes:
    """An echo of exactly ``size`` bytes (the size of the probe it answers)."""
    fields = ECHO_FIELDS.pack(
        KIND_ECHO, echo.dscp_received & 0xFF, echo.orig_seq & 0xFFFF, echo.rx_us & U32, echo.tx_us & U32
    )
    head = echo.rtp.pack() + fields
    pad = size - len(head) - (MEDIA_TAG_LEN if key is not None else 0)
    if pad < 0:
        raise ProtocolError("request too small for an echo")
    return sign(key, head + bytes(pad), MEDIA_TAG_LEN)


def parse_echo(data: bytes, key: bytes | None) -> Echo:
    """Parse (and authenticate) an echo."""
    body = verify(key, data, MEDIA_TAG_LEN)
    rtp = Rtp.unpack(body)
    if len(body) < RTP_HEADER.size + ECHO_FIELDS.size:
        raise ProtocolError("short echo")
    kind, dscp, orig, rx_us, tx_us = ECHO_FIELDS.unpack_from(body, RTP_HEADER.size)
    if kind != KIND_ECHO:
        raise ProtocolError("not an echo")
    return Echo(rtp, dscp, orig, rx_us, tx_us)


@dataclass(frozen=True, slots=True)
class Control:
    """A control message: its type, session and body (tag already checked and removed)."""

    type: int
    session_id: int
    body: bytes
    authenticated: bool


def build_control(msg_type: int, session_id: int, body: bytes, key: bytes | None, size: int | None = None) -> bytes:
    """Frame (pad to ``size`` when given) and sign a control message."""
    flags = FLAG_AUTH if key is not None else 0
    head = CONTROL_HEADER.pack(MAGIC, msg_type, flags, 0, session_id)
    data = head + body
    if size is not None:
        data += bytes(max(size - len(data) - (CONTROL_TAG_LEN if key is not None else 0), 0))
    return sign(key, data, CONTROL_TAG_LEN)


def peek_control(data: bytes) -> tuple[int, int, int]:
    """(type, flags, session id) of a control message, before authentication."""
    if not is_control(data):
        raise ProtocolError("not a control message")
    _, msg_type, flags, _, session_id = CONTROL_HEADER.unpack_from(data)
    return msg_type, flags, session_id


def parse_control(data: bytes, key: bytes | None) -> Control:
    """Authenticate and split a control message."""
    msg_type, flags, session_id = peek_control(data)
    if key is not None and not flags & FLAG_AUTH:
        raise ProtocolError("unauthenticated control message")
    body = verify(key if flags & FLAG_AUTH else None, data, CONTROL_TAG_LEN)
    return Control(msg_type, session_id, body[CONTROL_HEADER.size :], bool(flags & FLAG_AUTH))


@dataclass(frozen=True, slots=True)
class Hello:
    """What a probe announces when it opens a session."""

    client_nonce: bytes
    first_seq: int
    first_ts: int
    clock_rate: int
    ptime_us: int
    max_packets: int

    def pack(self) -> bytes:
        """Body bytes."""
        return HELLO_BODY.pack(
            self.client_nonce, self.first_seq, self.first_ts, self.clock_rate, self.ptime_us, self.max_packets
        )

    @classmethod
    def unpack(cls, body: bytes) -> Hello:
        """Parse a HELLO body."""
        if len(body) < HELLO_BODY.size:
            raise ProtocolError("short HELLO")
        nonce, seq, ts, rate, ptime, max_packets = HELLO_BODY.unpack_from(body)
        if not 1000 <= rate <= 192_000 or max_packets == 0:
            raise ProtocolError("HELLO out of range")
        return cls(nonce, seq, ts, rate, ptime, max_packets)


@dataclass(frozen=True, slots=True)
class Stats:
    """The reflector's view of a session's upstream stream."""

    request_seq: int
    received: int
    duplicates: int
    reordered: int
    jitter_mean_us: int
    jitter_p95_us: int
    jitter_max_us: int
    jitter_last_us: int
    dscp_first: int
    dscp_last: int
    dscp_mode: int
    dscp_distinct: int
    highest_index: int
    bitmap_offset: int
    bitmap: bytes

    def pack(self) -> bytes:
        """Body bytes (fixed part + bitmap slice)."""
        return (
            STATS_RESP_BODY.pack(
                self.request_seq,
                self.received,
                self.duplicates,
                self.reordered,
                self.jitter_mean_us,
                self.jitter_p95_us,
                self.jitter_max_us,
                self.jitter_last_us,
                self.dscp_first,
                self.dscp_last,
                self.dscp_mode,
                self.dscp_distinct,
                self.highest_index,
                self.bitmap_offset,
                len(self.bitmap),
            )
            + self.bitmap
        )

    @classmethod
    def unpack(cls, body: bytes) -> Stats:
        """Parse a STATS_RESP body."""
        if len(body) < STATS_RESP_BODY.size:
            raise ProtocolError("short STATS_RESP")
        f = STATS_RESP_BODY.unpack_from(body)
        bitmap = body[STATS_RESP_BODY.size : STATS_RESP_BODY.size + f[14]]
        return cls(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], bitmap)


def stats_overhead(authenticated: bool) -> int:
    """Bytes of a STATS_RESP that are not bitmap."""
    return CONTROL_HEADER.size + STATS_RESP_BODY.size + (CONTROL_TAG_LEN if authenticated else 0)
