"""STAMP test packets (RFC 8762) with RFC 8972 TLVs: the session-sender's and the reflector's.

Both modes are symmetric: 44 bytes unauthenticated, 112 authenticated (HMAC-SHA-256 truncated to
16 bytes over the 96 bytes before it). RFC 8972 turns 2 MBZ bytes after the Error Estimate into
the Session-Sender Identifier (SSID) and lets TLVs follow the base packet; in authenticated mode
an HMAC TLV (over the Sequence Number and the TLVs before it) ends the list. Timestamps are
64-bit NTP (Z bit 0). The HMAC key is the shared secret's bytes (RFC 8762 leaves key
distribution to configuration).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass, field

NTP_UNIX_OFFSET_S = 2_208_988_800  # 1900-01-01 to 1970-01-01
UNAUTH_SIZE = 44
AUTH_SIZE = 112
HMAC_LEN = 16
AUTH_SIGNED = AUTH_SIZE - HMAC_LEN

SENDER_UNAUTH = struct.Struct("!IQHH28x")
REFLECTED_UNAUTH = struct.Struct("!IQHHQIQH2xB3x")
SENDER_AUTH = struct.Struct("!I12xQHH68x")
REFLECTED_AUTH = struct.Struct("!I12xQHH4xQ8xI12xQH6xB15x")
TLV_HEADER = struct.Struct("!BBH")

TLV_EXTRA_PADDING = 1
TLV_CLASS_OF_SERVICE = 4
TLV_HMAC = 8
FLAG_UNRECOGNIZED = 0x80  # U: the reflector does not know this TLV type
FLAG_MALFORMED = 0x40  # M
FLAG_INTEGRITY = 0x20  # I: HMAC check of the TLVs failed
ERROR_ESTIMATE_UNSYNCED = 0x0001  # S=0 (no external sync), Z=0 (NTP format), scale 0, multiplier 1

assert SENDER_UNAUTH.size == REFLECTED_UNAUTH.size == UNAUTH_SIZE
assert SENDER_AUTH.size == REFLECTED_AUTH.size == AUTH_SIGNED


class StampError(ValueError):
    """Not a STAMP test packet of the expected mode (or its HMAC is wrong)."""


@dataclass
class Tlv:
    """One RFC 8972 TLV."""

    type: int
    value: bytes
    flags: int = 0

    def pack(self) -> bytes:
        return TLV_HEADER.pack(self.flags, self.type, len(self.value)) + self.value


@dataclass
class SenderPacket:
    """A session-sender test packet."""

    seq: int
    timestamp: int  # NTP 64-bit
    ssid: int = 0
    error_estimate: int = ERROR_ESTIMATE_UNSYNCED
    tlvs: list[Tlv] = field(default_factory=list)


@dataclass
class ReflectedPacket:
    """A session-reflector test packet."""

    seq: int
    timestamp: int
    receive_timestamp: int
    sender_seq: int
    sender_timestamp: int
    sender_error_estimate: int
    sender_ttl: int
    ssid: int = 0
    error_estimate: int = ERROR_ESTIMATE_UNSYNCED
    tlvs: list[Tlv] = field(default_factory=list)


def ntp_from_ns(unix_ns: int) -> int:
    """64-bit NTP timestamp of a Unix time in nanoseconds."""
    seconds, rest = divmod(unix_ns, 1_000_000_000)
    return ((seconds + NTP_UNIX_OFFSET_S) << 32) | ((rest << 32) // 1_000_000_000)


def ns_from_ntp(ntp: int) -> int:
    """Unix time in nanoseconds of a 64-bit NTP timestamp."""
    return ((ntp >> 32) - NTP_UNIX_OFFSET_S) * 1_000_000_000 + (((ntp & 0xFFFFFFFF) * 1_000_000_000) >> 32)


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()[:HMAC_LEN]


def pack_tlvs(seq: int, tlvs: list[Tlv], key: bytes | None) -> bytes:
    """The TLV list, ending with an HMAC TLV in authenticated mode."""
    body = b"".join(t.pack() for t in tlvs)
    if key is not None and tlvs:
        body += Tlv(TLV_HMAC, _mac(key, struct.pack("!I", seq) + body)).pack()
    return body


def unpack_tlvs(seq: int, data: bytes, key: bytes | None) -> list[Tlv]:
    """TLVs after the base packet (stops at the first that does not fit); the HMAC TLV is checked
    and dropped, and a wrong one raises StampError."""
    tlvs: list[Tlv] = []
    offset = 0
    while offset + TLV_HEADER.size <= len(data):
        flags, kind, length = TLV_HEADER.unpack_from(data, offset)
        end = offset + TLV_HEADER.size + length
        if end > len(data):
            break
        value = data[offset + TLV_HEADER.size : end]
        if kind == TLV_HMAC:
            if key is not None and not hmac.compare_digest(value, _mac(key, struct.pack("!I", seq) + data[:offset])):
                raise StampError("TLV HMAC does not match")
            break
        tlvs.append(Tlv(kind, value, flags))
        offset = end
    return tlvs


def pack_sender(pkt: SenderPacket, key: bytes | None) -> bytes:
    """Wire bytes of a session-sender packet (authenticated mode when ``key`` is given)."""
    tlvs = pack_tlvs(pkt.seq, pkt.tlvs, key)
    if key is None:
        return SENDER_UNAUTH.pack(pkt.seq, pkt.timestamp, pkt.error_estimate, pkt.ssid) + tlvs
    base = SENDER_AUTH.pack(pkt.seq, pkt.timestamp, pkt.error_estimate, pkt.ssid)
    return base + _mac(key, base) + tlvs


def _base(data: bytes, key: bytes | None) -> tuple[bytes, bytes]:
    size = UNAUTH_SIZE if key is None else AUTH_SIZE
    if len(data) < size:
        raise StampError(f"{len(data)} bytes: shorter than a STAMP packet ({size})")
    if key is not None and not hmac.compare_digest(data[AUTH_SIGNED:AUTH_SIZE], _mac(key, data[:AUTH_SIGNED])):
        raise StampError("HMAC does not match")
    return data[:size], data[size:]


def unpack_sender(data: bytes, key: bytes | None) -> SenderPacket:
    """Parse a session-sender packet; StampError when short or (authenticated) not signed with ``key``."""
    base, rest = _base(data, key)
    fmt = SENDER_UNAUTH if key is None else SENDER_AUTH
    seq, ts, err, ssid = fmt.unpack_from(base)
    return SenderPacket(seq, ts, ssid, err, unpack_tlvs(seq, rest, key))


def pack_reflected(pkt: ReflectedPacket, key: bytes | None) -> bytes:
    """Wire bytes of a reflected packet."""
    fields = (pkt.seq, pkt.timestamp, pkt.error_estimate, pkt.ssid, pkt.receive_timestamp, pkt.sender_seq,
              pkt.sender_timestamp, pkt.sender_error_estimate, pkt.sender_ttl)
    tlvs = pack_tlvs(pkt.seq, pkt.tlvs, key)
    if key is None:
        return REFLECTED_UNAUTH.pack(*fields) + tlvs
    base = REFLECTED_AUTH.pack(*fields)
    return base + _mac(key, base) + tlvs


def unpack_reflected(data: bytes, key: bytes | None) -> ReflectedPacket:
    """Parse a reflected packet; StampError when short or (authenticated) not signed with ``key``."""
    base, rest = _base(data, key)
    fmt = REFLECTED_UNAUTH if key is None else REFLECTED_AUTH
    seq, ts, err, ssid, rx, s_seq, s_ts, s_err, s_ttl = fmt.unpack_from(base)
    return ReflectedPacket(seq, ts, rx, s_seq, s_ts, s_err, s_ttl, ssid, err, unpack_tlvs(seq, rest, key))


def class_of_service(dscp1: int, dscp2: int = 0, ecn: int = 0, rp: int = 0) -> Tlv:
    """RFC 8972 Class-of-Service TLV: DSCP1 (wanted on the reflected packet), DSCP2 and ECN (as
    received by the reflector), RP (reverse path: the reflector could not use DSCP1)."""
    word = (dscp1 & 0x3F) << 26 | (dscp2 & 0x3F) << 20 | (ecn & 0x3) << 18 | (rp & 0x3) << 16
    return Tlv(TLV_CLASS_OF_SERVICE, struct.pack("!I", word))


def read_class_of_service(tlv: Tlv) -> tuple[int, int, int, int]:
    """(DSCP1, DSCP2, ECN, RP) of a Class-of-Service TLV."""
    if tlv.type != TLV_CLASS_OF_SERVICE or len(tlv.value) != 4:
        raise StampError("not a Class-of-Service TLV")
    (word,) = struct.unpack("!I", tlv.value)
    return word >> 26 & 0x3F, word >> 20 & 0x3F, word >> 18 & 0x3, word >> 16 & 0x3
