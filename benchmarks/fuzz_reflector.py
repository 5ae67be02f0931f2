"""Fuzz the reflector: junk, truncations, bit flips, replays and floods from many sources.

    python -m benchmarks.fuzz_reflector [--count 200000] [--sources 2000] [--seed 1]

Phase 1 (in process): ``count`` datagrams go through ``Reflector.handle`` (the core plus the port
handlers, with a secret), each from one of ``sources`` loopback addresses: random bytes, valid
HELLOs (with and without their cookie), probes, STATS and port requests of a real session, each
sent whole, truncated, bit-flipped or replayed. Any exception escaping ``handle`` is a traceback.

Phase 2 (real sockets): a bounded flood of replayed HELLOs and junk from many loopback addresses
while a legitimate client opens a session and gets its echoes and statistics. Reports the sessions
the flood created (must be 0) and whether the client was served. Never asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import time
import traceback
from contextlib import suppress
from dataclasses import dataclass, field

from collectors.probes.reflector_client import ReflectorClient, new_nonce
from reflector.ratelimit import RateLimits
from reflector.server import Reflector, ReflectorConfig
from reflector.traversal_services import install
from tests.reflector_helpers import running_reflector
from wire import reflector_protocol as p
from wire.ports import PORTS_CLOSE, PORTS_OPEN, PORTS_SEEN, PROTO_UDP, pack_open, pack_seen
from wire.sockio import Datagram

SECRET = "fuzz-secret"
NO_LIMITS = RateLimits(packets_per_s=1e9, packet_burst=1e9, bytes_per_s=1e12, byte_burst=1e12)


@dataclass
class ReflectorTally:
    """What the fuzz run saw."""

    datagrams: int = 0
    tracebacks: list[str] = field(default_factory=list)
    answered: int = 0
    cookies: int = 0
    sessions_before: int = 0
    sessions_after: int = 0
    flood_datagrams: int = 0
    flood_sources: int = 0
    flood_sessions: int = 0
    loop_errors: int = 0
    legitimate_served: bool = False


def _source(rnd: random.Random, sources: int) -> tuple[str, int]:
    n = rnd.randrange(sources)
    return f"127.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{(n & 0xFF) or 1}", rnd.randint(1024, 65535)


def _templates(service: Reflector, home: tuple[str, int], n: int) -> list[bytes]:
    """Valid datagrams of every kind for a session of ``home``, fresh for step ``n`` (new sequence
    numbers), which the fuzz then sends whole, mutated or again (a replay)."""
    key = SECRET.encode()
    hello = p.Hello(new_nonce(), 1, 1, 8000, 20_000, 30_000)
    if not service.sessions:
        service.new_session(home, hello)
    session = next(iter(service.sessions.values()))
    cookie = service.cookies.issue(home, hello.pack())
    sk, sid = session.key, session.session_id

    def ctl(kind: int, body: bytes, size: int) -> bytes:
        return p.build_control(kind, sid, body, sk, size=size)

    return [
        p.build_control(p.HELLO, 0, hello.pack(), key, size=p.HELLO_SIZE),
        p.build_control(p.HELLO, 0, hello.pack() + cookie, key, size=p.HELLO_SIZE),
        p.build_probe(p.Rtp(0, 1 + n % 30_000, n, sid), 46, 160, sk),
        ctl(p.STATS_REQ, p.STATS_REQ_BODY.pack(n, 0), p.STATS_REQ_SIZE),
        ctl(PORTS_OPEN, pack_open(n, PROTO_UDP, 1, [40000 + n % 50]), 200),
        ctl(PORTS_SEEN, pack_seen(n, [40000]), 200),
        ctl(PORTS_CLOSE, n.to_bytes(4, "big"), 80),
    ]


def _mutate(data: bytes, rnd: random.Random) -> bytes:
    kind = rnd.randrange(6)
    if kind == 0:
        return data[: rnd.randint(0, len(data))]  # truncation
    if kind == 1:
        flipped = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            flipped[rnd.randrange(len(flipped))] ^= 1 << rnd.randrange(8)
        return bytes(flipped)
    if kind == 2:
        return rnd.randbytes(rnd.randint(0, 1500))  # junk
    if kind == 3:
        return p.MAGIC + rnd.randbytes(rnd.randint(0, 300))  # a control header and junk
    if kind == 4:
        head = bytearray(data[: p.CONTROL_HEADER.size])
        if len(head) > 4:
            head[4] = rnd.randrange(256)  # any control type
        return bytes(head) + data[len(head) :]
    return data  # the datagram as it was: a replay


def phase1(count: int, sources: int, seed: int) -> ReflectorTally:
    """Every datagram through ``Reflector.handle``; exceptions that escape are tracebacks."""
    rnd = random.Random(seed)
    tally = ReflectorTally()

    async def run() -> None:
        service = Reflector(ReflectorConfig(binds=["127.0.0.1"], port=0, secret=SECRET, limits=NO_LIMITS))
        ports = install(service)
        (sock,) = [s for s in _open(service)]
        home = ("127.0.0.1", 40999)
        templates = _templates(service, home, 1)
        tally.sessions_before = len(service.sessions)
        try:
            for i in range(count):
                if i % 50 == 0:
                    templates = _templates(service, home, i + 2)
                data = _mutate(rnd.choice(templates), rnd)
                source = home if rnd.random() < 0.3 else _source(rnd, sources)
                dg = Datagram(data, source, time.time_ns(), rnd.choice([None, 0, 184]), "127.0.0.1")
                try:
                    service.handle(sock, dg)
                except Exception:
                    if len(tally.tracebacks) < 5:
                        tally.tracebacks.append(f"{data!r} from {source}:\n{traceback.format_exc()}")
                    else:
                        tally.tracebacks.append("")
                tally.datagrams += 1
                if i % 1000 == 0:
                    await asyncio.sleep(0)  # let the port listeners run
        finally:
            ports.close()
            sock.close()
        tally.answered, tally.cookies = service.counters.answered, service.counters.cookies
        tally.sessions_after = len(service.sessions)

    asyncio.run(run())
    return tally


def _open(service: Reflector) -> list[socket.socket]:
    service.open()
    return service.sockets


def phase2(sources: int, rounds: int, seed: int, tally: ReflectorTally) -> None:
    """A replay and junk flood from ``sources`` addresses while a legitimate client is served."""
    rnd = random.Random(seed)
    errors: list[dict[str, object]] = []
    service = Reflector(ReflectorConfig(binds=["127.0.0.1"], port=0, secret=SECRET))
    install(service)
    with running_reflector(service, errors) as (_, port):
        captured = _recorded_handshake(port)  # what an eavesdropper records of a real client's HELLOs
        sessions_before = len(service.sessions)
        flooders = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(sources)]
        try:
            for i, sock in enumerate(flooders):
                sock.bind((f"127.{100 + i // 60000}.{(i // 250) % 240}.{i % 250 + 2}", 0))
            for round_ in range(rounds):
                for sock in flooders:
                    data = rnd.choice(captured) if rnd.random() < 0.7 else _mutate(rnd.choice(captured), rnd)
                    with suppress(OSError):
                        sock.sendto(data, ("127.0.0.1", port))
                    tally.flood_datagrams += 1
                if round_ == rounds // 2:
                    tally.legitimate_served = _legitimate(port)
            time.sleep(0.5)
        finally:
            for sock in flooders:
                sock.close()
        tally.flood_sources = sources
        tally.flood_sessions = len(service.sessions) - sessions_before - int(tally.legitimate_served)
    tally.loop_errors = len(errors)


def _recorded_handshake(port: int) -> list[bytes]:
    """A real client's two HELLOs (without and with its cookie), as seen on the wire."""
    key = SECRET.encode()
    hello = p.Hello(new_nonce(), 1, 1, 8000, 20_000, 100).pack()
    first = p.build_control(p.HELLO, 0, hello, key, size=p.HELLO_SIZE)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        sock.sendto(first, ("127.0.0.1", port))
        cookie = p.parse_control(sock.recv(2048), key).body[: p.COOKIE_LEN]
        second = p.build_control(p.HELLO, 0, hello + cookie, key, size=p.HELLO_SIZE)
        sock.sendto(second, ("127.0.0.1", port))
        sock.recv(2048)  # HELLO_ACK: the victim's session is open
    return [first, second]


