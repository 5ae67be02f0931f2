"""A probe in its own process: one request as JSON on stdin, its outcome as JSON on stdout.

    echo '{"kind": "rtp", "host": "192.0.2.10", "duration_s": 5}' | python -m collectors.probes.worker

The survey and the monitor start this (inside a link's network namespace when it has one, killed
at a time limit) so a probe that hangs or crashes cannot take them with it. The shared secret
comes from ``ASSESS_SECRET`` in the environment, never from the request. Exit codes: 0 a result,
1 not assessed (the outcome is still printed), 2 a request that is not valid (one line on stderr).

With ``ASSESS_WAIT_TURN=1`` the request is the first line of stdin, and a probe with a part that
must wait for its turn (the NAT probe's binding-lifetime search, which never runs beside the
link's bandwidth test) writes ``TURN_MARK`` to stderr when it gets there and waits for the end of
stdin: the caller closes it when the turn comes.
"""

from __future__ import annotations

import json
import os
import sys

from pydantic import ValidationError

from collectors.probes.probe_runner import (
    RESULT_MODEL,
    ProbeResult,
    check_request,
    run_probe,
    unassessed_reason,
    with_secret,
)
from collectors.probes.requests import PROBE_REQUEST, ProbeKind, ProbeRequest

BAD_REQUEST_EXIT = 2
NOT_ASSESSED_EXIT = 1
TURN_ENV = "ASSESS_WAIT_TURN"
TURN_MARK = "waiting for its turn\n"


def wait_for_turn() -> None:
    """Say so on stderr, then wait until the caller closes stdin (the go-ahead; a kill ends it too)."""
    sys.stderr.write(TURN_MARK)
    sys.stderr.flush()
    sys.stdin.read()


def read_request(text: str) -> ProbeRequest:
    """The request in ``text``, with the secret of this process's environment (ValueError: not valid)."""
    try:
        request = PROBE_REQUEST.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"not a valid probe request: {where}: {first['msg']}") from None
    return with_secret(request, os.environ.get("ASSESS_SECRET") or None)


def read_outcome(kind: ProbeKind, stdout: str, stderr: str, returncode: int) -> ProbeResult | str:
    """The result a finished worker printed for a request of ``kind``, or why there is none."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        lines = (stderr or "").strip().splitlines()
        return lines[-1] if lines else f"probe exited with code {returncode} and no result"
    if isinstance(data, dict) and data.get("status") == "not_assessed":
        return str(data.get("reason") or "not assessed")
    try:
        return RESULT_MODEL[kind].model_validate(data)
    except ValidationError as exc:
        return f"unexpected probe output: {exc.errors()[0]['msg']}"


def main() -> int:
    """Run the request on stdin; print its outcome."""
    takes_turns = os.environ.get(TURN_ENV) == "1"
    try:
        request = read_request(sys.stdin.readline() if takes_turns else sys.stdin.read())
        check_request(request)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return BAD_REQUEST_EXIT
    outcome = run_probe(request, wait_for_turn if takes_turns else None)
    sys.stdout.write(outcome.model_dump_json(indent=2) + "\n")
    return NOT_ASSESSED_EXIT if unassessed_reason(outcome) is not None else 0


if __name__ == "__main__":
    sys.exit(main())
