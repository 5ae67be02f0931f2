"""Run the iperf3 binary and read its ``--json`` output (the stable interface)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence

from pydantic import BaseModel, ValidationError

from core.errors import NotAssessedError


class Iperf3Outcome(BaseModel):
    """The figures of one iperf3 run that the probes use."""

    received_mbps: float
    sent_mbps: float
    mean_rtt_ms: float | None = None
    udp_loss_pct: float | None = None
    udp_jitter_ms: float | None = None
    udp_packets: int | None = None


class _Sum(BaseModel):
    bits_per_second: float = 0.0
    lost_percent: float | None = None
    jitter_ms: float | None = None
    packets: int | None = None


class _Sender(BaseModel):
    mean_rtt: float | None = None  # µs, Linux TCP only


class _Stream(BaseModel):
    sender: _Sender | None = None


class _End(BaseModel):
    sum_sent: _Sum | None = None
    sum_received: _Sum | None = None
    sum: _Sum | None = None
    streams: list[_Stream] = []


class _Report(BaseModel):
    """The part of iperf3's JSON report the probes read (extra keys ignored)."""

    end: _End | None = None
    error: str | None = None


def _parse(report: _Report, udp: bool) -> Iperf3Outcome:
    end = report.end
    if end is None or end.sum_sent is None or (end.sum_received or end.sum) is None:
        raise ValueError("no 'end' summary")
    received = end.sum_received or end.sum
    assert received is not None
    if udp:
        # The receiver's view, whichever side received: its sequence gaps over the highest sequence it
        # saw. `end.sum` changes meaning with the direction and the iperf3 version (sender's or
        # receiver's figures); `sum_received` is always the receiver's (iperf3 >= 3.10, else `sum`).
        summary = end.sum_received or end.sum
        assert summary is not None
        return Iperf3Outcome(
            received_mbps=received.bits_per_second / 1e6,
            sent_mbps=end.sum_sent.bits_per_second / 1e6,
            udp_loss_pct=summary.lost_percent,
            udp_jitter_ms=summary.jitter_ms,
            udp_packets=summary.packets,
        )
    rtts = [st.sender.mean_rtt for st in end.streams if st.sender and st.sender.mean_rtt is not None]
    return Iperf3Outcome(
        received_mbps=received.bits_per_second / 1e6,
        sent_mbps=end.sum_sent.bits_per_second / 1e6,
        mean_rtt_ms=sum(rtts) / len(rtts) / 1000.0 if rtts else None,
    )


# How long past its test time a client may take to report before it counts as hung (iperf3's client
# can wait for ever for the end of a UDP test whose last exchange was lost: esnet/iperf#756); a hung
# run is tried once more.
END_MARGIN_S = 20.0


def _worth_another_try(error: str) -> bool:
    """iperf3 errors after which nothing was measured yet, so a new run is the same test.

    "busy" and "unable to receive control message": the server is finishing the previous test.
    "unable to read from stream socket": a UDP stream's set-up datagram (or its answer) was lost, and
    iperf3 does not retransmit it (esnet/iperf#862): on a lossy path a voice-load test can fail so.
    """
    return any(cause in error for cause in
               ("busy", "unable to receive control message", "unable to read from stream socket"))


def run_iperf3(
    host: str, port: int, args: Sequence[str], duration_s: float, udp: bool, binary: str = "iperf3"
) -> Iperf3Outcome:
    """One iperf3 client run; NotAssessedError with iperf3's own message when it fails."""
    exe = shutil.which(binary)
    label = f"{host}:{port}"
    if exe is None:
        raise NotAssessedError(label, "iperf3 is not installed (Debian package iperf3)")
    argv = [exe, "-c", host, "-p", str(port), "-t", f"{duration_s:g}", "--json", "--connect-timeout", "3000", *args]
    for attempt in range(3):
        limit_s = duration_s + END_MARGIN_S
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=limit_s, check=False)
        except subprocess.TimeoutExpired as exc:
            if attempt == 0:  # a UDP test's end exchange lost on a lossy path leaves the client waiting
                time.sleep(1.0)
                continue
            raise NotAssessedError(label, f"iperf3 did not finish within {limit_s:.0f} s") from exc
        try:
            report = _Report.model_validate_json(proc.stdout)
        except ValidationError:
            report = _Report(error=(proc.stderr or proc.stdout).strip()[:200] or f"exit {proc.returncode}")
        error = report.error
        if error and _worth_another_try(error) and attempt < 2:
            time.sleep(1.0)  # one test at a time, and its listener restarts after each test
            continue
        if error:
            raise NotAssessedError(label, f"iperf3: {error}")
        try:
            return _parse(report, udp)
        except ValueError as exc:
            raise NotAssessedError(label, f"iperf3 output lacks {exc}") from exc
    raise NotAssessedError(label, "iperf3 server stayed busy")