def _legitimate(port: int) -> bool:
    client = ReflectorClient("127.0.0.1", port, SECRET)
    try:
        session = client.hello(p.Hello(new_nonce(), 1000, 1, 8000, 20_000, 50))
        for i in range(50):
            client.sock.send(p.build_probe(p.Rtp(0, 1000 + i, 160 * i, session.session_id), 46, 160, session.key))
        time.sleep(0.3)
        return client.stats(session).received == 50
    except Exception:
        return False
    finally:
        client.close()


def run_fuzz(count: int, sources: int, seed: int, rounds: int = 5) -> ReflectorTally:
    """Both phases; the tally of what happened."""
    tally = phase1(count, sources, seed)
    phase2(sources, rounds, seed, tally)
    return tally


def main() -> None:
    """Run the reflector fuzzer and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    tally = run_fuzz(args.count, args.sources, args.seed, args.rounds)
    for trace in tally.tracebacks:
        if trace:
            print(trace)
    print(
        f"reflector fuzz: {tally.datagrams} datagrams from {args.sources} sources, {len(tally.tracebacks)} tracebacks, "
        f"{tally.answered} answered, {tally.cookies} cookies, sessions {tally.sessions_before} -> "
        f"{tally.sessions_after}; flood {tally.flood_datagrams} datagrams from {tally.flood_sources} sources: "
        f"{tally.flood_sessions} sessions created, {tally.loop_errors} loop errors, legitimate client served: "
        f"{tally.legitimate_served}; {time.monotonic() - started:.0f} s"
    )
    bad = tally.tracebacks or tally.flood_sessions or tally.loop_errors or not tally.legitimate_served
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
