"""tshark's RTP stream analysis (`tshark -q -z rtp,streams`) parsed, as the reference for `assess pcap`."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TSHARK = shutil.which("tshark")
_ROW = re.compile(
    r"^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]{8})\s+(.+?)\s+(\d+)\s+(-?\d+) \([-\d.]+%\)"
    r"\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)"
)


@dataclass(frozen=True)
class TsharkStream:
    """One row of tshark's table, numbers kept as printed (3 decimals)."""

    ssrc: str
    packets: int
    lost: int
    max_delta: str
    mean_jitter: str
    max_jitter: str


def tshark_command(path: Path, heuristic: bool = True) -> list[str]:
    """The tshark command line for ``path`` (the RTP-over-UDP heuristic on for unsignalled streams)."""
    cmd = [str(TSHARK), "-q", "-z", "rtp,streams", "-r", str(path)]
    return [*cmd, "--enable-heuristic", "rtp_udp"] if heuristic else cmd


def parse_rtp_streams(output: str) -> dict[str, TsharkStream]:
    """Rows of `-z rtp,streams` output keyed by SSRC as 0x%08x."""
    rows = {}
    for line in output.splitlines():
        m = _ROW.match(line)
        if m:
            ssrc = m.group(5).lower()
            rows[ssrc] = TsharkStream(ssrc, int(m.group(7)), int(m.group(8)), m.group(11), m.group(13), m.group(14))
    return rows


def tshark_streams(path: Path, heuristic: bool = True) -> dict[str, TsharkStream]:
    """Run tshark on ``path`` and parse its RTP stream table."""
    out = subprocess.run(tshark_command(path, heuristic), capture_output=True, text=True, check=True, timeout=300)
    return parse_rtp_streams(out.stdout)
