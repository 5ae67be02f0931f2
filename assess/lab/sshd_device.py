"""A Linux router in a network namespace, with its own sshd, for live-collection tests and the lab demo.

The namespace gets two veths (``lan0`` 192.0.2.1/24 where sshd listens,
``wan0`` 203.0.113.1/24), an nftables ruleset (optionally with the kernel SIP
helper assigned), an htb tree on ``wan0`` with a priority class for EF, and its
own conntrack UDP timeout. A forwarder on 127.0.0.1 carries SSH into the
namespace so a collector in the root namespace logs in over TCP as it would to
any device, and nothing is added to the root namespace's interfaces.

Needs root. Everything started is stopped by PID and the namespace deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assess.lab import netns
from assess.lab.config import RouterConfig
from assess.lab.router import nft_ruleset, sysctls
from core.plan import Credentials, Device
from core.service_ports import DEFAULT_RTP_PORTS, SIP_PORT

CLONE_NEWNET = 0x40000000
LAN_ADDR = "192.0.2.1"
WAN_ADDR = "203.0.113.1"
SSHD = "/usr/sbin/sshd"

# The lab router's ruleset (NAT, optional SIP helper) plus an input filter that opens SIP and a plan's
# default RTP range.
_NFT_FILTER = f"""table inet assess_filter {{
    chain input {{
        type filter hook input priority 0; policy accept;
        udp dport {SIP_PORT} accept
        udp dport {DEFAULT_RTP_PORTS[0]}-{DEFAULT_RTP_PORTS[1]} accept
    }}
}}
"""

_TC = (
    "qdisc add dev wan0 root handle 1: htb default 20",
    "class add dev wan0 parent 1: classid 1:1 htb rate 10mbit",
    "class add dev wan0 parent 1:1 classid 1:10 htb rate 2mbit ceil 10mbit prio 0",
    "class add dev wan0 parent 1:1 classid 1:20 htb rate 8mbit ceil 10mbit prio 1",
    "filter add dev wan0 parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
)

_SSHD_CONFIG = """Port 22
ListenAddress {addr}
PidFile {dir}/sshd.pid
HostKey {dir}/host_ed25519
AuthorizedKeysFile {dir}/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
LogLevel ERROR
{extra}"""


def netns_socket(name: str, host: str, port: int, timeout: float = 5.0) -> socket.socket:
    """A TCP socket connected from inside namespace ``name`` (made on a thread that joined it)."""
    box: list[socket.socket | BaseException] = []

    def work() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns failed")
            finally:
                os.close(fd)
            box.append(socket.create_connection((host, port), timeout=timeout))
        except BaseException as exc:  # handed to the caller's thread
            box.append(exc)

    # Only this short-lived thread changes namespace; the socket keeps it after the thread ends.
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout + 1)
    if not box:
        raise TimeoutError(f"connect into {name} timed out")
    found = box[0]
    if isinstance(found, BaseException):
        raise found
    found.settimeout(None)
    return found


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        _cut(src, dst)


def _cut(*socks: socket.socket) -> None:
    # shutdown (not just close) so a pump blocked in recv on the same socket wakes and the peer sees the end
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()


@dataclass
class Forwarder:
    """127.0.0.1:<port> in the root namespace -> ``host:port`` inside ``netns``."""

    netns: str
    host: str
    port: int
    listener: socket.socket = field(init=False)
    sockets: list[socket.socket] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def local_port(self) -> int:
        """Port on 127.0.0.1 that reaches the namespace."""
        return int(self.listener.getsockname()[1])

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                inner = netns_socket(self.netns, self.host, self.port)
            except OSError:
                client.close()
                continue
            self.sockets += [client, inner]
            threading.Thread(target=_pump, args=(client, inner), daemon=True).start()
            threading.Thread(target=_pump, args=(inner, client), daemon=True).start()

    def close(self) -> None:
        """Stop accepting and cut every forwarded connection."""
        _cut(self.listener, *self.sockets)


@dataclass
class SshdDevice:
    """A running namespace router; log in as root with ``client_key`` at 127.0.0.1:``port``."""

    netns: str
    workdir: Path
    client_key: Path
    host_key_line: str
    sshd: subprocess.Popen[bytes]
    forwarder: Forwarder
    owns_netns: bool = True

    @property
    def port(self) -> int:
        """Local port that reaches this device's sshd."""
        return self.forwarder.local_port

    def plan_device(self, name: str = "rtr1", timeout_s: float = 60.0) -> Device:
        """A plan entry that logs into this router as root with its key."""
        creds = Credentials(username="root", ssh_key=str(self.client_key))
        return Device(
            name=name, host="127.0.0.1", port=self.port, platform="linux", credentials=creds, timeout_s=timeout_s
        )

    def known_hosts_line(self) -> str:
        """The known_hosts entry for this device as the collector addresses it."""
        return f"[127.0.0.1]:{self.port} {self.host_key_line}"

    def run(self, *cmd: str) -> None:
        """Run a command inside the device's namespace (e.g. to break it mid-test)."""
        netns.in_ns(self.netns, cmd)

    def _signal_sessions(self, sig: signal.Signals) -> None:
        for pid in netns.pids(self.netns):
            if pid != self.sshd.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)

    def freeze_sessions(self) -> None:
        """SIGSTOP every sshd session process: the device stops answering but keeps its TCP sessions."""
        self._signal_sessions(signal.SIGSTOP)

    def kill_sessions(self) -> None:
        """SIGKILL every sshd session process: the device drops the session mid-conversation."""
        self._signal_sessions(signal.SIGKILL)

    def stop(self) -> None:
        """Stop sshd and its sessions by PID, cut the forwarder, delete the namespace if it is ours."""
        self.forwarder.close()
        self._signal_sessions(signal.SIGKILL)  # frozen sessions would sit out a SIGTERM grace period
        netns.kill_pids([self.sshd.pid])
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.sshd.wait(timeout=5)
        if self.owns_netns:
            netns.destroy(self.netns)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _build_router(name: str, *, sip_helper: bool, udp_timeout_s: int) -> None:
    netns.create(name)
    netns.run(["ip", "link", "add", "lan0", "netns", name, "type", "veth", "peer", "name", "wan0", "netns", name])
    for cmd in (
        ("ip", "addr", "add", f"{LAN_ADDR}/24", "dev", "lan0"),
        ("ip", "addr", "add", f"{WAN_ADDR}/24", "dev", "wan0"),
        ("ip", "link", "set", "lan0", "up"),
        ("ip", "link", "set", "wan0", "up"),
    ):
        netns.in_ns(name, cmd)
    cfg = RouterConfig(sip_helper=sip_helper, udp_timeout_s=udp_timeout_s)
    netns.in_ns(name, ["nft", "-f", "-"], stdin=nft_ruleset(cfg) + _NFT_FILTER)
    for spec in _TC:
        netns.in_ns(name, ["tc", *spec.split()])
    netns.in_ns(name, ["sysctl", "-q", "-w", *sysctls(cfg)])


