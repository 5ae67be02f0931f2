"""Live collection over SSH with netmiko: log in, run the platform's commands, save each output redacted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import paramiko
from netmiko import BaseConnection, ConnectHandler
from netmiko.exceptions import ReadTimeout

from collectors.base import DeviceCollection, DeviceJob, Interrupted, ProgressEvent, ProgressHook, not_assessed
from collectors.commands import follow_ups, needs_enable, netmiko_device_type
from collectors.evidence import Manifest, read_outputs, record_failure, save_output, write_manifest
from collectors.failures import EnableError, login_failure, session_failure
from collectors.hostkeys import AcceptNewPolicy
from collectors.napalm_getters import run_getters
from platforms.redact import redact

_CONNECT_CAP_S = 15.0


def tool_versions() -> dict[str, str]:
    """Versions of the libraries that did the collecting (recorded in every manifest)."""
    found: dict[str, str] = {}
    for name in ("netmiko", "paramiko", "napalm"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _connect_params(job: DeviceJob, device_type: str) -> dict[str, Any]:
    # netmiko takes keyword arguments; this dict never leaves this module.
    login = job.login
    assert login is not None
    connect_s = min(job.timeout_s, _CONNECT_CAP_S)
    return {
        "device_type": device_type,
        "host": job.device.host,
        "port": job.device.port,
        "username": login.username,
        "password": login.password.get_secret_value() if login.password else "",
        "secret": login.enable_secret.get_secret_value() if login.enable_secret else "",
        "use_keys": login.key_file is not None,
        "key_file": str(login.key_file) if login.key_file else None,
        "allow_agent": False,
        "ssh_strict": True,
        "system_host_keys": False,
        "alt_host_keys": True,
        "alt_key_file": str(job.options.known_hosts_path),
        "conn_timeout": connect_s,
        "auth_timeout": connect_s,
        "banner_timeout": connect_s,
        "auto_connect": False,
    }


class NetmikoCollector:
    """Collects a device over SSH with netmiko (napalm getters too where napalm has a driver)."""

    name = "netmiko"

    def collect(self, job: DeviceJob, emit: ProgressHook) -> DeviceCollection:
        """Log in, run every command, save each output as it arrives; failures become the reason."""
        started = time.monotonic()
        manifest = Manifest(
            device=job.device.name,
            platform=job.platform,
            host=job.device.host,
            via=self.name,
            tool_versions=tool_versions(),
            host_key_policy=job.options.host_key_policy,
            complete=False,
        )
        write_manifest(job.folder, manifest)
        result = self._run(job, manifest, emit, deadline=started + job.timeout_s)
        manifest.complete = True
        manifest.reason = result.reason
        write_manifest(job.folder, manifest)
        result.duration_s = round(time.monotonic() - started, 3)
        result.host_key_policy = manifest.host_key_policy
        return result

    def _login(self, job: DeviceJob, manifest: Manifest, deadline: float) -> BaseConnection:
        device_type = netmiko_device_type(job.platform)
        assert device_type is not None
        conn = ConnectHandler(**_connect_params(job, device_type))
        _bound_session(conn, deadline, job.cancel)  # before connecting: login waits are bounded too
        policy: paramiko.MissingHostKeyPolicy = paramiko.RejectPolicy()
        if job.options.accept_new_host_keys:
            policy = AcceptNewPolicy(job.options.known_hosts_path)
        conn.key_policy = policy
        conn._open()  # netmiko's own connect step, after our host-key policy is in place
        if isinstance(policy, AcceptNewPolicy) and policy.accepted:
            manifest.host_key_policy += f" (first contact: accepted {policy.accepted})"
        if needs_enable(job.platform) and not conn.check_enable_mode():
            try:
                conn.enable()
            except ValueError:
                _close(conn, graceful=False)
                raise EnableError("could not enter enable mode (wrong enable secret?)") from None
        return conn

    def _run(self, job: DeviceJob, manifest: Manifest, emit: ProgressHook, deadline: float) -> DeviceCollection:
        where = f"{job.device.host}:{job.device.port}"
        if job.cancel.is_set():
            return not_assessed(job, self.name, "interrupted by the user (Ctrl-C) before collection started")
        try:
            conn = self._login(job, manifest, deadline)
        except Exception as exc:  # any login failure is this device's reason, never the run's crash
            user = job.login.username if job.login else "?"
            return not_assessed(job, self.name, login_failure(exc, user, where, str(job.options.known_hosts_path)))
        failed: dict[str, str] = {}
        reason = ""
        try:
            reason = self._run_commands(conn, job, manifest, emit, deadline, failed)
        finally:
            _close(conn, graceful=not reason)
        if not reason and job.options.napalm_getters and not job.cancel.is_set():
            failed.update(run_getters(job, manifest, deadline))
        result = not_assessed(job, self.name, reason)
        result.commands = list(dict.fromkeys([*job.commands, *(c.command for c in manifest.commands)]))
        result.ok = not reason
        result.outputs = read_outputs(job.folder)
        result.failed = failed
        return result

    def _run_commands(
        self,
        conn: BaseConnection,
        job: DeviceJob,
        manifest: Manifest,
        emit: ProgressHook,
        deadline: float,
        failed: dict[str, str],
    ) -> str:
        pending = list(job.commands)
        for done, command in enumerate(_drain(pending)):
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 1:
                    raise TimeoutError(f"device time limit of {job.timeout_s:g} s reached")
                text = conn.send_command(command, read_timeout=remaining, auto_find_prompt=False)
            except Exception as exc:  # the session is gone or hung: stop this device, keep what is saved
                reason = session_failure(exc, command, done, done + 1 + len(pending))
                failed[command] = reason
                record_failure(job.folder, manifest, command, reason)
                emit(_command_done(job, done + 1, done + 1 + len(pending), command, reason))
                return reason
            output = str(text).lstrip("\r\n")
            save_output(job.folder, manifest, command, redact(output))
            pending.extend(follow_ups(job.platform, command, output))
            emit(_command_done(job, done + 1, done + 1 + len(pending), command))
        return ""


def _command_done(job: DeviceJob, done: int, total: int, command: str, reason: str = "") -> ProgressEvent:
    return ProgressEvent("command_done", job.site, job.device.name, done, total, command, not reason, reason)


def _drain(pending: list[str]) -> Iterator[str]:
    """Yield commands from ``pending`` while it is being extended."""
    while pending:
        yield pending.pop(0)


def _bound_session(conn: BaseConnection, deadline: float, cancel: threading.Event) -> None:
    """Make netmiko notice a dead session or a Ctrl-C at once, and keep its waits inside the time limit.

    netmiko polls a closed channel until its read timeout (it sees "no data",
    not "closed"), its command-echo wait is a fixed 10 s, and its login-time
    prompt searches have their own timeouts; every read here checks the
    device's deadline instead.
    """
    echo = conn.command_echo_read
    read = conn.read_channel

    def echo_read(cmd: str, read_timeout: float) -> str:
        return echo(cmd=cmd, read_timeout=max(1.0, min(read_timeout, deadline - time.monotonic())))

    def read_channel() -> str:
        if cancel.is_set():
            raise Interrupted("interrupted by the user (Ctrl-C)")
        if time.monotonic() > deadline:
            raise ReadTimeout("device time limit reached")
        data = read()
        channel = getattr(conn, "remote_conn", None)
        if not data and isinstance(channel, paramiko.Channel) and channel.closed:
            raise EOFError("connection closed by the device")
        return data

    conn.command_echo_read = echo_read  # type: ignore[method-assign]
    conn.read_channel = read_channel  # type: ignore[method-assign]


def _close(conn: BaseConnection, *, graceful: bool) -> None:
    """Close the session; a dead session is torn down without waiting for the device."""
    try:
        if graceful:
            conn.disconnect()
        else:
            conn.paramiko_cleanup()
    except Exception:  # closing a broken session must not turn a result into a crash
        return
