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
# can wait for ever for the end of a UDP test whose last exchange was lost: esnet/iperf#756, #1527); a hung
# run is tried once more. The end exchange is a few round trips of a few kB over TCP: 10 s leaves room for
# three retransmissions at a 2 s loaded RTT, and a hang (2 of 11 lab surveys of the lossy warehouse path met one)
# costs the survey 13 s rather than 23 s.
END_MARGIN_S = 10.0
# iperf3's server serves one test at a time and closes and reopens its listener after each: a client
# that connects during another test is told "busy", one that connects during the previous test's last
# exchange is reset ("unable to receive control message"). Nothing was measured, so the same run is
# tried again after a short wait that doubles: the server is ready about one round trip after the
# previous client ends, and a server busy with someone else's test is given 3.1 s in all.
READY_WAITS_S = (0.1, 0.2, 0.4, 0.8, 1.6)
# Runs whose UDP stream's set-up datagram (or its answer) was lost: iperf3 does not retransmit it
# (esnet/iperf#862), so on a lossy path a voice-load test is run again, three runs in all.
SETUP_RUNS = 3


def _server_between_tests(error: str) -> bool:
    """iperf3 errors that say the server was busy or cycling its listener: nothing measured yet.

    A refused connection is one of them: `iperf3 -s --idle-timeout` re-opens its listener, and a far end restarts
    a server that died (assess/farend/iperf3_child.py), so the port is closed for a moment between two tests.
    """
    return "busy" in error or "unable to receive control message" in error or _refused(error)


def _refused(error: str) -> bool:
    return "Connection refused" in error


def _setup_lost(error: str) -> bool:
    return "unable to read from stream socket" in error


def _run_once(argv: list[str], limit_s: float) -> _Report | None:
    """One client run's report (iperf3's error in ``error``), or None when it did not end within ``limit_s``."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=limit_s, check=False)
    except subprocess.TimeoutExpired:
        return None
    try:
        return _Report.model_validate_json(proc.stdout)
    except ValidationError:
        return _Report(error=(proc.stderr or proc.stdout).strip()[:200] or f"exit {proc.returncode}")


def run_iperf3(
    host: str, port: int, args: Sequence[str], duration_s: float, udp: bool, binary: str = "iperf3"
) -> Iperf3Outcome:
    """One iperf3 client run; NotAssessedError with iperf3's own message when it fails."""
    exe = shutil.which(binary)
    label = f"{host}:{port}"
    if exe is None:
        raise NotAssessedError(label, "iperf3 is not installed (Debian package iperf3)")
    argv = [exe, "-c", host, "-p", str(port), "-t", f"{duration_s:g}", "--json", "--connect-timeout", "3000", *args]
    limit_s = duration_s + END_MARGIN_S
    waits, hangs, setups_lost = iter(READY_WAITS_S), 0, 0
    while True:
        report = _run_once(argv, limit_s)
        if report is None:
            hangs += 1
            if hangs == 1:  # a UDP test's end exchange lost on a lossy path leaves the client waiting
                continue
            raise NotAssessedError(label, f"iperf3 did not finish within {limit_s:.0f} s")
        error = report.error
        if error and _server_between_tests(error):
            wait = next(waits, None)
            if wait is None:
                stayed = "stayed closed" if _refused(error) else "stayed busy"
                raise NotAssessedError(label, f"iperf3 server {stayed}: {error}")
            time.sleep(wait)
            continue
        if error and _setup_lost(error):
            setups_lost += 1
            if setups_lost < SETUP_RUNS:
                continue
        if error:
            raise NotAssessedError(label, f"iperf3: {error}")
        try:
            return _parse(report, udp)
        except ValueError as exc:
            raise NotAssessedError(label, f"iperf3 output lacks {exc}") from exc
