"""The reflector: echoes with timestamps and DSCP, and cannot be abused (issue 7)."""

from __future__ import annotations

import os
import random
import socket
import time

import pytest

from collectors.probes.reflector_client import ReflectorClient, SessionInfo, new_nonce
from core.errors import NotAssessedError
from reflector.ratelimit import RateLimits
from tests.reflector_helpers import running_reflector
from wire import reflector_protocol as p
from wire.sockio import receive

EF_TOS = 46 << 2


def _hello(client: ReflectorClient, packets: int = 100) -> tuple[SessionInfo, p.Hello]:
    hello = p.Hello(new_nonce(), 1000, 777, 8000, 20_000, packets)
    return client.hello(hello), hello


def _probe(session: SessionInfo, i: int, dscp: int = 46, payload: int = 160) -> bytes:
    return p.build_probe(p.Rtp(0, 1000 + i, 777 + 160 * i, session.session_id), dscp, payload, session.key)


def _recv(sock: socket.socket, timeout: float = 0.3) -> bytes | None:
    sock.settimeout(timeout)
    try:
        return sock.recv(4096)
    except (TimeoutError, ConnectionRefusedError):
        return None


def test_echo_reports_received_dscp_and_carries_requested_dscp_back() -> None:
    with running_reflector(secret="k") as (_, port):
        client = ReflectorClient("127.0.0.1", port, "k", tos=EF_TOS)
        session, _ = _hello(client)
        request = _probe(session, 0, dscp=34)  # ask for AF41 on the way back
        client.sock.send(request)
        client.sock.settimeout(1)
        dg = receive(client.sock)
        echo = p.parse_echo(dg.data, session.key)
        assert len(dg.data) == len(request)
        assert echo.dscp_received == 46
        assert dg.tos is not None and dg.tos >> 2 == 34
        assert echo.orig_seq == 1000
        assert 0 <= (echo.tx_us - echo.rx_us) < 100_000


def test_stats_count_arrivals_duplicates_and_dscp() -> None:
    with running_reflector() as (_, port):
        client = ReflectorClient("127.0.0.1", port, tos=EF_TOS)
        session, _ = _hello(client, packets=20)
        for i in (0, 1, 2, 4, 3, 3):  # 3 arrives after 4 (reordered), then again (duplicate)
            client.sock.send(_probe(session, i))
            time.sleep(0.002)
        stats = client.stats(session)
        assert stats.received == 5
        assert stats.duplicates == 1
        assert stats.reordered == 1
        assert stats.dscp_mode == 46
        assert stats.bitmap[0] == 0b00011111


def test_with_a_secret_unauthenticated_and_wrong_key_packets_get_no_answer() -> None:
    with running_reflector(secret="right") as (service, port):
        plain = ReflectorClient("127.0.0.1", port, None, tries=2, timeout_s=0.2)
        with pytest.raises(NotAssessedError):
            _hello(plain)
        wrong = ReflectorClient("127.0.0.1", port, "wrong", tries=2, timeout_s=0.2)
        with pytest.raises(NotAssessedError):
            _hello(wrong)
        good = ReflectorClient("127.0.0.1", port, "right")
        session, _ = _hello(good)
        forged = SessionInfo(session.session_id, b"x" * 32, session.max_packets)
        good.sock.send(_probe(forged, 0))
        assert _recv(good.sock) is None
        assert service.counters.unauthenticated >= 5


def test_replayed_probe_and_stats_requests_are_rejected() -> None:
    with running_reflector(secret="k") as (service, port):
        client = ReflectorClient("127.0.0.1", port, "k")
        session, _ = _hello(client)
        packet = _probe(session, 0)
        client.sock.send(packet)
        assert _recv(client.sock) is not None
        client.sock.send(packet)
        assert _recv(client.sock) is None
        stats_req = p.build_control(
            p.STATS_REQ, session.session_id, p.STATS_REQ_BODY.pack(50, 0), session.key, size=p.STATS_REQ_SIZE
        )
        client.sock.send(stats_req)
        assert _recv(client.sock) is not None
        client.sock.send(stats_req)
        assert _recv(client.sock) is None
        assert service.counters.replayed == 2


def test_a_session_key_does_not_work_in_another_session() -> None:
    with running_reflector(secret="k") as (_, port):
        client = ReflectorClient("127.0.0.1", port, "k")
        first, _ = _hello(client)
        second, _ = _hello(client)
        client.sock.send(_probe(SessionInfo(second.session_id, first.key, 100), 0))
        assert _recv(client.sock) is None


