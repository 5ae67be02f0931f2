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
    src: str = ""
    dst: str = ""


def tshark_command(path: Path, heuristic: bool = True) -> list[str]:
    """The tshark command line for ``path`` (the RTP-over-UDP heuristic on for unsignalled streams)."""
    cmd = [str(TSHARK), "-q", "-z", "rtp,streams", "-r", str(path)]
    return [*cmd, "--enable-heuristic", "rtp_udp"] if heuristic else cmd


def parse_rtp_rows(output: str) -> list[TsharkStream]:
    """Rows of `-z rtp,streams` output, SSRC as 0x%08x, with the source and destination address."""
    rows = []
    for line in output.splitlines():
        m = _ROW.match(line)
        if m:
            g = m.group
            rows.append(TsharkStream(g(5).lower(), int(g(7)), int(g(8)), g(11), g(13), g(14), g(1), g(3)))
    return rows


def parse_rtp_streams(output: str) -> dict[str, TsharkStream]:
    """Rows of `-z rtp,streams` output keyed by SSRC as 0x%08x."""
    return {row.ssrc: row for row in parse_rtp_rows(output)}


def _run(path: Path, heuristic: bool) -> str:
    out = subprocess.run(tshark_command(path, heuristic), capture_output=True, text=True, check=True, timeout=300)
    return out.stdout


def tshark_streams(path: Path, heuristic: bool = True) -> dict[str, TsharkStream]:
    """Run tshark on ``path`` and parse its RTP stream table."""
    return parse_rtp_streams(_run(path, heuristic))


def tshark_rows(path: Path, heuristic: bool = True) -> list[TsharkStream]:
    """Run tshark on ``path``: every row of its RTP stream table (both directions of one SSRC too)."""
    return parse_rtp_rows(_run(path, heuristic))
