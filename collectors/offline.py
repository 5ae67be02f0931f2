"""Offline collection: read a folder of saved evidence through the same interface as live collection."""

from __future__ import annotations

import time
from pathlib import Path

from collectors.base import DeviceCollection, DeviceJob, ProgressEvent, ProgressHook, not_assessed
from collectors.evidence import Manifest, device_dir, read_manifest, read_outputs, save_output
from core.errors import UserError
from platforms.redact import redact


class OfflineCollector:
    """Replays ``SOURCE/<site>/<device>/`` (what a live run wrote, or outputs saved by hand)."""

    name = "offline"

    def __init__(self, source: Path) -> None:
        self.source = source

    def collect(self, job: DeviceJob, emit: ProgressHook) -> DeviceCollection:
        """The saved outputs of ``job``'s device; a missing or empty folder is the reason it is not assessed."""
        started = time.monotonic()
        folder = device_dir(self.source, job.site, job.device.name)
        result = not_assessed(job, self.name, "")
        result.evidence_dir = folder
        if not folder.is_dir():
            return _failed(result, f"no saved evidence at {folder}")
        manifest = read_manifest(folder)
        # Saved outputs may come from outside assess (pasted by hand): redact them again before any
        # line can reach a finding's evidence, results.json or a report.
        try:
            outputs = {command: redact(text) for command, text in read_outputs(folder).items()}
        except UserError as exc:  # a manifest entry or file that leads out of the folder
            return _failed(result, str(exc))
        result.platform = job.platform or (manifest.platform if manifest else None) or None
        result.outputs = outputs
        result.commands = list(outputs) if manifest is None else [c.command for c in manifest.commands]
        if manifest is not None:
            result.host_key_policy = manifest.host_key_policy
            result.failed = {c.command: c.error for c in manifest.commands if not c.ok}
        for done, command in enumerate(result.commands):
            emit(ProgressEvent("command_done", job.site, job.device.name, done + 1, len(result.commands), command))
        if manifest is not None and manifest.reason:
            return _failed(result, manifest.reason)
        if manifest is not None and not manifest.complete:
            return _failed(result, "collection of this device was interrupted (incomplete evidence)")
        if not outputs:
            return _failed(result, f"no outputs in {folder}")
        if job.folder.resolve() != folder.resolve():
            _keep_copy(job, manifest, outputs)
        result.ok = True
        result.duration_s = round(time.monotonic() - started, 3)
        return result


def _keep_copy(job: DeviceJob, source: Manifest | None, outputs: dict[str, str]) -> None:
    """Save the redacted outputs into the run's own evidence folder, so a run's output is self-contained."""
    copy = Manifest(device=job.device.name, platform=job.platform or (source.platform if source else None),
                    host=job.device.host, via=f"offline copy of {source.via if source else 'saved outputs'}")
    if source is not None:
        copy.collected_at, copy.tool_versions = source.collected_at, source.tool_versions
        copy.host_key_policy = source.host_key_policy
    for command, text in outputs.items():
        save_output(job.folder, copy, command, text)


def _failed(result: DeviceCollection, reason: str) -> DeviceCollection:
    result.ok = False
    result.reason = reason
    return result
