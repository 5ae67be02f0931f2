"""One probe request run in its own bounded process, the way the survey and the monitor run probes.

The request goes as JSON to ``python -m collectors.probes.worker`` on stdin: a probe that hangs is
killed at its time limit (or when ``stop`` is set), one that crashes cannot take the caller with it,
and a link with ``source_netns`` is measured from that Linux network namespace. The secret travels
in the environment, never on a command line or in the request.

A :class:`Turn` lets the part of a probe that must not run yet wait inside the running worker (the
NAT probe's binding-lifetime search, until the link's bandwidth test has ended): the worker's
start and the probe's first part are then off the waiting side's path.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from assess.secret_env import secret_env
from collectors.probes.probe_runner import ProbeResult
from collectors.probes.requests import ProbeRequest
from collectors.probes.worker import TURN_ENV, TURN_MARK, read_outcome

POLL_S = 0.5  # how often a running probe is checked against its deadline and the stop request
TURN_POLL_S = 0.05  # how soon a worker waiting for its turn learns it has come


@dataclass
class Turn:
    """When the waiting part of a probe may go (``go``), and how long the worker stood waiting for it."""

    go: threading.Event = field(default_factory=threading.Event)
    waited_s: float = 0.0


def worker_argv(source_netns: str | None) -> list[str]:
    """The command line of a probe worker (inside ``source_netns`` when given)."""
    argv = [sys.executable, "-m", "collectors.probes.worker"]
    return ["ip", "netns", "exec", source_netns, *argv] if source_netns else argv


def run_in_worker(request: ProbeRequest, time_limit_s: float, source_netns: str | None = None,
                  secret: str | None = None, stop: threading.Event | None = None,
                  turn: Turn | None = None) -> ProbeResult | str:
    """The result of ``request`` measured in a worker process, or why there is none.

    With ``turn``, the worker waits before the part of the probe that needs it until ``turn.go`` is
    set; the time limit does not count that wait, and ``turn.waited_s`` says how long it was.
    """
    env = secret_env(secret)
    env.pop(TURN_ENV, None)
    if turn is not None:
        env[TURN_ENV] = "1"
    try:
        proc = subprocess.Popen(worker_argv(source_netns), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
    except OSError as exc:
        return f"could not start the probe: {exc.strerror or exc}"
    request_json = request.model_dump_json()
    pending: str | None = request_json  # sent with the first wait only
    deadline = time.monotonic() + time_limit_s
    heard = ""
    if turn is not None:
        assert proc.stdin is not None
        proc.stdin.write(request_json + "\n")  # one line; closing stdin later is the go-ahead
        proc.stdin.flush()
        pending = None
        went_on, heard = _wait_for_turn(proc, turn, stop, deadline)
        if not went_on:
            return _stopped(proc, stop, time_limit_s)
        deadline += turn.waited_s
    while True:
        try:
            out, err = proc.communicate(pending, timeout=POLL_S)
        except subprocess.TimeoutExpired:
            pending = None
            if (stop is not None and stop.is_set()) or time.monotonic() > deadline:
                return _stopped(proc, stop, time_limit_s)
            continue
        return read_outcome(request.kind, out, heard + err, proc.returncode)


def _stopped(proc: subprocess.Popen[str], stop: threading.Event | None, time_limit_s: float) -> str:
    """Kill the worker; why it gave no result."""
    proc.kill()
    proc.communicate()
    return "stopped" if stop is not None and stop.is_set() else f"no answer within {time_limit_s:.0f} s; stopped"


def _wait_for_turn(proc: subprocess.Popen[str], turn: Turn, stop: threading.Event | None,
                   deadline: float) -> tuple[bool, str]:
    """Hold the worker at its turn until ``turn.go``, or until a stop or the deadline comes first (False).

    Returns as soon as the go-ahead comes or the worker ends; the caller's next ``communicate``
    closes stdin, which lets the worker on. ``turn.waited_s``: from the worker's mark to the go-ahead.
    The second value is what the worker wrote on stderr meanwhile, its mark left out.
    """
    assert proc.stderr is not None
    marks = selectors.DefaultSelector()
    marks.register(proc.stderr.fileno(), selectors.EVENT_READ)
    heard, reached = b"", None
    try:
        while not turn.go.wait(TURN_POLL_S):
            if proc.poll() is not None:
                break  # ended before its turn (a failure, or no part to wait with): read what it said
            if stop is not None and stop.is_set():
                return False, ""
            if reached is None and time.monotonic() > deadline:  # the wait itself does not count
                return False, ""
            if reached is None and marks.select(0):
                heard += os.read(proc.stderr.fileno(), 4096)  # raw: nothing stays in the text wrapper's buffer
                if TURN_MARK.encode() in heard:
                    reached = time.monotonic()
        turn.waited_s = 0.0 if reached is None else time.monotonic() - reached
        return True, heard.decode(errors="replace").replace(TURN_MARK, "")
    finally:
        marks.close()
