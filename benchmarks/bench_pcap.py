"""`assess pcap` against `tshark -q -z rtp,streams` on a generated multi-call capture (≥ 300,000 packets)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, Timing, have, ratio, time_call, time_process
from collectors.pcap.analyse import analyse_capture
from tests.pcapgen import benchmark_frames, sample_call_frames, write_capture
from tests.tshark_ref import parse_rtp_streams, tshark_command

TITLE = "Capture analysis: assess pcap vs tshark -z rtp,streams"
CALLS, PACKETS_PER_STREAM, REPEAT = 15, 10_000, 5


def _assess_cmd(path: Path) -> list[str]:
    script = Path(sys.executable).with_name("assess")
    base = [str(script)] if script.exists() else [sys.executable, "-c", "from assess.cli import main; main()"]
    return [*base, "pcap", str(path), "--json"]


def _agreement(path: Path, tshark_out: str) -> tuple[int, int]:
    """Streams whose packets, lost and mean jitter equal tshark's, and how many tshark found."""
    reference = parse_rtp_streams(tshark_out)
    ours = {s.ssrc: s for s in analyse_capture(path).streams}
    same = sum(
        1
        for ssrc, ref in reference.items()
        if ssrc in ours
        and (ours[ssrc].packets, ours[ssrc].lost) == (ref.packets, ref.lost)
        and f"{ours[ssrc].jitter_ms or 0:.3f}" == ref.mean_jitter
    )
    return same, len(reference)


def _rows(label: str, timing: Timing, note: str) -> list[Row]:
    return [Row(f"{label}: wall", timing.wall, "s", note), Row(f"{label}: CPU", timing.cpu, "s", "user + system")]


def run() -> list[Row]:
    """Generate the capture, time both tools on it, report times, ratios and agreement."""
    with tempfile.TemporaryDirectory(prefix="bench-pcap-") as tmp:
        start = time.perf_counter()
        path = write_capture(Path(tmp) / "bench.pcap", benchmark_frames(CALLS, PACKETS_PER_STREAM))
        generated = time.perf_counter() - start
        frames = analyse_capture(path).frames
        size = f"{path.stat().st_size / 1e6:.0f} MB"
        rows = [Row("frames in capture", frames, "frames", f"{CALLS} SIP calls, {2 * CALLS} RTP streams, {size}, "
                    f"generated in {generated:.1f} s")]  # fmt: skip
        analysis = time_call(REPEAT, lambda: analyse_capture(path))
        command = time_process(REPEAT, _assess_cmd(path))
        rows += _rows("assess pcap analysis", analysis, f"best of {REPEAT}, in process (no interpreter start-up)")
        rows += _rows("assess pcap --json command", command, f"best of {REPEAT}, whole process incl. start-up")
        rows.append(Row("assess pcap throughput", frames / analysis.wall, "frames/s", "analysis, wall"))
        if not have("tshark"):
            return [*rows, Row("tshark -z rtp,streams", None, "s", "skipped: tshark not installed")]
        cmd = tshark_command(path, heuristic=False)
        tshark = time_process(REPEAT, cmd)
        same, total = _agreement(path, subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        tiny = write_capture(Path(tmp) / "tiny.pcap", sample_call_frames())
        startup = [
            Row("start-up: assess pcap on a 2,000-frame capture", time_process(REPEAT, _assess_cmd(tiny)).cpu, "s",
                "CPU; Python, pydantic, typer, numpy and the CLI's modules"),
            Row("start-up: tshark on the same", time_process(REPEAT, tshark_command(tiny, False)).cpu, "s", "CPU"),
        ]  # fmt: skip
        return [
            *rows,
            *_rows("tshark -q -z rtp,streams", tshark, f"best of {REPEAT}, whole process"),
            *startup,
            Row("speed-up, command vs tshark (wall)", ratio(tshark.wall, command.wall), "x", "target ≥ 2"),
            Row("speed-up, command vs tshark (CPU)", ratio(tshark.cpu, command.cpu), "x", "target ≥ 2"),
            Row("speed-up, analysis vs tshark (wall)", ratio(tshark.wall, analysis.wall), "x", "without start-up"),
            Row("streams equal to tshark", same, "streams", f"of {total}: packets, lost and mean jitter identical"),
        ]
