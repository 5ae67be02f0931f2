"""How SIP test messages travel to the reflector's SIP echo and back.

The echo returns the bytes it received XOR-masked: an ALG on the way back must not
recognise the echo as SIP (else Linux's nf_nat_sip would translate the public address back
to the private one and hide its own rewrite). Masking keeps the size, so the answer is
never larger than the request. With a shared secret, the message carries an
``X-Assess-Auth`` header (timestamp, nonce, HMAC over the whole message) that ALGs leave alone:
a captured header pasted onto another message does not verify.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time

MASK = 0x5A
AUTH_HEADER = "X-Assess-Auth"
AUTH_MAX_AGE_S = 120.0
_AUTH_RE = re.compile(rb"(?im)^x-assess-auth[ \t]*:[ \t]*(\d{1,12})\.([0-9a-f]{16})\.([0-9a-f]{32})[ \t]*\r?\n")
_NUMBERS = re.compile(rb"[0-9.]+")


def mask(data: bytes) -> bytes:
    """XOR every byte with MASK (its own inverse)."""
    return bytes(b ^ MASK for b in data)


def _canonical(message: bytes) -> bytes:
    # An ALG rewrites addresses, ports and so Content-Length: only digits and dots change. Runs of
    # them are folded so the MAC survives that, and every other byte of the message is covered.
    return _NUMBERS.sub(b"#", message)


def _mac(secret: bytes, stamp: str, nonce: str, message: bytes) -> str:
    material = f"{stamp}.{nonce}.".encode() + _canonical(message)
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:32]


def sign(message: str, secret: bytes, now: float | None = None) -> str:
    """``message`` with an ``X-Assess-Auth`` line after its start line: time, nonce, HMAC of the whole message."""
    stamp = str(int(now if now is not None else time.time()))
    nonce = os.urandom(8).hex()
    mac = _mac(secret, stamp, nonce, message.encode())
    start, _, rest = message.partition("\r\n")
    return f"{start}\r\n{AUTH_HEADER}: {stamp}.{nonce}.{mac}\r\n{rest}"


def authentic(message: bytes, secret: bytes, now: float | None = None) -> bool:
    """True when ``message`` carries a fresh ``X-Assess-Auth`` line whose HMAC covers the rest of it."""
    match = _AUTH_RE.search(message)
    if match is None:
        return False
    stamp, nonce, mac = (g.decode() for g in match.groups())
    if abs((now if now is not None else time.time()) - int(stamp)) > AUTH_MAX_AGE_S:
        return False
    unsigned = message[: match.start()] + message[match.end() :]
    return hmac.compare_digest(_mac(secret, stamp, nonce, unsigned), mac)
