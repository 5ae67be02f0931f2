"""The platform units by name, and the tables the rest of the project reads from them."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Final

from platforms import NAMES, detection
from platforms.base import Platform, Trait
from platforms.detection import Detection


def _load(name: str) -> Platform:
    unit: Platform = importlib.import_module(f"platforms.{name}").PLATFORM
    return unit


UNITS: Final[dict[str, Platform]] = {name: _load(name) for name in NAMES}


def unit(name: str) -> Platform | None:
    """The unit of platform ``name`` (None when no such platform).

    >>> unit("cisco_asa").title
    'Cisco ASA'
    """
    return UNITS.get(name)


def with_trait(trait: Trait) -> tuple[str, ...]:
    """The platforms that have ``trait``, in name order.

    >>> with_trait("stateful_firewall")
    ('cisco_asa', 'fortinet', 'juniper_junos', 'paloalto_panos')
    """
    return tuple(name for name, platform in UNITS.items() if trait in platform.traits)


def detect(outputs: Mapping[str, str]) -> Detection:
    """The platform the outputs' syntax shows, with confidence, runner-up and reasons."""
    return detection.detect(outputs, UNITS.values())
