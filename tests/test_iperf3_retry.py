"""iperf3 runs that measured nothing are run again, within bounds: a UDP test whose set-up datagram was lost
(iperf3 does not retransmit it), a client that hung, and a server busy or between two tests."""

from __future__ import annotations

import shutil
import socket
import stat
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from collectors.probes.iperf3 import run_iperf3
from core.errors import NotAssessedError

# What iperf3 -J prints when the UDP stream's set-up datagram gets no answer (esnet/iperf#862).
LOST_SETUP = '{"start": {}, "intervals": [], "end": {}, "error": "error - unable to read from stream socket: "}'


@pytest.fixture()
def iperf3_server(tmp_path: Path) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "iperf3-server.log"
    server = subprocess.Popen(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(port), "--logfile", str(log),
                               "--forceflush"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Ready when it says so: a trial connection would itself be a client hanging up, after which the
    # server closes and reopens its listener, and the test's first client could meet that.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (log.exists() and "Server listening" in log.read_text()):
        time.sleep(0.02)
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


ACCESS_DENIED = b"\xff"  # iperf3's state byte -1: the server is running another test (iperf_api.h)
COOKIE_LEN = 37  # a client's control connection starts with its 37-byte cookie


def _deny(conn: socket.socket) -> None:
    conn.sendall(ACCESS_DENIED)


def _reset(conn: socket.socket) -> None:
    # what a client meets when it connects while the server ends the previous test: iperf3 closes its
    # listener after each test, and the kernel resets the connections still waiting in its backlog
    conn.recv(COOKIE_LEN)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.fixture(params=[(_deny, "the server is busy"), (_reset, "unable to receive control message")],
                ids=["busy", "reset"])
def server_between_tests(request: pytest.FixtureRequest) -> Iterator[tuple[int, list[float], str]]:
    """A TCP listener answering every connection as an iperf3 server that is not free for a test, and
    the words of iperf3's client for it."""
    answer: Callable[[socket.socket], None] = request.param[0]
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    connections: list[float] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                connections.append(time.monotonic())
                answer(conn)

    thread = threading.Thread(target=serve)
    thread.start()
    yield listener.getsockname()[1], connections, request.param[1]
    done.set()
    thread.join()
    listener.close()


def test_a_server_between_tests_is_asked_again_after_short_doubling_waits_then_not_assessed(
        server_between_tests: tuple[int, list[float], str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("collectors.probes.iperf3.READY_WAITS_S", (0.1, 0.2, 0.4))
    port, connections, words = server_between_tests
    with pytest.raises(NotAssessedError, match=f"stayed busy: .*{words}"):
        run_iperf3("127.0.0.1", port, ["-b", "1M"], 1, udp=False)
    assert len(connections) == 4  # the first run and one after each wait, no more
    gaps = [later - earlier for earlier, later in pairwise(connections)]
    for gap, wait in zip(gaps, (0.1, 0.2, 0.4), strict=True):
        assert wait <= gap < wait + 0.5  # the wait itself plus one iperf3 start, not a fixed second


def test_a_client_that_finds_the_server_busy_runs_whole_once_the_other_test_ends(iperf3_server: int) -> None:
    other = subprocess.Popen(["iperf3", "-c", "127.0.0.1", "-p", str(iperf3_server), "-t", "1", "-b", "1M"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)  # the other test is running
    outcome = run_iperf3("127.0.0.1", iperf3_server, ["-b", "2M"], 1, udp=False)
    other.wait(timeout=10)
    assert other.returncode == 0  # the other test was not disturbed
    assert 1.8 < outcome.received_mbps < 2.2  # our own test ran whole, at its own rate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_closed_port_is_asked_again_then_not_assessed_as_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("collectors.probes.iperf3.READY_WAITS_S", (0.1, 0.2))
    with pytest.raises(NotAssessedError, match=r"stayed closed: .*Connection refused"):
        run_iperf3("127.0.0.1", _free_port(), ["-b", "1M"], 1, udp=False)


def test_a_server_reopening_its_listener_is_measured_once_it_listens(tmp_path: Path) -> None:
    """The far end's iperf3 closes its port for a moment between tests (or while restarted): a refused connect is
    asked again, as a busy server is, and the test then runs whole."""
    port = _free_port()
    argv = ["iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", str(port), "--logfile", str(tmp_path / "s.log")]
    servers: list[subprocess.Popen[bytes]] = []
    timer = threading.Timer(0.25, lambda: servers.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL)))
    timer.start()
    try:
        outcome = run_iperf3("127.0.0.1", port, ["-b", "1M"], 1, udp=False)
    finally:
        timer.join()
        for server in servers:
            server.terminate()
            server.wait(timeout=5)
    assert 0.5 < outcome.received_mbps < 2  # the 1 Mbit/s asked for, measured by the server
