"""Shared set-up for live-collection tests: namespace routers, fake-switches, plan devices."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/sbin/sshd").exists() or shutil.which("nft") is None,
    reason="live collection lab needs root, /usr/sbin/sshd and nft (network namespaces)",
)
FAKE_SWITCHES = Path(sys.executable).parent / "fake-switches"
needs_fake_switches = pytest.mark.skipif(
    not FAKE_SWITCHES.exists(), reason="fake-switches not installed (./dev installs it into .venv)"
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fake_switch(hostname: str = "sw1") -> Iterator[int]:
    """An emulated Cisco IOS switch (fake-switches) on 127.0.0.1; yields its port. User root/root."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(FAKE_SWITCHES),
            "--model",
            "cisco_2960_48TT_L",
            "--hostname",
            hostname,
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("fake-switches did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.kill()
        proc.wait(timeout=10)
