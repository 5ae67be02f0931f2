"""Real far-end servers for the traversal tests: coturn (RFC 5780), dnsmasq, sipp.

Each starter returns a handle whose ``stop()`` kills exactly the process it started.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    """A process started for a test."""

    proc: subprocess.Popen[bytes]
    workdir: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=3)
        shutil.rmtree(self.workdir, ignore_errors=True)


def free_udp_port_pair(addrs: tuple[str, ...]) -> int:
    """A port P with P and P+1 free on every address in ``addrs`` (UDP)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((addrs[0], 0))
            port = s.getsockname()[1]
        if port < 65000 and all(_udp_free(a, p) for a in addrs for p in (port, port + 1)):
            return port
    raise RuntimeError("no free UDP port pair")


def _udp_free(addr: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind((addr, port))
        except OSError:
            return False
    return True


def netns_prefix(netns: str | None) -> list[str]:
    return ["ip", "netns", "exec", netns] if netns else []


def start_coturn(primary: str, alternate: str, port: int, netns: str | None = None) -> Server:
    """coturn as an RFC 5780 STUN server on two addresses.

    ``-c`` points at an empty config on purpose: Debian's /etc/turnserver.conf sets
    ``no-rfc5780``, which silently removes OTHER-ADDRESS and CHANGE-REQUEST support.
    """
    workdir = Path(tempfile.mkdtemp(prefix="assess-coturn-"))
    conf = workdir / "turnserver.conf"
    conf.write_text("")
    cmd = [
        *netns_prefix(netns),
        "turnserver",
        "-c",
        str(conf),
        "-L",
        primary,
        "-L",
        alternate,
        "-p",
        str(port),
        "--stun-only",
        "--no-auth",
        "--no-tls",
        "--no-dtls",
        "--no-tcp",
        "--no-cli",
        "--pidfile",
        str(workdir / "pid"),
        "--log-file",
        "stdout",
        "--simple-log",
    ]
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(proc, workdir)
    _wait_stun(primary, port, netns, server)
    return server


def _wait_stun(addr: str, port: int, netns: str | None, server: Server) -> None:
    """Poll until coturn answers (it needs a few hundred ms to open its listeners)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError("turnserver exited at start")
        if netns or _stun_answers(addr, port):
            if netns:
                time.sleep(0.7)
            return
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("turnserver did not answer within 5 s")


def _stun_answers(addr: str, port: int) -> bool:
    from collectors.probes.stun_client import transact
    from wire.stun import BINDING_REQUEST, StunMessage

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((addr, 0))
        reply = transact(s, (addr, port), StunMessage(BINDING_REQUEST), 0.3, 1)
    return reply is not None and reply.other is not None


class AllowAll:
    """An admitter with no budget, for tests that are not about rate limits."""

    def admit(self, source: str, size: int, now: float) -> bool:
        return True


class AsyncService:
    """Runs an object with ``async start()`` and ``close()`` on an event loop in a thread."""

    def __init__(self, service: object) -> None:
        import asyncio
        import threading

        self.service = service
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(service.start(), self.loop).result(timeout=5)  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.service.close)  # type: ignore[attr-defined]
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


def free_port_pair_tcp_udp(addr: str = "127.0.0.1") -> tuple[int, int]:
    """Two ports free for both UDP and TCP on ``addr``."""
    ports: list[int] = []
    while len(ports) < 2:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((addr, 0))
            port = s.getsockname()[1]
        if _udp_free(addr, port) and port not in ports:
            ports.append(port)
    return ports[0], ports[1]


def start_process(argv: list[str], netns: str | None = None) -> Server:
    """Start ``argv`` (optionally inside ``netns``) in a fresh temp dir."""
    workdir = Path(tempfile.mkdtemp(prefix="assess-srv-"))
    proc = subprocess.Popen([*netns_prefix(netns), *argv], cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return Server(proc, workdir)


def start_dnsmasq(listen: str, port: int, records: list[str], netns: str | None = None) -> Server:
    """dnsmasq answering only ``records`` (dnsmasq options such as ``--srv-host=...``)."""
    argv = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            f"--listen-address={listen}", "--bind-interfaces", f"--port={port}", "--user=root",
            "--pid-file=", *records]
    server = start_process(argv, netns)
    if netns:
        _wait_listening(netns, port, server)
    else:
        _wait_dns(listen, port, server)
    return server


def _wait_listening(netns: str, port: int, server: Server) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        out = subprocess.run(["ip", "netns", "exec", netns, "ss", "-Hlun", f"sport = :{port}"],
                             capture_output=True, text=True, check=False).stdout
        if out.strip():
            return
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"nothing listens on UDP {port} in {netns}")


def _wait_dns(addr: str, port: int, server: Server) -> None:
    import dns.message
    import dns.query

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError("dnsmasq exited at start")
        try:
            dns.query.udp(dns.message.make_query("probe.invalid", "A"), addr, port=port, timeout=0.2)
            return
        except Exception:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("dnsmasq did not answer within 5 s")


def start_sipp_uas(addr: str, port: int, netns: str | None = None) -> Server:
    """sipp as a UAS that answers OPTIONS with 200 (``-aa``), on UDP ``addr:port``."""
    server = start_process(["sipp", "-sn", "uas", "-aa", "-i", addr, "-p", str(port), "-nostdin"], netns)
    if netns:
        _wait_listening(netns, port, server)
    else:
        time.sleep(0.3)
    return server
