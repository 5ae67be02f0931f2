"""`assess reflector`: the far end the probes talk to (asyncio, one UDP socket per bound address).

Core duties: open sessions (HELLO), echo probe packets with timestamps and the DSCP received,
serve per-session receive statistics (STATS). Other modules add control handlers with
:meth:`Reflector.register` (see docs/reflector-protocol.md). Safety rules enforced here for every
handler: per-source rate limits before any parsing, authentication when a secret is set, replay
rejection, and no answer larger than its request.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from core.service_ports import REFLECTOR_PORT
from reflector.admission import HelloCookies, prefix24
from reflector.ratelimit import RateLimits, SourceLimiter
from reflector.session import Session
from wire import reflector_protocol as p
from wire.sockio import Datagram, enable_ancillary, receive, send


class ReflectorConfig(BaseModel):
    """How the reflector listens and what it accepts."""

    binds: list[str] = Field(default_factory=lambda: ["0.0.0.0"])
    port: int = Field(default=REFLECTOR_PORT, ge=0, le=65535)
    secret: str | None = Field(default=None, repr=False)
    limits: RateLimits = Field(default_factory=RateLimits)
    max_sessions: int = Field(default=256, gt=0)
    max_sessions_per_source: int = Field(default=8, gt=0)
    max_sessions_per_prefix: int = Field(default=32, gt=0, description="sessions of one /24 (many sources)")
    session_idle_s: float = Field(default=30.0, gt=0)


class Counters(BaseModel):
    """What happened to the datagrams received (for logs and tests)."""

    received: int = 0
    answered: int = 0
    rate_limited: int = 0
    malformed: int = 0
    unauthenticated: int = 0
    replayed: int = 0
    oversize: int = 0
    cookies: int = 0  # HELLOs answered with a cookie only (no state kept)


@dataclass(frozen=True, slots=True)
class Request:
    """A control message being handled, with where it came from."""

    control: p.Control
    datagram: Datagram
    session: Session | None
    reflector: Reflector


ControlHandler = Callable[[Request], bytes | None]
"""Returns the response *body* (the core frames, signs and size-checks it) or None for no answer."""

SEQ_FIELD = 4  # session control bodies start with a strictly increasing u32 request sequence


class Reflector:
    """The reflector service; ``await serve()`` runs it until cancelled."""

    def __init__(self, config: ReflectorConfig) -> None:
        self.config = config
        self.secret = config.secret.encode() if config.secret else None
        self.limiter = SourceLimiter(config.limits)
        self.sessions: dict[int, Session] = {}
        self.cookies = HelloCookies()
        self.counters = Counters()
        self.sockets: list[socket.socket] = []
        self.handlers: dict[int, ControlHandler] = {p.HELLO: _hello, p.STATS_REQ: _stats}
        self.response_types: dict[int, int] = {p.HELLO: p.HELLO_ACK, p.STATS_REQ: p.STATS_RESP}

    def register(self, msg_type: int, response_type: int, handler: ControlHandler) -> None:
        """Add a control message type (0x40..0xFF) answered with ``response_type``."""
        if not 0x40 <= msg_type <= 0xFF or msg_type in self.handlers:
            raise ValueError(f"control type {msg_type:#x} is reserved or taken")
        self.handlers[msg_type] = handler
        self.response_types[msg_type] = response_type

    # -- sockets ------------------------------------------------------------------------------
    def open(self) -> list[tuple[str, int]]:
        """Bind one UDP socket per address; returns the bound (address, port)s."""
        bound = []
        for addr in self.config.binds:
            # No SO_REUSEADDR/SO_REUSEPORT: no other process may bind our port and read our traffic.
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            enable_ancillary(sock, pktinfo=addr == "0.0.0.0")
            sock.bind((addr, self.config.port))
            sock.setblocking(False)
            self.sockets.append(sock)
            bound.append(sock.getsockname())
        return bound

    async def serve(self) -> None:
        """Serve until cancelled (opens the sockets first when ``open`` was not called)."""
        if not self.sockets:
            self.open()
        loop = asyncio.get_running_loop()
        for sock in self.sockets:
            loop.add_reader(sock.fileno(), self._readable, sock)
        try:
            while True:
                await asyncio.sleep(1.0)
                self._expire(time.monotonic())
        finally:
            for sock in self.sockets:
                loop.remove_reader(sock.fileno())
                sock.close()
            self.sockets.clear()

    def _readable(self, sock: socket.socket) -> None:
        for _ in range(64):  # bounded so one busy socket cannot starve the others
            try:
                dg = receive(sock)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.handle(sock, dg)

    # -- dispatch -----------------------------------------------------------------------------
    def handle(self, sock: socket.socket, dg: Datagram) -> None:
        """Process one datagram; every error means silence."""
        self.counters.received += 1
        if not self.limiter.admit(dg.source[0], len(dg.data), time.monotonic()):
            self.counters.rate_limited += 1
            return
        try:
            if p.is_media(dg.data):
                self._media(sock, dg)
            elif p.is_control(dg.data):
                self._control(sock, dg)
            else:
                self.counters.malformed += 1
        except p.ProtocolError as exc:
            if "authenticat" in str(exc):
                self.counters.unauthenticated += 1
            else:
                self.counters.malformed += 1

    def reply(self, sock: socket.socket, dg: Datagram, data: bytes, tos: int | None = None) -> None:
        """Send ``data`` back to the source, never more bytes than the request had."""
        if len(data) > len(dg.data):
            self.counters.oversize += 1
            return
        try:
            send(sock, data, dg.source, tos=tos, local_ip=dg.local_ip)
        except OSError:
            return
        self.counters.answered += 1

    def _session_for(self, session_id: int, dg: Datagram) -> Session:
        session = self.sessions.get(session_id)
        if session is None or session.source != dg.source:
            raise p.ProtocolError("no such session")
        return session

    def _media(self, sock: socket.socket, dg: Datagram) -> None:
        rtp = p.Rtp.unpack(dg.data)
        session = self._session_for(rtp.ssrc, dg)
        _, dscp_request, send_us = p.parse_probe(dg.data, session.key)
        if not session.record(rtp.seq, send_us, dg.rx_ns, dg.tos):
            self.counters.replayed += 1
            return
        session.last_seen = time.monotonic()
        dscp_rx = dg.tos >> 2 if dg.tos is not None else p.DSCP_UNKNOWN
        tos = (dg.tos or 0) if dscp_request == p.DSCP_COPY else dscp_request << 2
        echo_rtp = p.Rtp(rtp.payload_type, session.echo_seq, rtp.timestamp, session.session_id)
        session.echo_seq = (session.echo_seq + 1) & 0xFFFF
        rx_us = dg.rx_ns // 1000
        echo = p.Echo(echo_rtp, dscp_rx, rtp.seq, rx_us, time.time_ns() // 1000)
        self.reply(sock, dg, p.build_echo(echo, len(dg.data), session.key), tos=tos)

    def _control(self, sock: socket.socket, dg: Datagram) -> None:
        msg_type, _flags, session_id = p.peek_control(dg.data)
        handler = self.handlers.get(msg_type)
        if handler is None:
            raise p.ProtocolError("unknown control type")
        session: Session | None = None
        if session_id == 0:
            if self.secret is not None and msg_type != p.HELLO:
                raise p.ProtocolError("unauthenticated: sessionless message with a secret set")
            key = self.secret
        else:
            session = self._session_for(session_id, dg)
            key = session.key
        control = p.parse_control(dg.data, key)
        if session is not None:
            self._check_request_seq(session, control.body)
        elif msg_type == p.HELLO and not self._admit_hello(sock, dg, control.body, key):
            return
        body = handler(Request(control, dg, session, self))
        if body is None:
            return
        # A HELLO_ACK is keyed with the shared secret: the probe has no session key yet.
        out = p.build_control(self.response_types[msg_type], control.session_id, body, key)
        self.reply(sock, dg, out)

    def _admit_hello(self, sock: socket.socket, dg: Datagram, body: bytes, key: bytes | None) -> bool:
        """True for a HELLO back with a valid cookie and a fresh nonce; else answer a cookie (or nothing)."""
        hello, cookie = body[: p.HELLO_BODY.size], body[p.HELLO_BODY.size : p.HELLO_BODY.size + p.COOKIE_LEN]
        nonce = p.Hello.unpack(hello).client_nonce
        if self.cookies.valid(dg.source, hello, cookie):
            if self.cookies.first_use(nonce):
                return True
            self.counters.replayed += 1  # the same HELLO again: it opened its session already
            return False
        retry = p.build_control(p.HELLO_RETRY, 0, self.cookies.issue(dg.source, hello), key)
        if len(retry) <= len(dg.data):  # never larger than the request, like every answer
            self.counters.cookies += 1
            with contextlib.suppress(OSError):
                send(sock, retry, dg.source, local_ip=dg.local_ip)
        else:
            self.counters.oversize += 1
        return False

    def _check_request_seq(self, session: Session, body: bytes) -> None:
        if len(body) < SEQ_FIELD:
            raise p.ProtocolError("control body without a request sequence")
        seq = int.from_bytes(body[:SEQ_FIELD], "big")
        if seq <= session.last_stats_seq:
            self.counters.replayed += 1
            raise p.ProtocolError("replayed control request")
        session.last_stats_seq = seq
        session.last_seen = time.monotonic()

    def _expire(self, now: float) -> None:
        idle = self.config.session_idle_s
        for sid in [sid for sid, s in self.sessions.items() if now - max(s.last_seen, s.created) > idle]:
            del self.sessions[sid]

    # -- sessions -----------------------------------------------------------------------------
    def new_session(self, source: tuple[str, int], hello: p.Hello) -> tuple[Session, bytes]:
        """Create a session for ``source``, evicting its least recent one at the cap; also returns the server nonce."""
        self._expire(time.monotonic())
        mine = sorted((s for s in self.sessions.values() if s.source[0] == source[0]), key=lambda s: s.last_seen)
        if len(mine) >= self.config.max_sessions_per_source:
            del self.sessions[mine[0].session_id]  # a source restarting its probes replaces its oldest
        prefix = prefix24(source[0])
        neighbours = sum(1 for s in self.sessions.values() if prefix24(s.source[0]) == prefix)
        if neighbours >= self.config.max_sessions_per_prefix:
            raise p.ProtocolError("sessions of this /24 at their limit")
        if len(self.sessions) >= self.config.max_sessions:
            raise p.ProtocolError("session table full")
        session_id = 0
        while session_id == 0 or session_id in self.sessions:
            session_id = secrets.randbits(32)
        server_nonce = os.urandom(8)
        key = None if self.secret is None else p.session_key(self.secret, hello.client_nonce, server_nonce, session_id)
        now = time.monotonic()
        session = Session(session_id, source, hello, key, created=now, last_seen=now)
        self.sessions[session_id] = session
        return session, server_nonce


def _hello(req: Request) -> bytes | None:
    hello = p.Hello.unpack(req.control.body)
    session, server_nonce = req.reflector.new_session(req.datagram.source, hello)
    return p.HELLO_ACK_BODY.pack(server_nonce, session.max_packets, session.session_id)


def _stats(req: Request) -> bytes | None:
    session = req.session
    if session is None:
        return None
    request_seq, offset = p.STATS_REQ_BODY.unpack_from(req.control.body)
    room = len(req.datagram.data) - p.stats_overhead(session.key is not None)
    return session.stats(request_seq, offset, room).pack()
