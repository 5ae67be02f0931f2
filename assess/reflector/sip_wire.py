"""How SIP test messages travel to the reflector's SIP echo and back.

The echo returns the bytes it received XOR-masked: an ALG on the way back must not
recognise the echo as SIP (else Linux's nf_nat_sip would translate the public address back
to the private one and hide its own rewrite). Masking keeps the size, so the answer is
never larger than the request. With a shared secret, the message carries an
``X-Assess-Auth`` header (timestamp, nonce, HMAC) that ALGs leave alone.
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
_AUTH_RE = re.compile(rb"(?im)^x-assess-auth\s*:\s*(\d+)\.([0-9a-f]{16})\.([0-9a-f]{32})\s*$")


def mask(data: bytes) -> bytes:
    """XOR every byte with MASK (its own inverse)."""
    return bytes(b ^ MASK for b in data)


def auth_header(secret: bytes, now: float | None = None) -> str:
    """An ``X-Assess-Auth`` header line proving knowledge of ``secret``."""
    stamp = str(int(now if now is not None else time.time()))
    nonce = os.urandom(8).hex()
    mac = hmac.new(secret, f"{stamp}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{AUTH_HEADER}: {stamp}.{nonce}.{mac}"


def authentic(message: bytes, secret: bytes, now: float | None = None) -> bool:
    """True when ``message`` carries a fresh, valid ``X-Assess-Auth`` header."""
    match = _AUTH_RE.search(message)
    if match is None:
        return False
    stamp, nonce, mac = (g.decode() for g in match.groups())
    if abs((now if now is not None else time.time()) - int(stamp)) > AUTH_MAX_AGE_S:
        return False
    want = hmac.new(secret, f"{stamp}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    return hmac.compare_digest(want, mac)
