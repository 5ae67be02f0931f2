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
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNET = 0x40000000
LAN_ADDR = "192.0.2.1"
WAN_ADDR = "203.0.113.1"
SSHD = "/usr/sbin/sshd"

_NFT_RULES = """
table inet assess_lab {{
{helper}
    chain prerouting {{
        type filter hook prerouting priority 0; policy accept;
{helper_rule}
    }}
    chain input {{
        type filter hook input priority 0; policy accept;
        udp dport 5060 accept
        udp dport 10000-20000 accept
    }}
    chain forward {{
        type filter hook forward priority 0; policy accept;
        ip dscp ef counter accept
    }}
}}
table ip assess_nat {{
    chain postrouting {{
        type nat hook postrouting priority 100; policy accept;
        oifname "wan0" masquerade
    }}
}}
"""
_SIP_HELPER = '    ct helper sip-5060 {\n        type "sip" protocol udp;\n        l3proto ip;\n    }'
_SIP_HELPER_RULE = '        udp dport 5060 ct helper set "sip-5060"'

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
"""


def _run(*cmd: str, netns: str | None = None) -> None:
    full = ["ip", "netns", "exec", netns, *cmd] if netns else list(cmd)
    subprocess.run(full, check=True, capture_output=True, text=True, timeout=20)


def netns_socket(netns: str, host: str, port: int, timeout: float = 5.0) -> socket.socket:
    """A TCP socket connected from inside ``netns`` (created on a thread that joined the namespace)."""
    box: list[socket.socket | BaseException] = []

    def work() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
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
        raise TimeoutError(f"connect into {netns} timed out")
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
        # shutdown (not just close) so the other pump's blocked recv wakes and the peer sees the end
        for sock in (src, dst):
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
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()


@dataclass
class SshdDevice:
    """A running namespace router; log in as root with ``client_key`` at 127.0.0.1:``port``."""

    netns: str
    workdir: Path
    client_key: Path
    host_key_line: str
    sshd: subprocess.Popen[bytes]
    forwarder: Forwarder
    udp_timeout_s: int
    sip_helper: bool

    @property
    def port(self) -> int:
        """Local port that reaches this device's sshd."""
        return self.forwarder.local_port

    def known_hosts_line(self) -> str:
        """The known_hosts entry for this device as the collector addresses it."""
        return f"[127.0.0.1]:{self.port} {self.host_key_line}"

    def run(self, *cmd: str) -> None:
        """Run a command inside the device's namespace (e.g. to break it mid-test)."""
        _run(*cmd, netns=self.netns)

    def freeze_sessions(self) -> None:
        """SIGSTOP every sshd session process: the device stops answering but keeps its TCP sessions."""
        for pid in _netns_pids(self.netns):
            if pid != self.sshd.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)

    def kill_sessions(self) -> None:
        """SIGKILL every sshd session process: the device drops the session mid-conversation."""
        for pid in _netns_pids(self.netns):
            if pid != self.sshd.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop sshd and its sessions by PID, cut the forwarder, delete the namespace."""
        self.forwarder.close()
        for pid in [*_netns_pids(self.netns), self.sshd.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.sshd.wait(timeout=5)
        subprocess.run(["ip", "netns", "del", self.netns], capture_output=True, timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _netns_pids(netns: str) -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True, timeout=10)
    return [int(p) for p in out.stdout.split() if p.isdigit()]


def _build_netns(netns: str, *, sip_helper: bool, udp_timeout_s: int, workdir: Path) -> None:
    _run("ip", "netns", "add", netns)
    _run("ip", "link", "add", "lan0", "netns", netns, "type", "veth", "peer", "name", "wan0", "netns", netns)
    for cmd in (
        ("ip", "link", "set", "lo", "up"),
        ("ip", "addr", "add", f"{LAN_ADDR}/24", "dev", "lan0"),
        ("ip", "addr", "add", f"{WAN_ADDR}/24", "dev", "wan0"),
        ("ip", "link", "set", "lan0", "up"),
        ("ip", "link", "set", "wan0", "up"),
    ):
        _run(*cmd, netns=netns)
    rules = _NFT_RULES.format(
        helper=_SIP_HELPER if sip_helper else "", helper_rule=_SIP_HELPER_RULE if sip_helper else ""
    )
    (workdir / "rules.nft").write_text(rules)
    _run("nft", "-f", str(workdir / "rules.nft"), netns=netns)
    for spec in _TC:
        _run("tc", *spec.split(), netns=netns)
    _run("sysctl", "-q", "-w", f"net.netfilter.nf_conntrack_udp_timeout={udp_timeout_s}", netns=netns)


def _keys(workdir: Path) -> tuple[Path, str]:
    for name in ("host_ed25519", "client"):
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "assess-lab", "-f", str(workdir / name))
    (workdir / "authorized_keys").write_text((workdir / "client.pub").read_text())
    host_pub = (workdir / "host_ed25519.pub").read_text().split()
    return workdir / "client", f"{host_pub[0]} {host_pub[1]}"


def _wait_listening(netns: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            netns_socket(netns, LAN_ADDR, 22, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def start_sshd_device(
    workdir: Path, *, sip_helper: bool = True, udp_timeout_s: int = 45, hostname: str = "lab-router"
) -> SshdDevice:
    """Build the namespace router and start its sshd (root only); call ``stop()`` when done."""
    netns = f"asr-{os.getpid()}-{secrets.token_hex(3)}"
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    _build_netns(netns, sip_helper=sip_helper, udp_timeout_s=udp_timeout_s, workdir=workdir)
    client_key, host_key_line = _keys(workdir)
    (workdir / "sshd_config").write_text(_SSHD_CONFIG.format(addr=LAN_ADDR, dir=workdir))
    sshd = subprocess.Popen(
        # its own UTS namespace too, so the device has its own hostname
        ["ip", "netns", "exec", netns, "unshare", "--uts", "--", "sh", "-c", 'hostname "$0" && exec "$@"',
         hostname, SSHD, "-D", "-e", "-f", str(workdir / "sshd_config")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "sshd.log").open("wb"),
    )
    device = SshdDevice(netns, workdir, client_key, host_key_line, sshd, Forwarder(netns, LAN_ADDR, 22),
                        udp_timeout_s, sip_helper)
    try:
        _wait_listening(netns, 5.0)
    except BaseException:
        device.stop()
        raise
    return device
