"""An RFC 5780 STUN server on loopback with a NAT of a chosen class folded into it.

Loopback has the whole of 127.0.0.0/8, so the server answers from two addresses and two ports
like coturn does, and "maps" the client as a NAT of each RFC 4787 class would: the mapped
address it reports (XOR-MAPPED-ADDRESS) is a public endpoint chosen per mapping class, and an
answer to the public endpoint is delivered only when the filtering class lets it in. Each public
endpoint is a real socket on PUBLIC_IP, so hairpinning and RESPONSE-PORT answers (binding
lifetime) go through the same NAT logic; a mapping expires after ``lifetime_s`` of outbound
silence.

The STUN encoding here is written from RFC 5389/5780 and shares nothing with the product's codec.
"""

from __future__ import annotations

import hashlib
import hmac
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

MAGIC = 0x2112A442
HEADER = struct.Struct("!HHI12s")
BINDING_REQUEST, BINDING_SUCCESS = 0x0001, 0x0101
CHANGE_REQUEST, RESPONSE_PORT, MESSAGE_INTEGRITY = 0x0003, 0x0027, 0x0008
XOR_MAPPED_ADDRESS, RESPONSE_ORIGIN, OTHER_ADDRESS = 0x0020, 0x802B, 0x802C
PUBLIC_IP = "127.0.0.9"
PRIMARY_IP, ALTERNATE_IP = "127.0.0.1", "127.0.0.2"
CLASSES = ("endpoint-independent", "address-dependent", "address-and-port-dependent")

Endpoint = tuple[str, int]


def _xor_address(kind: int, addr: Endpoint, tid: bytes) -> bytes:
    ip = bytes(a ^ b for a, b in zip(socket.inet_aton(addr[0]), struct.pack("!I", MAGIC), strict=True))
    value = struct.pack("!BBH", 0, 1, addr[1] ^ (MAGIC >> 16)) + ip
    return struct.pack("!HH", kind, len(value)) + value


def _plain_address(kind: int, addr: Endpoint) -> bytes:
    value = struct.pack("!BBH", 0, 1, addr[1]) + socket.inet_aton(addr[0])
    return struct.pack("!HH", kind, len(value)) + value


def binding_success(tid: bytes, mapped: Endpoint, origin: Endpoint, other: Endpoint | None) -> bytes:
    body = _xor_address(XOR_MAPPED_ADDRESS, mapped, tid) + _plain_address(RESPONSE_ORIGIN, origin)
    if other is not None:
        body += _plain_address(OTHER_ADDRESS, other)
    return HEADER.pack(BINDING_SUCCESS, len(body), MAGIC, tid) + body


@dataclass
class Request:
    tid: bytes
    change_ip: bool = False
    change_port: bool = False
    response_port: int | None = None
    signed_by: bytes | None = None  # the key a valid MESSAGE-INTEGRITY was made with


def _signed(data: bytes, at: int, mac: bytes, secret: bytes) -> bool:
    """RFC 5389 §15.4: HMAC-SHA1 over the message up to the attribute, its header length counting it."""
    head = data[:2] + struct.pack("!H", at - HEADER.size + 24) + data[4 : HEADER.size]
    return hmac.compare_digest(hmac.new(secret, head + data[HEADER.size : at], hashlib.sha1).digest(), mac)


def parse_request(data: bytes, secret: bytes | None = None) -> Request | None:
    """A Binding request's transaction id and the RFC 5780 attributes this server honours."""
    if len(data) < HEADER.size:
        return None
    kind, length, cookie, tid = HEADER.unpack_from(data)
    if kind != BINDING_REQUEST or cookie != MAGIC:
        return None
    req, at = Request(tid), HEADER.size
    while at + 4 <= min(HEADER.size + length, len(data)):
        attr, size = struct.unpack_from("!HH", data, at)
        value = data[at + 4 : at + 4 + size]
        if attr == CHANGE_REQUEST and size >= 4:
            flags = struct.unpack("!I", value[:4])[0]
            req.change_ip, req.change_port = bool(flags & 4), bool(flags & 2)
        elif attr == RESPONSE_PORT and size >= 2:
            req.response_port = struct.unpack("!H", value[:2])[0]
        elif attr == MESSAGE_INTEGRITY and secret is not None and _signed(data, at, value, secret):
            req.signed_by = secret
        at += 4 + (size + 3) // 4 * 4
    return req


