"""The on-disk evidence layout shared by live and offline collection.

    EVIDENCE/<site>/<device>/<command-file>.txt   raw (redacted) output, one per command
    EVIDENCE/<site>/<device>/manifest.json        what was run, when, how, and what failed

A live survey writes exactly what ``assess survey --offline EVIDENCE`` reads back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from collectors import MANIFEST as MANIFEST  # re-exported: where callers have always found it
from core.atomic import write_atomic
from core.safe_names import SafeName, inside


class CommandRecord(BaseModel):
    """One command run on a device and where its output is."""

    command: str
    file: SafeName  # a plain name: a manifest can only name files inside its own folder
    ok: bool = True
    error: str = ""


class Manifest(BaseModel):
    """How a device's evidence was collected."""

    device: str
    platform: str | None = None
    host: str = ""
    collected_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    via: str = "offline"
    tool_versions: dict[str, str] = Field(default_factory=dict)
    host_key_policy: str = ""
    commands: list[CommandRecord] = Field(default_factory=list)
    # Live collection writes complete=False first and True at the end; folders made by hand have neither.
    complete: bool = True
    reason: str = Field(default="", description="why the device was not assessed (empty when it was)")


def command_filename(command: str) -> str:
    """File name for a command's output.

    >>> command_filename("show running-config")
    'show_running-config.txt'
    >>> command_filename("/ip firewall filter export")
    'ip_firewall_filter_export.txt'
    """
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", command.strip()).strip("_")
    return f"{slug or 'output'}.txt"


def device_dir(root: Path, site: str, device: str) -> Path:
    """Folder holding one device's evidence (both names checked; the path stays under ``root``)."""
    return inside(root, site, device)


def save_output(folder: Path, manifest: Manifest, command: str, text: str) -> None:
    """Save one (already redacted) command output and record it in the manifest on disk."""
    name = command_filename(command)
    write_atomic(folder / name, text)
    manifest.commands = [c for c in manifest.commands if c.command != command]
    manifest.commands.append(CommandRecord(command=command, file=name))
    write_manifest(folder, manifest)


def record_failure(folder: Path, manifest: Manifest, command: str, error: str) -> None:
    """Record on disk that ``command`` produced no output, and why."""
    manifest.commands = [c for c in manifest.commands if c.command != command]
    manifest.commands.append(CommandRecord(command=command, file=command_filename(command), ok=False, error=error))
    write_manifest(folder, manifest)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write a device's manifest atomically."""
    write_atomic(folder / MANIFEST, manifest.model_dump_json(indent=2))


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a device folder, or None when absent or unreadable."""
    try:
        return Manifest.model_validate_json((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError):
        return None


def read_outputs(folder: Path) -> dict[str, str]:
    """Command -> output for a device folder (manifest order; without one, file name -> text).

    Every file read must resolve inside ``folder`` (UnsafePathError otherwise: a symbolic link out).
    """
    manifest = read_manifest(folder)
    outputs: dict[str, str] = {}
    if manifest is not None:
        for rec in manifest.commands:
            path = inside(folder, rec.file)
            if rec.ok and path.is_file():
                outputs[rec.command] = path.read_text(encoding="utf-8", errors="replace")
        return outputs
    for found in sorted(folder.glob("*.txt")):
        path = inside(folder, found.name)
        outputs[path.stem.replace("_", " ")] = path.read_text(encoding="utf-8", errors="replace")
    return outputs
