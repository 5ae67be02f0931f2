"""Where the bundled sample survey (plan.yaml + evidence/) is installed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_dir() -> Path:
    """The bundled sample survey (plan.yaml + evidence/)."""
    return Path(str(resources.files("samples")))
