"""SIP OPTIONS to one server over UDP, TCP or TLS, timed; and the TLS certificate check."""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509

from collectors.probes.sip_stream import read_messages
from wire.sip_message import SipEndpoint, build_options, new_ids, status_code


@dataclass
class OptionsAnswer:
    """What one OPTIONS ping got back."""

    status: int | None = None
    rtt_ms: float | None = None
    error: str | None = None


@dataclass
class TlsInfo:
    """The TLS handshake on a SIPS target: verified or not, and why."""

    ok: bool
    version: str | None = None
    error: str | None = None
    subject: str | None = None
    days_left: int | None = None


def options_stream(sock: socket.socket, ep: SipEndpoint, timeout_s: float) -> OptionsAnswer:
    """OPTIONS over a connected TCP or TLS socket."""
    start = time.monotonic()
    sock.sendall(build_options(ep, *new_ids()).encode())
    reply, _ = read_messages(sock, start + timeout_s, lambda m: status_code(m) is not None)
    if reply is None:
        return OptionsAnswer(error=f"no SIP answer within {timeout_s:g} s")
    return OptionsAnswer(status_code(reply), round((time.monotonic() - start) * 1000, 2))


def options_udp(address: str, port: int, server_name: str, timeout_s: float, tries: int = 3) -> OptionsAnswer:
    """OPTIONS over UDP, retransmitted (like RFC 3261 timer E) up to ``tries`` times."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.connect((address, port))
        local = sock.getsockname()
        ep = SipEndpoint(local[0], local[1], server_name, port, "udp")
        call_id, tag, branch = new_ids()
        wire = build_options(ep, call_id, tag, branch).encode()
        start = time.monotonic()
        for attempt in range(1, tries + 1):
            sent_at = time.monotonic()
            try:
                sock.send(wire)
            except OSError as exc:
                return OptionsAnswer(error=exc.strerror or str(exc))
            reply = _udp_reply(sock, branch, start + timeout_s * attempt / tries)
            if isinstance(reply, bytes):
                return OptionsAnswer(status_code(reply), round((time.monotonic() - sent_at) * 1000, 2))
            if reply == "refused":
                return OptionsAnswer(error="port unreachable (ICMP)")
        return OptionsAnswer(error=f"no SIP answer within {timeout_s:g} s")


def _udp_reply(sock: socket.socket, branch: str, until: float) -> bytes | str | None:
    while (left := until - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except TimeoutError:
            return None
        except ConnectionRefusedError:
            return "refused"
        if status_code(data) is not None and branch.encode() in data:
            return data
    return None


def options_tcp(address: str, port: int, server_name: str, timeout_s: float, tls: ssl.SSLContext | None = None,
                ) -> tuple[OptionsAnswer, TlsInfo | None]:
    """OPTIONS over TCP, or over TLS when ``tls`` is given (with the handshake checked first)."""
    try:
        raw = socket.create_connection((address, port), timeout=timeout_s)
    except OSError as exc:
        return OptionsAnswer(error=f"connect failed: {exc.strerror or exc}"), None
    with raw:
        local = raw.getsockname()
        ep = SipEndpoint(local[0], local[1], server_name, port, "tls" if tls else "tcp")
        if tls is None:
            return options_stream(raw, ep, timeout_s), None
        try:
            with tls.wrap_socket(raw, server_hostname=server_name) as conn:
                info = _tls_info(conn, ok=True)
                return options_stream(conn, ep, timeout_s), info
        except (ssl.SSLError, OSError) as exc:
            return OptionsAnswer(error="TLS handshake failed"), _unverified(address, port, server_name, timeout_s,
                                                                              _reason(exc))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not trusted: {exc.verify_message}"
    return str(exc) or type(exc).__name__


def _tls_info(conn: ssl.SSLSocket, ok: bool, error: str | None = None) -> TlsInfo:
    der = conn.getpeercert(binary_form=True)
    subject, days = None, None
    if der:
        cert = x509.load_der_x509_certificate(der)
        subject = cert.subject.rfc4514_string()
        days = (cert.not_valid_after_utc - datetime.now(UTC)).days
    return TlsInfo(ok=ok, version=conn.version(), error=error, subject=subject, days_left=days)


def _unverified(address: str, port: int, server_name: str, timeout_s: float, error: str) -> TlsInfo:
    """Handshake again without verification, only to report what the server presents."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((address, port), timeout=timeout_s) as raw, \
                ctx.wrap_socket(raw, server_hostname=server_name) as conn:
            return _tls_info(conn, ok=False, error=error)
    except (ssl.SSLError, OSError):
        return TlsInfo(ok=False, error=error)


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """A verifying client context (system CAs, or ``ca_file``), checking the server name."""
    return ssl.create_default_context(cafile=ca_file)
