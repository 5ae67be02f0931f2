"""`assess farend --check`: does every far-end service answer, with the secret?

Each check speaks the service's own protocol, so "answers" means the service works, not only
that a port is open: the reflector must return a HELLO cookie (signed when there is a secret),
STUN a Binding success (with MESSAGE-INTEGRITY when there is a secret), iperf3 its first
control-state byte, STAMP a reflected test packet (authenticated mode when there is a secret).
Each check sends at most a few small datagrams or one TCP connection and takes at most ~2 s.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from pydantic import BaseModel

from assess.farend.config import SERVICES, FarendPorts
from collectors.probes.reflector_client import ReflectorClient, new_nonce
from collectors.probes.stamp import stamp_ping
from collectors.probes.stun_client import transact
from collectors.probes.target import resolve
from core.errors import NotAssessedError
from wire import reflector_protocol as p
from wire.stamp import FLAG_UNRECOGNIZED, TLV_CLASS_OF_SERVICE
from wire.stun import BINDING_REQUEST, BINDING_SUCCESS, PROBE_SOFTWARE, StunMessage

IPERF3_COOKIE_LEN = 37  # iperf3's control connection starts with a 37-byte cookie from the client
IPERF3_PARAM_EXCHANGE = 9
IPERF3_ACCESS_DENIED = 0xFF  # -1 as a signed byte: the server is busy with another test


class ServiceCheck(BaseModel):
    """One far-end service and whether it answered."""

    service: str
    target: str
    ok: bool
    detail: str


class FarendCheck(BaseModel):
    """Every checked service of one far end."""

    host: str
    services: list[ServiceCheck]

    @property
    def dead(self) -> list[ServiceCheck]:
        """The services that did not answer."""
        return [s for s in self.services if not s.ok]


def check_reflector(host: str, port: int, secret: str | None, timeout_s: float) -> str:
    """A HELLO must bring back a cookie (the reflector keeps no state for it)."""
    hello = p.Hello(new_nonce(), 0, 0, 8000, 20_000, 1)
    client = ReflectorClient(host, port, secret, timeout_s=timeout_s / 3, tries=3)
    try:
        client.request(p.HELLO, p.HELLO_RETRY, 0, hello.pack(), p.HELLO_SIZE, client.secret)
    except NotAssessedError as exc:
        raise CheckFailed(exc.reason) from exc
    finally:
        client.close()
    return "HELLO answered with a cookie" + (" (signed with the secret)" if secret else "")


def check_stun(host: str, port: int, secret: str | None, timeout_s: float) -> str:
    """A Binding request (padded, so the answer is never larger) must bring back a mapped address."""
    server = resolve(host, port)
    key = secret.encode() if secret else None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        reply = transact(sock, server, StunMessage(BINDING_REQUEST, software=PROBE_SOFTWARE), timeout_s, 3, key)
    if reply is None:
        raise CheckFailed(f"no STUN Binding answer from {host}:{port} within {timeout_s:g} s")
    if reply.msg_type != BINDING_SUCCESS or reply.mapped is None:
        raise CheckFailed(f"STUN error answer (code {reply.error_code})")
    kind = "RFC 5780 (OTHER-ADDRESS given)" if reply.other else "binding only (no OTHER-ADDRESS)"
    return f"Binding answered, mapped {reply.mapped[0]}:{reply.mapped[1]}; {kind}"


def check_iperf3(host: str, port: int, secret: str | None, timeout_s: float) -> str:
    """iperf3 answers its control cookie with a state byte (then we hang up before any test)."""
    del secret  # iperf3 has no shared-secret authentication
    address = resolve(host, port, socket.SOCK_STREAM)
    try:
        with socket.create_connection(address, timeout=timeout_s) as conn:
            conn.sendall(b"assessfarendcheck".ljust(IPERF3_COOKIE_LEN - 1, b"0") + b"\0")
            state = conn.recv(1)
    except OSError as exc:
        raise CheckFailed(f"TCP {host}:{port}: {exc.strerror or exc}") from exc
    if state == bytes([IPERF3_PARAM_EXCHANGE]):
        return "iperf3 server ready for a test"
    if state == bytes([IPERF3_ACCESS_DENIED]):
        return "iperf3 server answers but is busy with another test"
    raise CheckFailed(f"TCP {host}:{port} answered, but not like an iperf3 server ({state!r})")


def check_stamp(host: str, port: int, secret: str | None, timeout_s: float) -> str:
    """A STAMP test packet (authenticated mode with the secret) must come back reflected."""
    answer = stamp_ping(host, port, secret, timeout_s)
    if answer is None:
        mode = "authenticated" if secret else "unauthenticated"
        raise CheckFailed(f"no STAMP reflection ({mode} mode) from {host}:{port} within {timeout_s:g} s")
    cos = any(t.type == TLV_CLASS_OF_SERVICE and not t.flags & FLAG_UNRECOGNIZED for t in answer.packet.tlvs)
    return f"test packet reflected ({'authenticated' if secret else 'unauthenticated'} mode" + (
        ", Class-of-Service TLV supported)" if cos else ", no Class-of-Service TLV)")


class CheckFailed(Exception):
    """A service did not answer as it should; the message says how."""


Checker = Callable[[str, int, "str | None", float], str]
CHECKS: dict[str, Checker] = {
    "reflector": check_reflector, "iperf3": check_iperf3, "stun": check_stun, "stamp": check_stamp,
}


def check_farend(
    host: str, ports: FarendPorts, secret: str | None, only: list[str] | None = None, timeout_s: float = 2.0
) -> FarendCheck:
    """Check each enabled service of the far end ``host`` (those in ``only`` when given)."""
    wanted = [s for s in ports.enabled() if only is None or s in only]
    results = []
    for service in SERVICES:
        if service not in wanted:
            continue
        port = getattr(ports, service)
        target = f"{host}:{port}"
        try:
            detail, ok = CHECKS[service](host, port, secret, timeout_s), True
        except (CheckFailed, NotAssessedError, OSError) as exc:
            detail, ok = _reason(exc), False
        results.append(ServiceCheck(service=service, target=target, ok=ok, detail=detail))
    return FarendCheck(host=host, services=results)


def _reason(exc: Exception) -> str:
    if isinstance(exc, NotAssessedError):
        return exc.reason
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
