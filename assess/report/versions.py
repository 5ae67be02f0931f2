"""Versions of the tools a report was produced with (shown in its appendix)."""

from __future__ import annotations

import platform
from functools import lru_cache
from importlib import metadata

_PACKAGES = ("assess", "netmiko", "napalm", "weasyprint", "matplotlib", "pydantic")


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    """Python and the installed versions of the packages behind a survey (missing ones left out)."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
