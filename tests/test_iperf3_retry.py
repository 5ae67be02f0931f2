"""A UDP test whose set-up datagram was lost is run again (iperf3 does not retransmit it)."""

from __future__ import annotations

import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.probes.iperf3 import run_iperf3
from core.errors import NotAssessedError

# What iperf3 -J prints when the UDP stream's set-up datagram gets no answer (esnet/iperf#862).
LOST_SETUP = '{"start": {}, "intervals": [], "end": {}, "error": "error - unable to read from stream socket: "}'


@pytest.fixture()
def iperf3_server() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=5)


def _client_failing_first(tmp_path: Path, failures: int, failure: str = f"echo '{LOST_SETUP}'; exit 1") -> str:
    """An iperf3 that fails (``failure``, a shell command) ``failures`` times, then is the real client."""
    count = tmp_path / "runs"
    script = tmp_path / "iperf3"
    script.write_text(
        "#!/bin/sh\n"
        f'n=$(cat {count} 2>/dev/null || echo 0); echo $((n + 1)) > {count}\n'
        f'if [ "$n" -lt {failures} ]; then {failure}; fi\n'
        f'exec {shutil.which("iperf3")} "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_lost_udp_setup_is_tried_again_and_measured(tmp_path: Path, iperf3_server: int) -> None:
    client = _client_failing_first(tmp_path, failures=1)
    outcome = run_iperf3("127.0.0.1", iperf3_server, ["-u", "-b", "200K", "-l", "172"], 1, udp=True, binary=client)
    assert (tmp_path / "runs").read_text().strip() == "2"
    assert outcome.udp_packets and outcome.udp_packets > 100  # 200 kbit/s of 172-byte datagrams for 1 s


def test_a_setup_lost_every_time_is_not_assessed_with_iperf3s_words(tmp_path: Path) -> None:
    client = _client_failing_first(tmp_path, failures=5)
    with pytest.raises(NotAssessedError, match="unable to read from stream socket"):
        run_iperf3("127.0.0.1", 9, ["-u"], 1, udp=True, binary=client)
    assert (tmp_path / "runs").read_text().strip() == "3"  # bounded: three runs, then the reason




def test_a_client_that_hangs_is_run_once_more_then_not_assessed(tmp_path: Path, iperf3_server: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("collectors.probes.iperf3.END_MARGIN_S", 1.0)
    client = _client_failing_first(tmp_path, failures=1, failure="exec sleep 30")
    outcome = run_iperf3("127.0.0.1", iperf3_server, ["-u", "-b", "200K", "-l", "172"], 1, udp=True, binary=client)
    assert (tmp_path / "runs").read_text().strip() == "2" and outcome.udp_packets

    again = tmp_path / "again"
    again.mkdir()
    hung = _client_failing_first(again, failures=5, failure="exec sleep 30")
    with pytest.raises(NotAssessedError, match="did not finish within 2 s"):
        run_iperf3("127.0.0.1", iperf3_server, ["-u"], 1, udp=True, binary=hung)
    assert (again / "runs").read_text().strip() == "2"  # a hang costs one more run, no more
