"""`assess probe sip-alg`: send realistic SIP to the reflector's SIP echo and diff what came back."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from collectors.probes.nat_behaviour import local_address_towards
from collectors.probes.requests import SipAlgProbe
from collectors.probes.sip_stream import read_messages
from collectors.probes.target import resolve
from core.models.traversal import SipAlgResult, SipMessageCheck
from wire.sip_message import (
    SipEndpoint,
    build_invite,
    build_register,
    diff_messages,
    fields,
    new_ids,
)
from wire.sip_signature import mask, sign

LARGE_SIZE = 1400  # over ~1300 bytes: the size at which some ALGs mangle or drop UDP SIP
TRIES = 2  # each UDP message is sent this often within its timeout


@dataclass(frozen=True)
class _Test:
    name: str
    port: int
    build: Callable[[SipEndpoint], str]


def _tests(port: int, alt_port: int, secret: bytes | None) -> list[_Test]:
    def signed(text: str) -> str:
        return sign(text, secret) if secret else text

    def reg(ep: SipEndpoint) -> str:
        return signed(build_register(ep, *new_ids()))

    def inv(ep: SipEndpoint) -> str:
        return signed(build_invite(ep, *new_ids()))

    def big(ep: SipEndpoint) -> str:
        return signed(build_invite(ep, *new_ids(), pad_to=LARGE_SIZE))

    return [_Test("REGISTER", port, reg), _Test("INVITE", port, inv),
            _Test("INVITE-large", port, big), _Test("INVITE-nonstandard-port", alt_port, inv)]


def _rtp_port() -> int:
    # A fresh even media port per INVITE: Linux's SIP helper drops a second INVITE whose SDP
    # announces a media port it already expects for another call.
    return 16384 + 2 * secrets.randbelow(8000)


def _exchange_udp(local_ip: str, server: str, port: int, build: Callable[[SipEndpoint], str],
                  opts: SipAlgProbe) -> tuple[str, bytes | None]:
    family = socket.AF_INET6 if ":" in local_ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((local_ip, 0))
        ep = SipEndpoint(local_ip, sock.getsockname()[1], server, port, "udp", rtp_port=_rtp_port())
        text = build(ep)
        wire = text.encode()
        deadline = time.monotonic() + opts.timeout_s
        for attempt in range(1, TRIES + 1):
            sock.sendto(wire, (server, port))
            slot_end = time.monotonic() + (deadline - time.monotonic()) / (TRIES - attempt + 1)
            while (left := slot_end - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data, src = sock.recvfrom(65535)
                except (TimeoutError, ConnectionRefusedError):
                    continue
                if src[0] == server:
                    return text, mask(data)
    return text, None


def _exchange_tcp(local_ip: str, server: str, port: int, build: Callable[[SipEndpoint], str],
                  opts: SipAlgProbe) -> tuple[str, bytes | None]:
    family = socket.AF_INET6 if ":" in local_ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(opts.timeout_s)
        sock.bind((local_ip, 0))
        ep = SipEndpoint(local_ip, sock.getsockname()[1], server, port, "tcp", rtp_port=_rtp_port())
        text = build(ep)
        try:
            sock.connect((server, port))
            sock.sendall(text.encode())
            return text, _read_message(sock, time.monotonic() + opts.timeout_s)
        except OSError:
            return text, None


def _read_message(sock: socket.socket, deadline: float) -> bytes | None:
    message, partial = read_messages(sock, deadline, lambda _: True, mask)
    return message if message is not None else (partial or None)


def _check(test: _Test, transport: str, sent: str, got: bytes | None) -> SipMessageCheck:
    check = SipMessageCheck(name=test.name, transport=transport, port=test.port, size=len(sent.encode()),
                            answered=got is not None)
    if got is None:
        return check
    received = got.decode("utf-8", errors="replace")
    diff = diff_messages(sent, received)
    a, b = fields(sent), fields(received)
    check.rewritten, check.added, check.dropped = diff.rewritten, diff.added, diff.dropped
    check.changes = {k: [a.get(k), b.get(k)] for k in (*diff.rewritten, *diff.added, *diff.dropped)}
    return check


def _base_name(field_name: str) -> str:
    return field_name.split("#", 1)[0]


def summarise(checks: list[SipMessageCheck], transport: str, server: str) -> SipAlgResult:
    """Fold the per-message checks into the CONTRACT result."""
    answered = [c for c in checks if c.answered]
    if not answered:
        return SipAlgResult(sip_alg_detected=None, assessed=False, transport=transport, server=server,
                            reason=f"no answer from the SIP echo at {server} (is `assess reflector` running?)",
                            messages=checks)
    standard = [c for c in checks if c.name != "INVITE-nonstandard-port"]
    alt = next((c for c in checks if c.name == "INVITE-nonstandard-port"), None)
    large = next((c for c in checks if c.name == "INVITE-large"), None)
    small_ok = any(c.answered for c in standard if c is not large)
    notes: list[str] = []
    large_ok = None if large is None else large.answered
    if large_ok is False and small_ok:
        notes.append(f"large INVITE ({large.size if large else 0} bytes) lost while small messages passed")
    if alt is not None and not alt.answered:
        notes.append(f"nothing came back from the non-standard port {alt.port}")
    changed = [c for c in answered if c.rewritten or c.added or c.dropped]
    return SipAlgResult(
        sip_alg_detected=bool(changed) or (large_ok is False and small_ok),
        rewritten=sorted({_base_name(f) for c in changed for f in c.rewritten}),
        added=sorted({_base_name(f) for c in changed for f in c.added}),
        dropped=sorted({_base_name(f) for c in changed for f in c.dropped}),
        transport=transport,
        large_message_ok=large_ok,
        nonstandard_port_altered=None if alt is None or not alt.answered else bool(
            alt.rewritten or alt.added or alt.dropped),
        server=server,
        messages=checks,
        notes=notes,
    )


def probe_sip_alg(opts: SipAlgProbe) -> SipAlgResult:
    """Run the four SIP messages over ``opts.transport`` and report what an ALG changed."""
    host, port = opts.host, opts.port
    label = f"{host}:{port}"
    try:
        server, _ = resolve(host, port)
        local_ip = local_address_towards((server, port))
    except OSError as exc:
        return SipAlgResult(sip_alg_detected=None, assessed=False, transport=opts.transport, server=label,
                            reason=f"cannot reach {label}: {exc.strerror or exc}")
    exchange = _exchange_tcp if opts.transport == "tcp" else _exchange_udp
    checks = []
    for test in _tests(port, opts.alt_port, opts.secret.encode() if opts.secret else None):
        sent, got = exchange(local_ip, server, test.port, test.build, opts)
        checks.append(_check(test, opts.transport, sent, got))
    return summarise(checks, opts.transport, label)
