"""Thin wrappers around ``ip netns``: run commands in a namespace, and tear one down by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence


class LabError(RuntimeError):
    """The lab could not be built (a command failed); the message names the command."""


def run(argv: Sequence[str], *, stdin: str | None = None, check: bool = True, timeout: float = 20.0) -> str:
    """Run a command in the root namespace, return stdout; raise LabError on failure."""
    proc = subprocess.run(list(argv), input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"{' '.join(argv)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def in_ns(ns: str, argv: Sequence[str], *, stdin: str | None = None, check: bool = True) -> str:
    """Run a command inside namespace ``ns``."""
    return run(["ip", "netns", "exec", ns, *argv], stdin=stdin, check=check)


def ns_argv(ns: str, argv: Sequence[str]) -> list[str]:
    """The argv that runs ``argv`` inside ``ns`` (for Popen)."""
    return ["ip", "netns", "exec", ns, *argv]


def existing() -> set[str]:
    """Names of the network namespaces that exist now."""
    out = run(["ip", "netns", "list"], check=False)
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def create(ns: str) -> None:
    """Create ``ns`` (refusing to reuse one) with loopback up and IPv6 off (no stray traffic)."""
    if ns in existing():
        raise LabError(f"network namespace {ns} already exists: choose another lab prefix")
    run(["ip", "netns", "add", ns])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])
    in_ns(ns, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"])


def pids(ns: str) -> list[int]:
    """PIDs of the processes running in ``ns``."""
    out = run(["ip", "netns", "pids", ns], check=False)
    return [int(p) for p in out.split() if p.isdecimal()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_pids(found: list[int], grace_s: float = 1.0) -> None:
    """SIGTERM these PIDs, then SIGKILL what is still alive after ``grace_s``."""
    for pid in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(_alive(p) for p in found):
        time.sleep(0.02)
    for pid in found:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def destroy(ns: str) -> None:
    """Kill every process in ``ns`` (by PID) and delete it; safe when it is already gone."""
    if ns not in existing():
        return
    kill_pids(pids(ns))
    run(["ip", "netns", "del", ns], check=False)


def wait_for(predicate: Callable[[], bool], timeout_s: float, message: str) -> None:
    """Poll ``predicate`` until true, else raise LabError(message)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, ValueError):
            pass  # e.g. a file being replaced at this instant
        time.sleep(0.02)
    raise LabError(message)
