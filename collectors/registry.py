"""Collector name -> collector (explicit table, nornir style; no registration by import side effect)."""

from __future__ import annotations

from pathlib import Path

from collectors.base import Collector
from collectors.live import NetmikoCollector
from collectors.offline import OfflineCollector

COLLECTOR_NAMES = ("netmiko", "offline")


def get_collector(name: str, *, source: Path | None = None) -> Collector:
    """The collector called ``name`` (``offline`` reads from ``source``)."""
    if name == "netmiko":
        return NetmikoCollector()
    if name == "offline":
        if source is None:
            raise ValueError("the offline collector needs a source folder")
        return OfflineCollector(source)
    raise ValueError(f"unknown collector {name!r} (known: {', '.join(COLLECTOR_NAMES)})")