def test_no_answer_is_ever_larger_than_its_request() -> None:
    rng = random.Random(7)
    with running_reflector() as (service, port):
        client = ReflectorClient("127.0.0.1", port)
        session, _ = _hello(client, packets=30_000)
        sizes: list[tuple[int, int]] = []
        requests = [_probe(session, i, payload=rng.choice([20, 40, 160, 400])) for i in range(30)]
        requests += [
            p.build_control(
                p.STATS_REQ,
                session.session_id,
                p.STATS_REQ_BODY.pack(100 + i, 0),
                None,
                size=rng.choice([20, 40, 64, 300, 1200]),
            )
            for i in range(30)
        ]
        requests += [
            p.build_control(p.HELLO, 0, p.Hello(new_nonce(), 1, 1, 8000, 20000, 30000).pack(), None, size=n)
            for n in (30, 42, 96)
        ]
        for req in requests:
            client.sock.send(req)
            time.sleep(0.002)
        answers = []
        while (answer := _recv(client.sock, 1.0)) is not None:
            answers.append(answer)
        # pair each answer with the request it answers (late answers must not be matched to the wrong one)
        probe_len = {p.Rtp.unpack(r).seq: len(r) for r in requests if p.is_media(r)}
        stats_len = {int.from_bytes(r[12:16], "big"): len(r) for r in requests if r[4] == p.STATS_REQ}
        for answer in answers:
            if p.is_media(answer):
                sizes.append((probe_len[p.parse_echo(answer, None).orig_seq], len(answer)))
            elif answer[4] == p.STATS_RESP:
                sizes.append((stats_len[p.Stats.unpack(answer[12:]).request_seq], len(answer)))
            else:
                sizes.append((min(len(r) for r in requests if r[4] == p.HELLO), len(answer)))
        assert len(sizes) >= 40
        assert all(ans <= req for req, ans in sizes), sizes
        assert service.counters.oversize > 0  # tiny STATS requests got no (larger) answer at all


def test_per_source_rate_limit_caps_answers() -> None:
    limits = RateLimits(packets_per_s=100, packet_burst=20)
    with running_reflector(limits=limits) as (service, port):
        client = ReflectorClient("127.0.0.1", port)
        session, _ = _hello(client, packets=5000)
        start = time.monotonic()
        for i in range(1000):
            client.sock.send(_probe(session, i))
        deadline = start + 10
        while service.counters.received < 1001 and time.monotonic() < deadline:
            time.sleep(0.01)  # tokens refill while the reflector works: count until it has seen them all
        allowed = 20 + 100 * (time.monotonic() - start) + 1
        assert service.counters.rate_limited > 0
        assert service.counters.answered <= allowed


def test_malformed_flood_leaves_it_serving_a_legitimate_probe() -> None:
    rng = random.Random(1)
    with running_reflector(
        secret="k", limits=RateLimits(packets_per_s=1e6, packet_burst=1e6, bytes_per_s=1e9, byte_burst=1e9)
    ) as (service, port):
        good = ReflectorClient("127.0.0.1", port, "k")
        session, _ = _hello(good)
        flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        valid = _probe(session, 1)
        for i in range(5000):  # bounded: random bytes, truncations and bit flips of valid packets
            kind = i % 4
            if kind == 0:
                data = os.urandom(rng.randint(0, 1400))
            elif kind == 1:
                data = valid[: rng.randint(0, len(valid))]
            elif kind == 2:
                flipped = bytearray(valid)
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                data = bytes(flipped)
            else:
                data = p.MAGIC + os.urandom(rng.randint(0, 200))
            flood.sendto(data, ("127.0.0.1", port))
        time.sleep(0.2)
        assert service.counters.malformed + service.counters.unauthenticated > 1000
        assert service.counters.answered == 1  # only the HELLO
        good.sock.send(_probe(session, 0))
        answer = _recv(good.sock, 1.0)
        assert answer is not None and p.parse_echo(answer, session.key).orig_seq == 1000


def test_serves_several_probes_at_once() -> None:
    with running_reflector(secret="k") as (_, port):
        clients = [ReflectorClient("127.0.0.1", port, "k") for _ in range(3)]
        sessions = [_hello(c, packets=50)[0] for c in clients]
        for i in range(10):
            for c, s in zip(clients, sessions, strict=True):
                c.sock.send(_probe(s, i))
        received = [c.stats(s).received for c, s in zip(clients, sessions, strict=True)]
        assert received == [10, 10, 10]


def test_unreachable_reflector_is_not_assessed_in_bounded_time() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]  # bound but silent: packets vanish
    client = ReflectorClient("127.0.0.1", port, tries=3, timeout_s=0.2)
    start = time.monotonic()
    with pytest.raises(NotAssessedError, match="no answer"):
        _hello(client)
    assert time.monotonic() - start < 1.5
    sock.close()
