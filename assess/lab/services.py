"""Far-end services of the lab: `assess farend` (everything in one command), or one by one
`assess reflector`, an iperf3 server and coturn (STUN, RFC 5780) when a test wants a peer tool."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from assess.lab import netns
from assess.secret_env import secret_env

if TYPE_CHECKING:
    from assess.lab.lab import Lab


def listening(ns: str, proto: str, port: int) -> bool:
    """True when something in ``ns`` listens on ``proto`` ("udp"/"tcp") ``port``."""
    flag = "-Hlun" if proto == "udp" else "-Hltn"
    return bool(netns.in_ns(ns, ["ss", flag, f"sport = :{port}"], check=False).strip())


def start_farend(lab: Lab) -> subprocess.Popen[bytes]:
    """Start `assess farend` on both far-end addresses: reflector, iperf3, STUN (RFC 5780) and STAMP."""
    svc = lab.config.services
    argv = [
        sys.executable, "-m", "assess.farend",
        "--bind", lab.far_ip, "--bind", lab.far_ip2,
        "--reflector-port", str(svc.reflector_port),
        "--iperf3-port", str(svc.iperf3_port if svc.iperf3 else 0),
        "--stun-port", str(svc.stun_port if svc.stun else 0),
        "--stamp-port", str(svc.stamp_port),
        "--log-dir", str(lab.workdir),
    ]
    log = (lab.workdir / "farend.log").open("ab")
    proc = lab.popen("far", argv, stdout=log, stderr=log, env=secret_env(svc.reflector_secret))
    log.close()
    return proc


def start_reflector(lab: Lab) -> subprocess.Popen[bytes]:
    """Start `assess reflector` on both far-end addresses."""
    svc = lab.config.services
    argv = [
        sys.executable,
        "-m",
        "reflector",  # the reflector alone: starts faster than the whole CLI
        "--bind",
        lab.far_ip,
        "--bind",
        lab.far_ip2,
        "--port",
        str(svc.reflector_port),
        *svc.reflector_args,
    ]
    log = (lab.workdir / "reflector.log").open("ab")
    proc = lab.popen("far", argv, stdout=log, stderr=log, env=secret_env(svc.reflector_secret))
    log.close()
    return proc


def start_iperf3(lab: Lab) -> None:
    """Start the iperf3 server as a daemon (its PID lives in the far namespace)."""
    port = str(lab.config.services.iperf3_port)
    netns.in_ns(
        lab.ns["far"],
        [
            "iperf3",
            "-s",
            "-B",
            lab.far_ip,
            "-p",
            port,
            "-D",
            "-I",
            str(lab.workdir / "iperf3.pid"),
            "--logfile",
            str(lab.workdir / "iperf3.log"),
        ],
    )


def start_stun(lab: Lab) -> subprocess.Popen[bytes]:
    """Start coturn as a STUN-only RFC 5780 server on both addresses, all state in the lab's temp dir."""
    d = lab.workdir
    argv = [
        "turnserver",
        "-n",
        "-L",
        lab.far_ip,
        "-L",
        lab.far_ip2,
        "-p",
        str(lab.config.services.stun_port),
        "--stun-only",
        "--no-auth",
        "--no-tls",
        "--no-dtls",
        "--no-cli",
        "--no-stdout-log",
        "--log-file",
        str(d / "turn.log"),
        "--simple-log",
        "--pidfile",
        str(d / "turn.pid"),
        "--userdb",
        str(d / "turndb"),
        "--no-software-attribute",
    ]
    log = (d / "turnserver.out").open("ab")
    proc = lab.popen("far", argv, stdout=log, stderr=log, cwd=str(d))
    log.close()
    return proc


def start_services(lab: Lab) -> None:
    """Start the configured far-end services and wait until each listens."""

    svc, far = lab.config.services, lab.ns["far"]
    if svc.farend:
        start_farend(lab)
        netns.wait_for(lambda: listening(far, "udp", svc.reflector_port), 15.0, "assess farend did not start")
        netns.wait_for(lambda: listening(far, "udp", svc.stamp_port), 5.0, "assess farend: no STAMP reflector")
        if svc.iperf3:
            netns.wait_for(lambda: listening(far, "tcp", svc.iperf3_port), 10.0, "assess farend: iperf3 did not start")
        if svc.stun:
            netns.wait_for(lambda: listening(far, "udp", svc.stun_port), 10.0, "assess farend: no STUN responder")
        return
    if svc.reflector:
        start_reflector(lab)
        netns.wait_for(lambda: listening(far, "udp", svc.reflector_port), 15.0, "the reflector did not start")
    if svc.iperf3:
        start_iperf3(lab)
        netns.wait_for(lambda: listening(far, "tcp", svc.iperf3_port), 10.0, "iperf3 -s did not start")
    if svc.stun:
        start_stun(lab)
        netns.wait_for(lambda: listening(far, "udp", svc.stun_port), 10.0, "turnserver did not start")
