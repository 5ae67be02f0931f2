"""SIP echo: returns every SIP message exactly as it arrived (masked, same size) over UDP and TCP.

Listens on the standard port (5060) and on a non-standard one, so the probe can tell an ALG
that inspects only 5060 from one that rewrites SIP on any port.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from core.service_ports import SIP_ECHO_PORTS
from reflector.admission import Admitter
from wire.sip_message import message_length
from wire.sip_signature import authentic, mask

MAX_TCP_MESSAGE = 16_384
TCP_IDLE_S = 10.0
MAX_TCP_CONNECTIONS = 64


@dataclass
class SipEchoConfig:
    """Where the echo listens and what it accepts."""

    binds: list[str]
    ports: tuple[int, ...] = SIP_ECHO_PORTS
    secret: bytes | None = None


def _looks_like_sip(data: bytes) -> bool:
    first = data.split(b"\r\n", 1)[0]
    return first.endswith(b" SIP/2.0") or first.startswith(b"SIP/2.0 ")


class _UdpEcho(asyncio.DatagramProtocol):
    def __init__(self, cfg: SipEchoConfig, limiter: Admitter) -> None:
        self.cfg, self.limiter = cfg, limiter
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.transport is None or not self.limiter.admit(addr[0], len(data), time.monotonic()):
            return
        if not _looks_like_sip(data) or (self.cfg.secret and not authentic(data, self.cfg.secret)):
            return
        self.transport.sendto(mask(data), addr)


class SipEcho:
    """The UDP and TCP listeners of the SIP echo; ``await start()`` then ``close()``."""

    def __init__(self, cfg: SipEchoConfig, limiter: Admitter) -> None:
        self.cfg, self.limiter = cfg, limiter
        self._udp: list[asyncio.DatagramTransport] = []
        self._tcp: list[asyncio.Server] = []
        self._connections = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for addr in self.cfg.binds:
                for port in self.cfg.ports:
                    transport, _ = await loop.create_datagram_endpoint(
                        lambda: _UdpEcho(self.cfg, self.limiter), local_addr=(addr, port))
                    self._udp.append(transport)
                    self._tcp.append(await asyncio.start_server(self._serve_tcp, addr, port))
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        for t in self._udp:
            t.close()
        for s in self._tcp:
            s.close()

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if self._connections >= MAX_TCP_CONNECTIONS or not self.limiter.admit(peer[0], 0, time.monotonic()):
            writer.close()
            return
        self._connections += 1
        try:
            await asyncio.wait_for(self._echo_stream(reader, writer, peer[0]), TCP_IDLE_S)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections -= 1
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _echo_stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        buf = b""
        while len(buf) < MAX_TCP_MESSAGE:
            chunk = await reader.read(MAX_TCP_MESSAGE - len(buf))
            if not chunk:
                return
            buf += chunk
            length = message_length(buf)
            if length is None:
                continue
            message, buf = buf[:length], buf[length:]
            if not _looks_like_sip(message) or not self.limiter.admit(peer, length, time.monotonic()):
                return
            if self.cfg.secret and not authentic(message, self.cfg.secret):
                return
            writer.write(mask(message))
            await writer.drain()
