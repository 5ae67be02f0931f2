"""Atomic file writes: a reader (or a crash, or Ctrl-C) never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from core.errors import UserError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to a temp file in ``path``'s folder, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale(folder: Path, names: tuple[str, ...]) -> None:
    """Delete ``names`` from ``folder`` (missing ones are fine): a rerun never leaves old reports beside new results."""
    for name in names:
        (folder / name).unlink(missing_ok=True)


def ensure_out_dir(path: Path, option: str = "--out") -> Path:
    """``path`` created if needed and writable; UserError (one line) when it is a file or not writable."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{option} {path}: exists and is not a directory") from None
    except OSError as exc:
        raise UserError(f"{option} {path}: cannot create the folder: {exc.strerror or exc}") from None
    if not path.is_dir():
        raise UserError(f"{option} {path}: exists and is not a directory")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"{option} {path}: the folder is not writable")
    return path
