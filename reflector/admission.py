"""Admission: the per-source budget every service asks, and the cookie a HELLO must return with."""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from wire.reflector_protocol import COOKIE_LEN


class Admitter(Protocol):
    """A per-source budget, e.g. :class:`reflector.ratelimit.SourceLimiter`."""

    def admit(self, source: str, size: int, now: float) -> bool:
        """True when ``source`` may be answered with ``size`` bytes now."""
        ...


def prefix24(address: str) -> str:
    """The /24 an IPv4 address belongs to (``192.0.2``), the unit of the per-network caps."""
    return address.rsplit(".", 1)[0]


COOKIE_PERIOD_S = 10.0  # a cookie is good for this bucket and the next: 10-20 s to come back
NONCE_MEMORY = 65_536  # client nonces that opened a session recently (a replayed HELLO finds its nonce here)


class HelloCookies:
    """Stateless, address-bound HELLO cookies (as DTLS HelloVerifyRequest / QUIC Retry).

    A HELLO without a valid cookie gets only a cookie back, and no state is kept: the cookie is an
    HMAC of the client's address and port, a time bucket and the HELLO itself under a secret of
    this process. Only a client that receives at its own address can return it, so spoofed or
    replayed HELLOs from elsewhere open nothing. A HELLO that comes back with a valid cookie but a
    client nonce already used (a replay from the same address inside the cookie's life) is refused.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._key = os.urandom(32)
        self._clock = clock
        self._used: OrderedDict[bytes, float] = OrderedDict()

    def _cookie(self, source: tuple[str, int], hello: bytes, bucket: int) -> bytes:
        material = b"assess-cookie-v1" + socket.inet_aton(source[0]) + source[1].to_bytes(2, "big")
        material += bucket.to_bytes(8, "big") + hello
        return hmac.new(self._key, material, hashlib.sha256).digest()[:COOKIE_LEN]

    def issue(self, source: tuple[str, int], hello: bytes) -> bytes:
        """The cookie for a HELLO body ``hello`` (without its cookie field) from ``source``."""
        return self._cookie(source, hello, int(self._clock() // COOKIE_PERIOD_S))

    def valid(self, source: tuple[str, int], hello: bytes, cookie: bytes) -> bool:
        """True when ``cookie`` is the one issued to ``source`` for ``hello`` in this or the last period."""
        bucket = int(self._clock() // COOKIE_PERIOD_S)
        return any(hmac.compare_digest(self._cookie(source, hello, b), cookie) for b in (bucket, bucket - 1))

    def first_use(self, nonce: bytes) -> bool:
        """True the first time a client nonce opens a session while its cookie could still be valid."""
        now = self._clock()
        while self._used and (len(self._used) >= NONCE_MEMORY or next(iter(self._used.values())) < now):
            self._used.popitem(last=False)  # forget nonces whose cookies have expired anyway
        if nonce in self._used:
            return False
        self._used[nonce] = now + 2 * COOKIE_PERIOD_S
        return True
