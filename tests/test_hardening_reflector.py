"""Attacks on the reflector's admission (issue 15): each test is the attack and the refusal expected."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time

import pytest

from collectors.probes.reflector_client import ReflectorClient, new_nonce
from core.errors import NotAssessedError
from reflector.port_responder import MAX_OPEN_PER_SOURCE, PortResponder
from reflector.ratelimit import RateLimits
from tests.reflector_helpers import running_reflector
from wire import reflector_protocol as p
from wire.ports import PROTO_UDP, pack_open, unpack_ack
from wire.sip_signature import authentic, sign

SECRET = "k"
OPEN_LIMITS = RateLimits(packets_per_s=1e6, packet_burst=1e6, bytes_per_s=1e9, byte_burst=1e9)


def _hello() -> p.Hello:
    return p.Hello(new_nonce(), 1, 1, 8000, 20_000, 100)


def _sock_from(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 0))
    sock.settimeout(0.3)
    return sock


def _ask(sock: socket.socket, port: int, data: bytes) -> bytes | None:
    sock.sendto(data, ("127.0.0.1", port))
    try:
        return sock.recv(2048)
    except TimeoutError:
        return None


def _cookie_hello(sock: socket.socket, port: int, hello: p.Hello) -> bytes:
    """Do the first half of the handshake by hand; returns the HELLO that carries the cookie."""
    secret = SECRET.encode()
    retry = _ask(sock, port, p.build_control(p.HELLO, 0, hello.pack(), secret, size=p.HELLO_SIZE))
    assert retry is not None
    cookie = p.parse_control(retry, secret).body[: p.COOKIE_LEN]
    return p.build_control(p.HELLO, 0, hello.pack() + cookie, secret, size=p.HELLO_SIZE)


def test_a_single_hello_gets_only_a_cookie_and_creates_no_state() -> None:
    with running_reflector(secret=SECRET) as (service, port), _sock_from("127.0.0.1") as sock:
        answer = _ask(sock, port, p.build_control(p.HELLO, 0, _hello().pack(), SECRET.encode(), size=p.HELLO_SIZE))
        assert answer is not None and p.peek_control(answer)[0] == p.HELLO_RETRY
        assert service.sessions == {} and service.counters.cookies == 1


def test_a_replayed_hello_with_its_cookie_opens_nothing() -> None:
    with running_reflector(secret=SECRET) as (service, port), _sock_from("127.0.0.1") as sock:
        captured = _cookie_hello(sock, port, _hello())
        first = _ask(sock, port, captured)
        assert first is not None and p.peek_control(first)[0] == p.HELLO_ACK
        for _ in range(5):  # the attacker replays the captured datagram from the same address
            assert _ask(sock, port, captured) is None
        assert len(service.sessions) == 1 and service.counters.replayed == 5


def test_a_replay_flood_from_many_sources_opens_nothing_and_a_real_client_still_gets_a_session() -> None:
    with running_reflector(secret=SECRET, limits=OPEN_LIMITS) as (service, port):
        with _sock_from("127.0.0.1") as victim:
            captured = _cookie_hello(victim, port, _hello())  # what an eavesdropper recorded
        flooders = [_sock_from(f"127.0.{i // 200 + 10}.{i % 200 + 2}") for i in range(400)]
        try:
            for round_ in range(3):  # bounded: 1,200 replays from 400 addresses
                for sock in flooders:
                    sock.sendto(captured, ("127.0.0.1", port))
                if round_ == 1:
                    client = ReflectorClient("127.0.0.1", port, SECRET)
                    session = client.hello(_hello())  # the legitimate probe, during the flood
            time.sleep(0.3)
        finally:
            for sock in flooders:
                sock.close()
        assert session.session_id in service.sessions
        assert len(service.sessions) == 1  # the flood created no state at all
        client.close()


def test_sessions_from_one_slash24_are_capped_and_another_slash24_still_gets_in() -> None:
    with running_reflector(secret=SECRET, max_sessions_per_prefix=3) as (service, port):
        opened = []
        for host in range(2, 7):  # five addresses of 127.0.7.0/24 each complete the handshake
            client = ReflectorClient("127.0.0.1", port, SECRET, tries=1, timeout_s=0.2)
            client.sock.close()
            client.sock = _sock_from(f"127.0.7.{host}")
            client.sock.connect(client.address)
            with contextlib.suppress(NotAssessedError):  # refused: no answer, that is the point
                opened.append(client.hello(_hello()))
            client.close()
        assert len(opened) == 3
        other = ReflectorClient("127.0.0.1", port, SECRET)
        assert other.hello(_hello()).session_id in service.sessions
        other.close()


@pytest.mark.parametrize("option", [socket.SO_REUSEADDR, socket.SO_REUSEPORT])
def test_another_process_cannot_bind_the_reflector_port_even_with_reuse_options(option: int) -> None:
    with running_reflector() as (_, port):
        thief = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        thief.setsockopt(socket.SOL_SOCKET, option, 1)
        with pytest.raises(OSError, match="in use"):
            thief.bind(("127.0.0.1", port))
        thief.close()


def test_sip_auth_header_pasted_onto_another_message_is_refused() -> None:
    genuine = sign("OPTIONS sip:probe@198.51.100.7 SIP/2.0\r\nCall-ID: a\r\nContent-Length: 0\r\n\r\n", b"k")
    header = next(line for line in genuine.split("\r\n") if line.startswith("X-Assess-Auth"))
    forged = f"INVITE sip:victim@example.com SIP/2.0\r\n{header}\r\nCall-ID: a\r\nContent-Length: 0\r\n\r\n"
    assert authentic(genuine.encode(), b"k")
    assert not authentic(forged.encode(), b"k")
    # What an ALG does (new address, port and length) still verifies: the probe can see the rewrite.
    rewritten = genuine.replace("198.51.100.7", "203.0.113.250")
    assert authentic(rewritten.encode(), b"k")


def test_four_clients_cannot_exhaust_the_port_pool_for_a_fifth_and_ports_are_released() -> None:
    async def scenario() -> tuple[list[int], int]:
        responder = PortResponder()
        opened = []
        for client in range(5):  # five sources in five /24s, each asking for 256 ports
            source, total = f"127.0.{20 + client}.2", 0
            for half in range(2):
                ports = [30000 + client * 256 + half * 128 + i for i in range(128)]
                ack = responder.handle_open(pack_open(1, PROTO_UDP, 5, ports), source, "127.0.0.1")
                assert ack is not None
                total += unpack_ack(ack)[0]
            opened.append(total)
        responder.handle_close(bytes(4), "127.0.20.2")
        left = responder.per_source.get("127.0.20.2", 0)
        responder.close()
        return opened, left

    opened, left_after_close = asyncio.run(scenario())
    assert opened == [MAX_OPEN_PER_SOURCE] * 5  # the fifth got its whole share
    assert left_after_close == 0
