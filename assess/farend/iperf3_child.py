"""The bandwidth responder: `iperf3 -s` as a managed child process, restarted if it dies.

iperf3's server serves one test at a time and sometimes exits on a broken client; a far end that
silently loses its bandwidth responder makes every later survey link "not assessed". So the child
is watched and restarted with a growing back-off (1 s doubling to 30 s, reset after a minute up),
and stopped by its PID (SIGTERM, then SIGKILL after 3 s) when `assess farend` stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
HEALTHY_AFTER_S = 60.0
MAX_OPEN_FILES = 256  # one test at a time needs a handful; a bound keeps a misbehaving child small


def iperf3_argv(binary: str, bind: str, port: int, max_mbps: float, idle_restart_s: int,
                log_file: Path | None) -> list[str]:
    """The server command line (no -D: we keep the PID; no --one-off: it serves test after test)."""
    argv = [binary, "-s", "-p", str(port), "--server-bitrate-limit", f"{max_mbps:g}M",
            "--idle-timeout", str(idle_restart_s)]
    if bind != "0.0.0.0":
        argv += ["-B", bind]
    if log_file is not None:
        argv += ["--logfile", str(log_file)]
    return argv


def _limit_child() -> None:
    # Runs in the child before exec: bounded descriptors, and no core dumps of a crashed server.
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Iperf3Child:
    """Keeps one iperf3 server running until :meth:`stop`."""

    def __init__(self, argv: list[str], status: Callable[[str], None]) -> None:
        self.argv = argv
        self.status = status
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = False

    def start(self) -> None:
        """Start the server now (raises OSError when the binary cannot run)."""
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_limit_child, start_new_session=True,  # Ctrl-C reaches us, and we stop it by PID
        )

    @property
    def pid(self) -> int | None:
        """PID of the running server."""
        return self.proc.pid if self.proc is not None else None

    async def watch(self) -> None:
        """Restart the server whenever it exits, until cancelled."""
        backoff = BACKOFF_FIRST_S
        while True:
            started = time.monotonic()
            while self.proc is not None and self.proc.poll() is None:
                await asyncio.sleep(0.5)
            if self._stopping:
                return
            code = self.proc.returncode if self.proc is not None else None
            if time.monotonic() - started > HEALTHY_AFTER_S:
                backoff = BACKOFF_FIRST_S
            self.status(f"iperf3     exited (code {code}); restarting in {backoff:g} s")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_S)
            try:
                self.start()
            except OSError as exc:
                self.status(f"iperf3     DEAD: cannot start {self.argv[0]}: {exc.strerror or exc}")
                self.proc = None
                continue
            self.restarts += 1
            self.status(f"iperf3     restarted, pid {self.pid}")

    def stop(self) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL after 3 s."""
        self._stopping = True
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
