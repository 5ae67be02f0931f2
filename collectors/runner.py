"""Collect every device of a site in parallel (nornir's threaded runner), never losing a result.

The survey calls :func:`collect_site`. Each device's outputs are on disk as
soon as each command finishes; a device that fails comes back as a
:class:`DeviceCollection` with ``ok=False`` and a reason, and the others go on.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType

from nornir.core import Nornir
from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
from nornir.core.task import Result, Task
from nornir.plugins.runners import ThreadedRunner

from collectors.base import CollectOptions, Collector, DeviceCollection, DeviceJob, ProgressEvent, ProgressHook
from collectors.base import not_assessed as _not_assessed
from collectors.commands import commands_for, netmiko_device_type
from collectors.credentials import CredentialCache, CredentialError, default_prompt
from collectors.evidence import Manifest, device_dir, read_manifest, write_manifest
from collectors.live import tool_versions
from collectors.registry import get_collector
from core.plan import PLATFORMS, Device, Site


def _safe_hook(on_progress: ProgressHook | None) -> ProgressHook:
    """Serialise progress callbacks across threads; a failing callback never stops collection."""
    lock = threading.Lock()

    def emit(event: ProgressEvent) -> None:
        if on_progress is None:
            return
        with lock:
            try:
                on_progress(event)
            except Exception:  # a broken progress bar must not cost evidence
                return

    return emit


def _live_problem(device: Device) -> str:
    if device.platform is None:
        return f"platform not set in the plan (live collection needs one of: {', '.join(PLATFORMS)})"
    if netmiko_device_type(device.platform) is None:
        return f"unknown platform {device.platform!r}: no collector for it"
    if not device.host:
        return "no host in the plan"
    return ""


def _prepare(
    site: str,
    device: Device,
    root: Path,
    live: bool,
    options: CollectOptions,
    cache: CredentialCache,
    cancel: threading.Event,
) -> DeviceJob | DeviceCollection:
    """A job for ``device``, or the result that says why it cannot be collected."""
    platform = device.platform or ""
    job = DeviceJob(
        site=site,
        device=device,
        platform=platform,
        commands=commands_for(platform),
        folder=device_dir(root, site, device.name),
        login=None,
        timeout_s=options.timeout_s or device.timeout_s,
        options=options,
        cancel=cancel,
    )
    if not live:
        return job
    problem = _live_problem(device)
    if not problem:
        try:
            return replace(job, login=cache.get(device.credentials, device.name))
        except CredentialError as exc:
            problem = f"credentials: {exc}"
    return _record_not_assessed(job, problem)


def _record_not_assessed(job: DeviceJob, reason: str) -> DeviceCollection:
    """The reason is written to the device's manifest too, so the evidence folder says why it is empty."""
    manifest = Manifest(
        device=job.device.name,
        platform=job.platform or None,
        host=job.device.host,
        via="netmiko",
        tool_versions=tool_versions(),
        host_key_policy=job.options.host_key_policy,
        reason=reason,
    )
    write_manifest(job.folder, manifest)
    result = _not_assessed(job, "netmiko", reason)
    result.host_key_policy = manifest.host_key_policy
    return result


def _already_done(job: DeviceJob) -> bool:
    manifest = read_manifest(job.folder)
    return manifest is not None and manifest.complete and not manifest.reason and bool(manifest.commands)


def _collect_task(task: Task, collector: Collector, resumed: Collector, emit: ProgressHook) -> Result:
    job: DeviceJob = task.host.data["job"]
    emit(ProgressEvent("device_started", job.site, job.device.name, 0, len(job.commands)))
    chosen = resumed if job.options.resume and _already_done(job) else collector
    try:
        result = chosen.collect(job, emit)
    except Exception as exc:  # a collector bug still yields a result for this device only
        result = _not_assessed(job, chosen.name, f"collector error: {type(exc).__name__}: {exc}")
    emit(
        ProgressEvent(
            "device_done",
            job.site,
            job.device.name,
            len(result.outputs),
            len(job.commands),
            ok=result.ok,
            reason=result.reason,
        )
    )
    return Result(host=task.host, result=result)


def _run_parallel(
    jobs: list[DeviceJob], collector: Collector, resumed: Collector, workers: int, emit: ProgressHook
) -> dict[str, DeviceCollection]:
    hosts = Hosts({job.device.name: Host(name=job.device.name, data={"job": job}) for job in jobs})
    inventory = Inventory(hosts=hosts, groups=Groups(), defaults=Defaults())
    nr = Nornir(inventory=inventory, runner=ThreadedRunner(num_workers=workers))
    run = nr.run(task=_collect_task, collector=collector, resumed=resumed, emit=emit, on_failed=True)
    results: dict[str, DeviceCollection] = {}
    for job in jobs:
        multi = run.get(job.device.name)
        found = multi[0].result if multi else None
        if isinstance(found, DeviceCollection):
            results[job.device.name] = found
        else:
            error = multi[0].exception if multi else "no result"
            results[job.device.name] = _not_assessed(job, collector.name, f"collector error: {error!r}")
    return results


@contextlib.contextmanager
def _ctrl_c_cancels(cancel: threading.Event) -> Iterator[None]:
    """While collecting, a first Ctrl-C stops every device at its next read (evidence so far is kept);
    a second one interrupts as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(_signum: int, _frame: FrameType | None) -> None:
        cancel.set()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def collect_site(
    site: Site,
    evidence_root: Path,
    *,
    offline_from: Path | None = None,
    options: CollectOptions | None = None,
    on_progress: ProgressHook | None = None,
    credentials: CredentialCache | None = None,
    cancel: threading.Event | None = None,
) -> list[DeviceCollection]:
    """Collect every device of ``site`` (live, or from ``offline_from``); one result per device, in plan order.

    Setting ``cancel`` (or pressing Ctrl-C once) stops collection: each unfinished device comes back
    "interrupted" with what it had already saved on disk.
    """
    cancel = cancel or threading.Event()
    options = options or CollectOptions()
    emit = _safe_hook(on_progress)
    live = offline_from is None
    collector = get_collector("netmiko") if live else get_collector("offline", source=offline_from)
    resumed = get_collector("offline", source=evidence_root)
    cache = credentials or CredentialCache(prompt=default_prompt())
    results: dict[str, DeviceCollection] = {}
    jobs: list[DeviceJob] = []
    # Credentials are resolved here, in the calling thread, so a prompt never races a worker.
    for device in site.devices:
        prepared = _prepare(site.name, device, evidence_root, live, options, cache, cancel)
        if isinstance(prepared, DeviceJob):
            jobs.append(prepared)
        else:
            results[device.name] = prepared
            emit(ProgressEvent("device_done", site.name, device.name, 0, 0, ok=False, reason=prepared.reason))
    if jobs:
        with _ctrl_c_cancels(cancel):
            results.update(_run_parallel(jobs, collector, resumed, options.workers, emit))
    return [results[d.name] for d in site.devices]
