"""Client side of the reflector protocol: open a session, fetch the far end's statistics.

Other probes (NAT, SIP ALG, ports) reuse :meth:`ReflectorClient.request` for their own control
messages; see docs/reflector-protocol.md.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import time
from dataclasses import dataclass

from core.errors import NotAssessedError
from wire import reflector_protocol as p
from wire.sockio import Datagram, enable_ancillary, receive


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """An open session: its id, key (None without a secret) and granted packet budget."""

    session_id: int
    key: bytes | None
    max_packets: int


def resolve(host: str, port: int) -> tuple[str, int]:
    """IPv4 address of ``host``; NotAssessedError when it does not resolve."""
    try:
        return socket.gethostbyname(host), port
    except OSError as exc:
        raise NotAssessedError(f"{host}:{port}", f"cannot resolve {host}: {exc}") from exc


class ReflectorClient:
    """A connected UDP socket to a reflector, with bounded retries for control messages."""

    def __init__(
        self, host: str, port: int, secret: str | None = None, *, timeout_s: float = 0.4, tries: int = 5, tos: int = 0
    ) -> None:
        self.address = resolve(host, port)
        self.label = f"{host}:{port}"
        self.secret = secret.encode() if secret else None
        self.timeout_s = timeout_s
        self.tries = tries
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        if tos:
            self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
        enable_ancillary(self.sock)
        self.sock.connect(self.address)
        self.request_seq = 0
        self.stray: list[Datagram] = []  # media that arrived while waiting for a control answer

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def request(
        self,
        msg_type: int,
        answer_type: int,
        session_id: int,
        body: bytes,
        size: int,
        key: bytes | None,
        tries: int | None = None,
    ) -> p.Control:
        """Send a control message (re-sent up to ``tries`` times, default the client's) and return the answer."""
        tries = tries or self.tries
        for _ in range(tries):
            if session_id:
                self.request_seq += 1  # a retry is a new request: the reflector rejects repeats
                body = self.request_seq.to_bytes(4, "big") + body[4:]
            data = p.build_control(msg_type, session_id, body, key, size=size)
            try:
                self.sock.send(data)
            except ConnectionRefusedError:
                continue
            answer = self._await(answer_type, session_id, key)
            if answer is not None:
                return answer
        raise NotAssessedError(
            self.label,
            f"no answer from the reflector at {self.label} ({tries} tries in "
            f"{tries * self.timeout_s:.1f} s): is `assess reflector` running there, with the same secret?",
        )

    def _await(self, answer_type: int, session_id: int, key: bytes | None) -> p.Control | None:
        deadline = time.monotonic() + self.timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                dg = receive(self.sock)
            except (TimeoutError, ConnectionRefusedError):
                return None
            if p.is_media(dg.data):
                self.stray.append(dg)
                continue
            try:
                msg_type, flags, sid = p.peek_control(dg.data)
                if key is not None and not flags & p.FLAG_AUTH:
                    continue  # an unauthenticated answer when we expect one: not our reflector's
                control = p.parse_control(dg.data, key)
            except p.ProtocolError:
                continue
            if msg_type == answer_type and sid == session_id:
                return control
        return None

    def hello(self, hello: p.Hello) -> SessionInfo:
        """Open a session (HELLO, cookie, HELLO with the cookie); NotAssessedError after bounded retries.

        A lost answer to the second HELLO restarts the exchange with a fresh nonce: the reflector
        opens a session only once per nonce, so resending the same HELLO would be refused as a replay.
        """
        for attempt in range(self.tries):
            if attempt:
                hello = dataclasses.replace(hello, client_nonce=new_nonce())
            retry = self.request(p.HELLO, p.HELLO_RETRY, 0, hello.pack(), p.HELLO_SIZE, self.secret)
            cookie = retry.body[: p.COOKIE_LEN]
            try:
                ack = self.request(p.HELLO, p.HELLO_ACK, 0, hello.pack() + cookie, p.HELLO_SIZE, self.secret, tries=1)
            except NotAssessedError:
                continue
            server_nonce, max_packets, session_id = p.HELLO_ACK_BODY.unpack_from(ack.body)
            key = None
            if self.secret is not None:
                key = p.session_key(self.secret, hello.client_nonce, server_nonce, session_id)
            return SessionInfo(session_id, key, max_packets)
        raise NotAssessedError(self.label, f"the reflector at {self.label} sent cookies but opened no session")

    def stats(self, session: SessionInfo) -> p.Stats:
        """The far end's statistics with the whole arrival bitmap (several padded requests if needed)."""
        bitmap = b""
        first: p.Stats | None = None
        want = (session.max_packets + 7) // 8
        while first is None or len(bitmap) < want:
            body = p.STATS_REQ_BODY.pack(0, len(bitmap))
            ans = self.request(p.STATS_REQ, p.STATS_RESP, session.session_id, body, p.STATS_REQ_SIZE, session.key)
            page = p.Stats.unpack(ans.body)
            if page.bitmap_offset != len(bitmap) or not page.bitmap:
                break
            bitmap += page.bitmap
            first = first or page
        if first is None:
            raise NotAssessedError(self.label, "the reflector sent no statistics")
        return dataclasses.replace(first, bitmap_offset=0, bitmap=bitmap)


def new_nonce() -> bytes:
    """8 random bytes."""
    return os.urandom(8)
