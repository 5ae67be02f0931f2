"""Platform name -> parser, and platform auto-detection.

Each parser is a pure function ``parse(outputs) -> DeviceFacts`` where
``outputs`` maps a command (as run on the device) to its saved output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assess.errors import UserError
from assess.models.facts import DeviceFacts
from collectors.parsers import fortinet, juniper_junos, linux, mikrotik_routeros, paloalto_panos

Parser = Callable[[Mapping[str, str]], DeviceFacts]
Detector = Callable[[Mapping[str, str]], bool]

# Explicit table: add one line per platform (no import-time registration).
PARSERS: dict[str, Parser] = {
    juniper_junos.PLATFORM: juniper_junos.parse,
    fortinet.PLATFORM: fortinet.parse,
    mikrotik_routeros.PLATFORM: mikrotik_routeros.parse,
    paloalto_panos.PLATFORM: paloalto_panos.parse,
    linux.PLATFORM: linux.parse,
}

# Tried in order; the first detector that recognises the outputs names the platform.
DETECTORS: tuple[tuple[str, Detector], ...] = (
    (juniper_junos.PLATFORM, juniper_junos.detect),
    (fortinet.PLATFORM, fortinet.detect),
    (mikrotik_routeros.PLATFORM, mikrotik_routeros.detect),
    (paloalto_panos.PLATFORM, paloalto_panos.detect),
    (linux.PLATFORM, linux.detect),
)


def parse_device(platform: str, outputs: Mapping[str, str]) -> DeviceFacts:
    """Parse one device's outputs with the parser for ``platform``."""
    parser = PARSERS.get(platform)
    if parser is None:
        known = ", ".join(sorted(PARSERS)) or "none yet"
        raise UserError(f"no parser for platform {platform!r} (known: {known})")
    return parser(outputs)


def detect_platform(outputs: Mapping[str, str]) -> str:
    """The platform whose output these are; UserError when no detector recognises them."""
    for platform, detector in DETECTORS:
        if detector(outputs):
            return platform
    raise UserError("cannot tell the platform from the output; give it with --platform")
