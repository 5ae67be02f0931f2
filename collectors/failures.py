"""One-line, secret-free reasons for what goes wrong while talking to a device."""

from __future__ import annotations

import socket

import paramiko
from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException, ReadTimeout

from collectors.base import Interrupted


class EnableError(Exception):
    """Logged in, but privileged (enable) mode was refused."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def login_failure(exc: BaseException, user: str, where: str, known_hosts: str) -> str:
    """Why a login to ``where`` failed."""
    cause = exc.__context__ or exc.__cause__
    if isinstance(exc, Interrupted):
        return f"interrupted by the user (Ctrl-C) while logging in to {where}"
    if isinstance(exc, ReadTimeout):
        return f"logged in to {where} but got no prompt within the time limit (the device hangs after login)"
    if isinstance(exc, EnableError):
        return f"{where}: {exc}"
    if isinstance(exc, NetmikoAuthenticationException):
        return f"authentication failed for user {user!r} on {where} (wrong password or key?)"
    if isinstance(cause, paramiko.BadHostKeyException):
        return (
            f"host key of {where} does not match {known_hosts} "
            "(possible man-in-the-middle or a replaced device); refused to log in"
        )
    if isinstance(cause, paramiko.SSHException) and "not found in known_hosts" in str(cause):
        return (
            f"host key of {where} is not in {known_hosts}; verify and add it, "
            "or run with accept-new host keys for first contact"
        )
    if isinstance(cause, paramiko.ssh_exception.NoValidConnectionsError) and cause.errors:
        cause = next(iter(cause.errors.values()))
    if isinstance(cause, OSError) and not isinstance(cause, socket.timeout):
        return f"cannot connect to {where}: {cause.strerror or _first_line(cause)}"
    if isinstance(exc, NetmikoTimeoutException) and ("No existing session" in str(exc) or "banner" in str(cause)):
        return f"no SSH session with {where}: it accepted TCP but never completed the SSH handshake in time"
    if isinstance(exc, NetmikoTimeoutException):
        detail = _first_line(cause) if cause is not None else _first_line(exc)
        return f"no SSH session with {where} ({detail})"
    return f"login to {where} failed: {type(exc).__name__}: {_first_line(exc)}"


def session_failure(exc: BaseException, command: str, done: int, total: int) -> str:
    """Why a session died during ``command`` (after ``done`` of ``total`` commands)."""
    if isinstance(exc, Interrupted):
        return f"interrupted by the user (Ctrl-C) during {command!r} after {done} of {total} commands"
    if isinstance(exc, ReadTimeout):
        what = "stopped answering (no prompt before the time limit)"
    elif isinstance(exc, OSError | EOFError):
        what = f"closed the session ({_first_line(exc)})"
    else:
        what = f"failed ({type(exc).__name__}: {_first_line(exc)})"
    return f"device {what} during {command!r} after {done} of {total} commands"