def _keys(workdir: Path) -> tuple[Path, str]:
    for name in ("host_ed25519", "client"):
        netns.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "assess-lab", "-f", str(workdir / name)])
    (workdir / "authorized_keys").write_text((workdir / "client.pub").read_text())
    host_pub = (workdir / "host_ed25519.pub").read_text().split()
    return workdir / "client", f"{host_pub[0]} {host_pub[1]}"


def _wait_listening(name: str, listen: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            netns_socket(name, listen, 22, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def start_sshd(
    workdir: Path,
    netns_name: str,
    listen: str,
    *,
    hostname: str = "lab-router",
    owns_netns: bool = False,
    force_command: str | None = None,
) -> SshdDevice:
    """Start sshd inside an existing namespace (e.g. the lab's router), reachable at 127.0.0.1:<port>."""
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    client_key, host_key_line = _keys(workdir)
    (workdir / "sshd_config").write_text(_SSHD_CONFIG.format(
            addr=listen, dir=workdir, extra=f"ForceCommand {force_command}\n" if force_command else ""
        ))
    sshd = subprocess.Popen(
        # its own UTS namespace too, so the device has its own hostname
        netns.ns_argv(
            netns_name,
            [
                "unshare",
                "--uts",
                "--",
                "sh",
                "-c",
                'hostname "$0" && exec "$@"',
                hostname,
                SSHD,
                "-D",
                "-e",
                "-f",
                str(workdir / "sshd_config"),
            ],
        ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "sshd.log").open("wb"),
    )
    device = SshdDevice(
        netns_name, workdir, client_key, host_key_line, sshd, Forwarder(netns_name, listen, 22), owns_netns
    )
    try:
        _wait_listening(netns_name, listen, 5.0)
    except BaseException:
        device.stop()
        raise
    return device


def start_sshd_device(
    workdir: Path,
    *,
    sip_helper: bool = True,
    udp_timeout_s: int = 45,
    hostname: str = "lab-router",
    force_command: str | None = None,
) -> SshdDevice:
    """Build a namespace router of its own and start its sshd (root only); call ``stop()`` when done."""
    name = f"asr-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        _build_router(name, sip_helper=sip_helper, udp_timeout_s=udp_timeout_s)
    except BaseException:
        netns.destroy(name)
        raise
    try:
        return start_sshd(workdir, name, LAN_ADDR, hostname=hostname, owns_netns=True, force_command=force_command)
    except BaseException:
        netns.destroy(name)
        raise


@contextlib.contextmanager
def sshd_devices(
    workdir: Path, count: int, *, sip_helper: bool = True, udp_timeout_s: int = 45
) -> Iterator[list[SshdDevice]]:
    """``count`` namespace routers (hostnames lab-rtr0...), always stopped afterwards."""
    started: list[SshdDevice] = []
    try:
        for i in range(count):
            started.append(
                start_sshd_device(
                    workdir / f"router{i}", sip_helper=sip_helper, udp_timeout_s=udp_timeout_s, hostname=f"lab-rtr{i}"
                )
            )
        yield started
    finally:
        for device in started:
            device.stop()
