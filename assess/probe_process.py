"""One probe request run in its own bounded process, the way the survey and the monitor run probes.

The request goes as JSON to ``python -m collectors.probes.worker`` on stdin: a probe that hangs is
killed at its time limit (or when ``stop`` is set), one that crashes cannot take the caller with it,
and a link with ``source_netns`` is measured from that Linux network namespace. The secret travels
in the environment, never on a command line or in the request.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from assess.secret_env import secret_env
from collectors.probes.probe_runner import ProbeResult
from collectors.probes.requests import ProbeRequest
from collectors.probes.worker import read_outcome

POLL_S = 0.5  # how often a running probe is checked against its deadline and the stop request


def worker_argv(source_netns: str | None) -> list[str]:
    """The command line of a probe worker (inside ``source_netns`` when given)."""
    argv = [sys.executable, "-m", "collectors.probes.worker"]
    return ["ip", "netns", "exec", source_netns, *argv] if source_netns else argv


def run_in_worker(request: ProbeRequest, time_limit_s: float, source_netns: str | None = None,
                  secret: str | None = None, stop: threading.Event | None = None) -> ProbeResult | str:
    """The result of ``request`` measured in a worker process, or why there is none."""
    try:
        proc = subprocess.Popen(worker_argv(source_netns), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=secret_env(secret))
    except OSError as exc:
        return f"could not start the probe: {exc.strerror or exc}"
    pending: str | None = request.model_dump_json()  # sent with the first wait only
    deadline = time.monotonic() + time_limit_s
    while True:
        try:
            out, err = proc.communicate(pending, timeout=POLL_S)
        except subprocess.TimeoutExpired:
            pending = None
            stopped = stop is not None and stop.is_set()
            if stopped or time.monotonic() > deadline:
                proc.kill()
                proc.communicate()
                return "stopped" if stopped else f"no answer within {time_limit_s:.0f} s; stopped"
            continue
        return read_outcome(request.kind, out, err, proc.returncode)
