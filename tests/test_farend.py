"""`assess farend` on loopback: every service up in one command, `--check` names each dead one,
iperf3 is restarted when it dies, SIGTERM stops everything, and the survey checks first."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assess.farend.check import check_farend
from assess.farend.config import FarendPorts
from assess.link_survey import LinkProbeOptions, probe_link
from core.plan import Link, Voice

SECRET = "farend-test-secret"
pytestmark = pytest.mark.skipif(subprocess.run(["which", "iperf3"], capture_output=True).returncode != 0,
                                reason="needs iperf3")


def _free_port(kind: socket.SocketKind, pair: bool = False) -> int:
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if not pair or port < 65000:
            return port
    raise RuntimeError("no free port")


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    log: Path
    ports: dict[str, int]

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout_s: float = 15.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text())
            if found:
                return found
            assert self.proc.poll() is None, self.text()
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not in the log:\n{self.text()}")

    def port_args(self) -> list[str]:
        return [f"--{name}-port={port}" for name, port in self.ports.items()]


def _assess(args: list[str], secret: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ASSESS_SECRET"}
    if secret:
        env["ASSESS_SECRET"] = secret
    return subprocess.run([sys.executable, "-m", "assess", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


@pytest.fixture(scope="module")
def farend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    ports = {"reflector": _free_port(socket.SOCK_DGRAM), "iperf3": _free_port(socket.SOCK_STREAM),
             "stun": _free_port(socket.SOCK_DGRAM, pair=True), "stamp": _free_port(socket.SOCK_DGRAM)}
    log = tmp_path_factory.mktemp("farend") / "farend.log"
    env = {**os.environ, "ASSESS_SECRET": SECRET}
    argv = [sys.executable, "-m", "assess.farend", "--bind", "127.0.0.1", "--bind", "127.0.0.2",
            *[f"--{name}-port={port}" for name, port in ports.items()]]
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=out, env=env)
    running = Running(proc, log, ports)
    try:
        running.wait_for(r"farend: secret")
        yield running
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _check(farend: Running, secret: str | None, *extra: str) -> tuple[int, dict[str, dict[str, object]]]:
    done = _assess(["farend", "--check", f"127.0.0.1:{farend.ports['reflector']}", *farend.port_args()[1:],
                    "--json", *extra], secret)
    return done.returncode, {s["service"]: s for s in json.loads(done.stdout)["services"]}


def test_every_service_is_up_and_says_so_in_its_status_line(farend: Running) -> None:
    text = farend.text()
    for service in ("reflector", "iperf3", "stun", "stamp"):
        assert re.search(rf"farend: {service}\s+up ", text), text
    assert "RFC 5780 (two addresses" in text
    assert SECRET not in text
    code, services = _check(farend, SECRET)
    assert code == 0 and all(s["ok"] for s in services.values()), services
    assert set(services) == {"reflector", "iperf3", "stun", "stamp"}
    assert "authenticated mode, Class-of-Service TLV supported" in str(services["stamp"]["detail"])


def test_check_with_a_wrong_secret_names_the_services_that_need_it(farend: Running) -> None:
    code, services = _check(farend, "not-the-secret")
    assert code == 1
    assert not services["reflector"]["ok"] and not services["stun"]["ok"] and not services["stamp"]["ok"]
    assert services["iperf3"]["ok"]  # iperf3 has no shared secret


def test_check_names_a_dead_service_and_the_survey_skips_its_probe(farend: Running, tmp_path: Path) -> None:
    closed = _free_port(socket.SOCK_STREAM)
    done = _assess(["farend", "--check", f"127.0.0.1:{farend.ports['reflector']}", f"--iperf3-port={closed}",
                    f"--stun-port={farend.ports['stun']}", "--only", "reflector,iperf3,stun"], SECRET)
    assert done.returncode == 1
    assert re.search(rf"iperf3\s+DEAD\s+127\.0\.0\.1:{closed}", done.stdout), done.stdout
    assert "not answering: iperf3" in done.stderr and "reflector" not in done.stderr.split("not answering")[1]
    link = Link.model_validate({"name": "wan1", "contracted_up_mbps": 10, "contracted_down_mbps": 10,
                                "reflector": f"127.0.0.1:{farend.ports['reflector']}",
                                "iperf3": f"127.0.0.1:{closed}"})
    started = time.monotonic()
    _, missing = probe_link("site", link, Voice(), tmp_path, LinkProbeOptions(secret=SECRET), only={"bandwidth"})
    assert time.monotonic() - started < 15  # one check, no probe waiting for a dead server
    (item,) = missing
    assert item.item == "wan1: bandwidth probe"
    assert "iperf3" in item.reason and "did not answer the far-end check" in item.reason


def test_a_dead_iperf3_child_is_named_then_restarted(farend: Running) -> None:
    pid = int(farend.wait_for(r"iperf3\s+up .*pid (\d+)").group(1))
    os.kill(pid, signal.SIGKILL)
    found = check_farend("127.0.0.1", FarendPorts(**farend.ports), SECRET, only=["iperf3"])  # within the back-off
    assert [s.service for s in found.dead] == ["iperf3"]
    new_pid = int(farend.wait_for(r"iperf3\s+restarted, pid (\d+)").group(1))
    assert new_pid != pid
    time.sleep(0.3)
    code, services = _check(farend, SECRET, "--only", "iperf3")
    assert code == 0, services


def test_sigterm_stops_every_service_and_the_child(farend: Running) -> None:
    pids = [int(m) for m in re.findall(r"iperf3\s+(?:up .*pid|restarted, pid) (\d+)", farend.text())]
    farend.proc.send_signal(signal.SIGTERM)
    assert farend.proc.wait(timeout=10) == 0
    assert "farend: stopped" in farend.text()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    code, services = _check(farend, SECRET, "--only", "reflector,iperf3")
    assert code == 1 and not any(s["ok"] for s in services.values())


def test_bad_bind_is_one_line_exit_2() -> None:
    done = _assess(["farend", "--bind", "not-an-address"], None)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "not an IPv4 address" in done.stderr


def test_check_names_every_service_that_does_not_answer() -> None:
    ports = FarendPorts(reflector=_free_port(socket.SOCK_DGRAM), iperf3=_free_port(socket.SOCK_STREAM),
                        stun=_free_port(socket.SOCK_DGRAM, pair=True), stamp=_free_port(socket.SOCK_DGRAM))
    found = check_farend("127.0.0.1", ports, SECRET, timeout_s=0.6)
    assert [(s.service, s.target) for s in found.dead] == [
        (name, f"127.0.0.1:{getattr(ports, name)}") for name in ("reflector", "iperf3", "stun", "stamp")]


def test_check_without_a_secret_says_the_far_end_may_want_one(farend: Running) -> None:
    # README walkthrough: `assess farend --check HOST` without ASSESS_SECRET listed three dead services and no why
    done = _assess(["farend", "--check", f"127.0.0.1:{farend.ports['reflector']}", *farend.port_args()[1:]], None)
    assert done.returncode == 1
    assert "no secret given" in done.stderr and "ASSESS_SECRET" in done.stderr, done.stderr
    with_secret = _assess(["farend", "--check", f"127.0.0.1:{farend.ports['reflector']}", *farend.port_args()[1:],
                           "--iperf3-port=1"], SECRET)
    assert with_secret.returncode == 1 and "no secret given" not in with_secret.stderr
