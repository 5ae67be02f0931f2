"""Packet captures inside lab namespaces (tcpdump), read back with dpkt: the ground truth at the wire."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dpkt

from assess.lab.netns import LabError

if TYPE_CHECKING:
    from assess.lab.lab import Lab, Role


@dataclass(frozen=True, slots=True)
class UdpPacket:
    """A captured IPv4/UDP packet (kernel timestamp, seconds since the epoch)."""

    time_s: float
    src: str
    sport: int
    dst: str
    dport: int
    tos: int
    payload: bytes


@contextmanager
def capture(lab: Lab, role: Role, ifname: str, bpf: str) -> Iterator[Path]:
    """Capture ``bpf`` on ``ifname`` in a namespace while the block runs; yields the pcap path."""
    path = lab.workdir / f"cap-{role}-{ifname}-{len(list(lab.workdir.glob('cap-*')))}.pcap"
    proc = lab.popen(
        role,
        ["tcpdump", "-i", ifname, "--immediate-mode", "-U", "-n", "-s", "256", "-B", "8192", "-w", str(path), bpf],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode(errors="replace")  # "listening on ..." once it captures
    if "listening" not in line:
        proc.kill()
        raise LabError(f"tcpdump in {role} did not start: {line.strip()}")
    try:
        yield path
    finally:
        time.sleep(0.1)  # let the last packets reach the file before tcpdump stops
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_udp(path: Path) -> list[UdpPacket]:
    """IPv4/UDP packets of a pcap file, in capture order."""
    out = []
    with path.open("rb") as fh:
        for ts, frame in dpkt.pcap.Reader(fh):
            eth = dpkt.ethernet.Ethernet(frame)
            ip = eth.data
            if not isinstance(ip, dpkt.ip.IP) or not isinstance(ip.data, dpkt.udp.UDP):
                continue
            udp = ip.data
            out.append(UdpPacket(float(ts), _ip(ip.src), udp.sport, _ip(ip.dst), udp.dport, ip.tos, bytes(udp.data)))
    return out


def _ip(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)
