"""The collector interface: what a collector is given, what it returns, how it reports progress.

Nornir style: a collector is a small object satisfying :class:`Collector`,
looked up by name (``collectors/registry.py``). A collector never raises for a
device problem: it returns a :class:`DeviceCollection` with ``ok=False`` and a
one-line ``reason`` that the report shows as "not assessed — reason".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from collectors.credentials import Login
from core.plan import Device

DEFAULT_KNOWN_HOSTS = Path("~/.ssh/known_hosts")


class CollectOptions(BaseModel):
    """How a collection run behaves (the survey's command-line options end up here)."""

    workers: int = Field(default=8, ge=1, le=256, description="devices collected at the same time")
    timeout_s: float | None = Field(default=None, gt=0, description="per-device time limit; overrides the plan")
    known_hosts: Path = Field(default=DEFAULT_KNOWN_HOSTS, description="SSH host keys checked on every login")
    accept_new_host_keys: bool = Field(
        default=False, description="trust and record a device's key on first contact (a changed key is still refused)"
    )
    napalm_getters: bool = Field(default=True, description="also store napalm get_facts/get_config/get_interfaces")
    resume: bool = Field(default=False, description="reuse devices already collected completely in evidence_root")

    @property
    def host_key_policy(self) -> str:
        """The host-key rule in words, for the manifest and the report's appendix."""
        mode = "accept-new" if self.accept_new_host_keys else "strict"
        return f"{mode}: known_hosts {self.known_hosts_path}"

    @property
    def known_hosts_path(self) -> Path:
        """The known_hosts file with ``~`` expanded."""
        return self.known_hosts.expanduser()


@dataclass(frozen=True)
class DeviceJob:
    """One device to collect: everything a collector needs, credentials already resolved."""

    site: str
    device: Device
    platform: str
    commands: tuple[str, ...]
    folder: Path
    login: Login | None
    timeout_s: float
    options: CollectOptions
    # Set on Ctrl-C: collectors stop at the next read and report the device as interrupted.
    cancel: threading.Event = field(default_factory=threading.Event)


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C) while this device was being collected."""


class DeviceCollection(BaseModel):
    """What collection got from one device (outputs are redacted; no credentials in here)."""

    site: str
    device: str
    platform: str | None = None
    host: str = ""
    via: str
    commands: list[str] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    failed: dict[str, str] = Field(default_factory=dict, description="command -> why it has no output")
    ok: bool = True
    reason: str = ""
    evidence_dir: Path | None = None
    duration_s: float = 0.0
    host_key_policy: str = Field(default="", description="how the SSH host key was checked (report appendix)")


@dataclass(frozen=True)
class ProgressEvent:
    """A step of the run, for progress bars and logs (never carries output or secrets)."""

    kind: Literal["device_started", "command_done", "device_done"]
    site: str
    device: str
    done: int
    total: int
    command: str = ""
    ok: bool = True
    reason: str = ""


ProgressHook = Callable[[ProgressEvent], None]


class Collector(Protocol):
    """Collects one device's outputs and saves them as evidence."""

    name: str

    def collect(self, job: DeviceJob, emit: ProgressHook) -> DeviceCollection:
        """Collect ``job``; failures come back as ``ok=False`` with a reason, never as an exception."""
        ...


def not_assessed(job: DeviceJob, via: str, reason: str) -> DeviceCollection:
    """A result for a device that could not be collected at all."""
    return DeviceCollection(
        site=job.site,
        device=job.device.name,
        platform=job.platform or None,
        host=job.device.host,
        via=via,
        commands=list(job.commands),
        ok=False,
        reason=reason,
        evidence_dir=job.folder,
    )