@dataclass
class Mapping:
    """One NAT binding: the internal endpoint, its public socket and who it has sent to."""

    internal: Endpoint
    public: socket.socket
    contacted: set[Endpoint] = field(default_factory=set)
    last_out: float = 0.0

    @property
    def public_port(self) -> int:
        return int(self.public.getsockname()[1])


class FakeNatStun:
    """The server and NAT; use as a context manager. ``port`` and ``port + 1`` on both addresses."""

    def __init__(
        self,
        mapping: str = "endpoint-independent",
        filtering: str = "endpoint-independent",
        *,
        hairpin: bool = False,
        lifetime_s: float = 3600.0,
        faults: frozenset[str] = frozenset(),
        answer_limit: int | None = None,
        secret: bytes | None = None,
    ) -> None:
        """``faults``: "no-nat" (no NAT at all), "no-other" (no OTHER-ADDRESS), "silent-alternate"
        (nothing answers on the alternate address), "ignore-change" (CHANGE-REQUEST answered from
        where it arrived), "silent-alternate-port" (nothing answers on the alternate port of the
        alternate address), "duplicate-answers" (every answer sent twice), "lossy-response-port" (an
        answer to a RESPONSE-PORT request is lost for 0.2 s from that transaction's first
        request, as in a burst of loss: retransmissions inside it get no answer), "change-port-only" (a
        server that can change its port but not its address), "ignore-response-port"
        (RESPONSE-PORT not honoured). ``answer_limit``: the server falls silent after that many
        requests. ``secret``: requests not signed with it (MESSAGE-INTEGRITY) go unanswered.
        ``sizes`` records (request, answer) lengths."""
        assert mapping in CLASSES and filtering in CLASSES
        self.mapping_class, self.filtering_class = mapping, filtering
        self.hairpin, self.lifetime_s, self.faults = hairpin, lifetime_s, faults
        self.answer_limit, self.requests, self.secret = answer_limit, 0, secret
        self.sizes: list[tuple[int, int]] = []
        self.first_seen: dict[bytes, float] = {}
        self.mappings: dict[tuple[object, ...], Mapping] = {}
        self.by_public_port: dict[int, Mapping] = {}
        self.server: dict[Endpoint, socket.socket] = {}
        self.selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.port = self._bind_servers()

    def _bind_servers(self) -> int:
        for _ in range(50):
            socks: dict[Endpoint, socket.socket] = {}
            try:
                first = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                first.bind((PRIMARY_IP, 0))
                port = first.getsockname()[1]
                socks[(PRIMARY_IP, port)] = first
                for ep in ((PRIMARY_IP, port + 1), (ALTERNATE_IP, port), (ALTERNATE_IP, port + 1)):
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    socks[ep] = s
                    s.bind(ep)
            except OSError:
                for s in socks.values():
                    s.close()
                continue
            self.server = socks
            for s in socks.values():
                self.selector.register(s, selectors.EVENT_READ, "server")
            return port
        raise RuntimeError("no free port pair on 127.0.0.1 and 127.0.0.2")

    def __enter__(self) -> FakeNatStun:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
        for s in [*self.server.values(), *(m.public for m in self.mappings.values())]:
            s.close()
        self.selector.close()

    @property
    def address(self) -> Endpoint:
        return (PRIMARY_IP, self.port)

    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _ in self.selector.select(timeout=0.05):
                sock: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data, src = sock.recvfrom(2048)
                except OSError:
                    continue
                if key.data == "server":
                    self._request(sock.getsockname(), data, src)
                else:
                    self._hairpin(key.data, data)

    # --- the NAT ------------------------------------------------------------------------------

    def _outbound(self, internal: Endpoint, dest: Endpoint) -> Mapping:
        """The binding an internal endpoint's packet to ``dest`` leaves through (RFC 4787 §4.1)."""
        key: tuple[object, ...] = (internal,)
        if self.mapping_class != "endpoint-independent":
            key += (dest[0],)
        if self.mapping_class == "address-and-port-dependent":
            key += (dest[1],)
        now = time.monotonic()
        m = self.mappings.get(key)
        if m is not None and now - m.last_out > self.lifetime_s:
            self.by_public_port.pop(m.public_port, None)
            self.selector.unregister(m.public)
            m.public.close()
            m = None
        if m is None:
            public = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            public.bind((PUBLIC_IP, 0))
            m = Mapping(internal, public)
            self.mappings[key] = m
            self.by_public_port[m.public_port] = m
            self.selector.register(public, selectors.EVENT_READ, m)
        m.contacted.add(dest)
        m.last_out = now
        return m

    def _inbound(self, public_port: int, source: Endpoint) -> Endpoint | None:
        """The internal endpoint a packet from ``source`` to a public port reaches, or None (dropped)."""
        m = self.by_public_port.get(public_port)
        if m is None or time.monotonic() - m.last_out > self.lifetime_s:
            return None
        if self.filtering_class == "address-dependent" and source[0] not in {ip for ip, _ in m.contacted}:
            return None
        if self.filtering_class == "address-and-port-dependent" and source not in m.contacted:
            return None
        return m.internal

    def _hairpin(self, m: Mapping, data: bytes) -> None:
        if self.hairpin:
            m.public.sendto(data, m.internal)

    # --- the STUN server behind it ---------------------------------------------------------------

    def _request(self, here: Endpoint, data: bytes, src: Endpoint) -> None:
        req = parse_request(data, self.secret)
        if req is None or (here[0] == ALTERNATE_IP and "silent-alternate" in self.faults):
            return
        if self.secret is not None and req.signed_by != self.secret:
            return
        if here == (ALTERNATE_IP, self.port + 1) and "silent-alternate-port" in self.faults:
            return
        self.requests += 1
        if self.answer_limit is not None and self.requests > self.answer_limit:
            return
        other_ip = ALTERNATE_IP if here[0] == PRIMARY_IP else PRIMARY_IP
        other_port = self.port + 1 if here[1] == self.port else self.port
        origin = (other_ip if req.change_ip else here[0], other_port if req.change_port else here[1])
        if "ignore-change" in self.faults:
            origin = here
        if "change-port-only" in self.faults:
            origin = (here[0], origin[1])
        other = None if "no-other" in self.faults else (ALTERNATE_IP, self.port + 1)
        if "ignore-response-port" in self.faults:
            req.response_port = None
        if req.response_port is not None and "lossy-response-port" in self.faults:
            now = time.monotonic()
            if now - self.first_seen.setdefault(req.tid, now) < 0.2:
                return
        if "no-nat" in self.faults:
            to = (src[0], req.response_port) if req.response_port is not None else src
            self._answer(origin, data, binding_success(req.tid, src, origin, other), to)
            return
        m = self._outbound(src, here)
        port = req.response_port if req.response_port is not None else m.public_port
        internal = self._inbound(port, origin)
        if internal is None:
            return  # the NAT drops the answer
        self._answer(origin, data, binding_success(req.tid, (PUBLIC_IP, m.public_port), origin, other), internal)

    def _answer(self, origin: Endpoint, request: bytes, answer: bytes, to: Endpoint) -> None:
        self.sizes.append((len(request), len(answer)))
        for _ in range(2 if "duplicate-answers" in self.faults else 1):
            self.server[origin].sendto(answer, to)
