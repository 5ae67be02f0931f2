"""Which conntrack timer a SIP keep-alive flow lives on, measured on this kernel in two namespaces.

The Linux parser reports the shorter of ``nf_conntrack_udp_timeout`` and ``..._stream`` as the UDP
timer; this test shows why on the real kernel: one REGISTER/200 OK exchange leaves the entry on the
one-way timer, only a second exchange more than 2 s later moves it to the stream timer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from platforms.parsers.registry import parse_device
from tests.labtools import needs_lab

ONE_WAY_S, STREAM_S = 10, 100
# a rule that needs connection tracking, so the client namespace tracks its flows
NFT_TRACK = (
    "add table ip t; add chain ip t o { type filter hook output priority 0; }; add rule ip t o ct state new counter"
)
SYSCTL = (
    f"net.netfilter.nf_conntrack_udp_timeout = {ONE_WAY_S}\nnet.netfilter.nf_conntrack_udp_timeout_stream = {STREAM_S}"
)
EXCHANGE = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 40000)); s.settimeout(2)
s.sendto(b"keep-alive", ("192.0.2.2", 5060)); s.recvfrom(100)
"""
ECHO = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("192.0.2.2", 5060)); s.settimeout(10)
for _ in range(2):
    data, peer = s.recvfrom(100); s.sendto(data, peer)
"""


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=20).stdout


def _remaining_timeout(ns: str) -> int:
    listing = _run("ip", "netns", "exec", ns, "conntrack", "-L", "-p", "udp", "--dport", "5060")
    match = re.search(r"^udp\s+17\s+(\d+)\s", listing, re.M)
    assert match, listing
    return int(match.group(1))


@contextmanager
def _client_and_echo_server() -> Iterator[str]:
    """Two namespaces joined by a veth pair, a UDP echo on 192.0.2.2:5060; yields the client namespace."""
    tag = os.getpid()
    client, server = f"ctc{tag}", f"cts{tag}"
    echo = None
    try:
        for ns in (client, server):
            _run("ip", "netns", "add", ns)
        _run(
            "ip",
            "link",
            "add",
            f"vc{tag}",
            "netns",
            client,
            "type",
            "veth",
            "peer",
            "name",
            f"vs{tag}",
            "netns",
            server,
        )
        for ns, dev, addr in ((client, f"vc{tag}", "192.0.2.1/24"), (server, f"vs{tag}", "192.0.2.2/24")):
            _run("ip", "-n", ns, "addr", "add", addr, "dev", dev)
            _run("ip", "-n", ns, "link", "set", dev, "up")
        _run("ip", "netns", "exec", client, "nft", NFT_TRACK)
        timers = (
            f"net.netfilter.nf_conntrack_udp_timeout={ONE_WAY_S}",
            f"net.netfilter.nf_conntrack_udp_timeout_stream={STREAM_S}",
        )
        _run("ip", "netns", "exec", client, "sysctl", "-qw", *timers)
        echo = subprocess.Popen(["ip", "netns", "exec", server, sys.executable, "-c", ECHO])
        time.sleep(0.5)
        yield client
    finally:
        if echo is not None:
            echo.kill()
            echo.wait(timeout=5)
        for ns in (client, server):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False, timeout=20)


@pytest.mark.lab
@needs_lab
def test_a_keep_alive_flow_starts_on_the_one_way_timer_and_the_parser_reports_the_shorter_one() -> None:
    with _client_and_echo_server() as client:
        _run("ip", "netns", "exec", client, sys.executable, "-c", EXCHANGE)
        after_one = _remaining_timeout(client)
        time.sleep(3)
        _run("ip", "netns", "exec", client, sys.executable, "-c", EXCHANGE)
        after_two = _remaining_timeout(client)
    assert after_one <= ONE_WAY_S, "a single request/reply exchange stays on the one-way timer"
    assert STREAM_S - 5 <= after_two <= STREAM_S, "a flow still active after 2 s moves to the stream timer"
    assert parse_device("linux", {"sysctl -a": SYSCTL}).udp_timeout_s == ONE_WAY_S
