"""STUN messages (RFC 5389) with the RFC 5780 behaviour-discovery attributes.

Only what NAT discovery needs: Binding requests with CHANGE-REQUEST, RESPONSE-PORT and
padding, and responses carrying XOR-MAPPED-ADDRESS, OTHER-ADDRESS and RESPONSE-ORIGIN.
Both the probe (client) and the reflector's STUN responder use this module.

>>> req = StunMessage(msg_type=BINDING_REQUEST, change_ip=True, change_port=True)
>>> decode(encode(req)).change_ip
True
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import struct
from dataclasses import dataclass, field

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
BINDING_ERROR = 0x0111

ATTR_MAPPED_ADDRESS = 0x0001
ATTR_CHANGE_REQUEST = 0x0003
ATTR_CHANGED_ADDRESS = 0x0005  # RFC 3489 name of OTHER-ADDRESS, still sent by some servers
ATTR_MESSAGE_INTEGRITY = 0x0008
ATTR_ERROR_CODE = 0x0009
ATTR_XOR_MAPPED_ADDRESS = 0x0020
ATTR_PADDING = 0x0026
ATTR_RESPONSE_PORT = 0x0027
ATTR_SOFTWARE = 0x8022
ATTR_FINGERPRINT = 0x8028
ATTR_RESPONSE_ORIGIN = 0x802B
ATTR_OTHER_ADDRESS = 0x802C

HEADER = struct.Struct("!HHI12s")
# Requests carry this SOFTWARE value as filler: it makes every request larger than any
# answer, which the reflector's STUN responder insists on (no amplification). Not PADDING:
# coturn answers a PADDING request with an MTU-sized response.
PROBE_SOFTWARE = "assess-probe (RFC 5780 behaviour discovery)".ljust(64)
Address = tuple[str, int]


class StunError(ValueError):
    """A datagram that is not a well-formed STUN message."""


@dataclass
class StunMessage:
    """The fields of a Binding request or response that NAT discovery uses."""

    msg_type: int
    transaction_id: bytes = field(default_factory=lambda: os.urandom(12))
    change_ip: bool = False
    change_port: bool = False
    response_port: int | None = None
    padding: int = 0
    mapped: Address | None = None
    other: Address | None = None
    origin: Address | None = None
    error_code: int | None = None
    software: str | None = None
    integrity_ok: bool | None = None
    source: Address | None = None  # where a received message came from (set on receipt)


def _pad4(n: int) -> int:
    return (n + 3) & ~3


def _attr(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (_pad4(len(value)) - len(value))


def _address(kind: int, addr: Address, tid: bytes) -> bytes:
    ip = ipaddress.ip_address(addr[0])
    family = 1 if ip.version == 4 else 2
    port, raw = addr[1], ip.packed
    if kind == ATTR_XOR_MAPPED_ADDRESS:
        port ^= MAGIC_COOKIE >> 16
        key = struct.pack("!I", MAGIC_COOKIE) + tid
        raw = bytes(b ^ k for b, k in zip(raw, key, strict=False))
    return _attr(kind, struct.pack("!BBH", 0, family, port) + raw)


def _parse_address(kind: int, value: bytes, tid: bytes) -> Address:
    if len(value) < 8:
        raise StunError("short address attribute")
    _, family, port = struct.unpack("!BBH", value[:4])
    raw = value[4:8] if family == 1 else value[4:20]
    if kind == ATTR_XOR_MAPPED_ADDRESS:
        port ^= MAGIC_COOKIE >> 16
        key = struct.pack("!I", MAGIC_COOKIE) + tid
        raw = bytes(b ^ k for b, k in zip(raw, key, strict=False))
    return str(ipaddress.ip_address(raw)), port


def _body(msg: StunMessage) -> bytes:
    tid = msg.transaction_id
    parts: list[bytes] = []
    if msg.change_ip or msg.change_port:
        flags = (4 if msg.change_ip else 0) | (2 if msg.change_port else 0)
        parts.append(_attr(ATTR_CHANGE_REQUEST, struct.pack("!I", flags)))
    if msg.response_port is not None:
        parts.append(_attr(ATTR_RESPONSE_PORT, struct.pack("!HH", msg.response_port, 0)))
    if msg.mapped is not None:
        parts.append(_address(ATTR_XOR_MAPPED_ADDRESS, msg.mapped, tid))
    if msg.origin is not None:
        parts.append(_address(ATTR_RESPONSE_ORIGIN, msg.origin, tid))
    if msg.other is not None:
        parts.append(_address(ATTR_OTHER_ADDRESS, msg.other, tid))
    if msg.error_code is not None:
        code = struct.pack("!HBB", 0, msg.error_code // 100, msg.error_code % 100)
        parts.append(_attr(ATTR_ERROR_CODE, code))
    if msg.software:
        parts.append(_attr(ATTR_SOFTWARE, msg.software.encode()))
    if msg.padding:
        # RFC 5780 §7.6: lets a client test large datagrams; the reflector also uses
        # request size to refuse answers larger than the question (no amplification).
        parts.append(_attr(ATTR_PADDING, b"\0" * msg.padding))
    return b"".join(parts)


def encode(msg: StunMessage, secret: bytes | None = None) -> bytes:
    """The wire form of ``msg``; with ``secret`` a MESSAGE-INTEGRITY (HMAC-SHA1) is appended."""
    body = _body(msg)
    if secret is None:
        return HEADER.pack(msg.msg_type, len(body), MAGIC_COOKIE, msg.transaction_id) + body
    # RFC 5389 §15.4: the HMAC covers the header with a length that already counts the MI.
    head = HEADER.pack(msg.msg_type, len(body) + 24, MAGIC_COOKIE, msg.transaction_id)
    mac = hmac.new(secret, head + body, hashlib.sha1).digest()
    return head + body + _attr(ATTR_MESSAGE_INTEGRITY, mac)


def _check_integrity(data: bytes, offset: int, value: bytes, secret: bytes) -> bool:
    head = bytearray(data[: HEADER.size])
    struct.pack_into("!H", head, 2, offset - HEADER.size + 24)
    mac = hmac.new(secret, bytes(head) + data[HEADER.size : offset], hashlib.sha1).digest()
    return hmac.compare_digest(mac, value)


def decode(data: bytes, secret: bytes | None = None) -> StunMessage:
    """Parse a STUN datagram; raises StunError when it is not one."""
    if len(data) < HEADER.size:
        raise StunError("shorter than a STUN header")
    msg_type, length, cookie, tid = HEADER.unpack_from(data)
    if cookie != MAGIC_COOKIE or msg_type & 0xC000 or HEADER.size + length > len(data):
        raise StunError("not a STUN message")
    msg = StunMessage(msg_type=msg_type, transaction_id=tid)
    offset, end = HEADER.size, HEADER.size + length
    while offset + 4 <= end:
        kind, size = struct.unpack_from("!HH", data, offset)
        value = data[offset + 4 : offset + 4 + size]
        if len(value) < size:
            raise StunError("truncated attribute")
        _apply(msg, kind, value)
        if kind == ATTR_MESSAGE_INTEGRITY and secret is not None:
            msg.integrity_ok = _check_integrity(data, offset, value, secret)
        offset += 4 + _pad4(size)
    if secret is not None and msg.integrity_ok is None:
        msg.integrity_ok = False
    return msg


def _apply(msg: StunMessage, kind: int, value: bytes) -> None:
    tid = msg.transaction_id
    if kind == ATTR_CHANGE_REQUEST and len(value) >= 4:
        flags = struct.unpack("!I", value[:4])[0]
        msg.change_ip, msg.change_port = bool(flags & 4), bool(flags & 2)
    elif kind == ATTR_RESPONSE_PORT and len(value) >= 2:
        msg.response_port = struct.unpack("!H", value[:2])[0]
    elif kind == ATTR_XOR_MAPPED_ADDRESS or (kind == ATTR_MAPPED_ADDRESS and msg.mapped is None):
        msg.mapped = _parse_address(kind, value, tid)
    elif kind in (ATTR_OTHER_ADDRESS, ATTR_CHANGED_ADDRESS):
        msg.other = _parse_address(kind, value, tid)
    elif kind == ATTR_RESPONSE_ORIGIN:
        msg.origin = _parse_address(kind, value, tid)
    elif kind == ATTR_ERROR_CODE and len(value) >= 4:
        msg.error_code = value[2] * 100 + value[3]
    elif kind == ATTR_SOFTWARE:
        msg.software = value.decode(errors="replace")
    elif kind == ATTR_PADDING:
        msg.padding = len(value)
