"""Platform name -> parser, and platform auto-detection.

Each parser is a pure function ``parse(outputs) -> DeviceFacts`` where
``outputs`` maps a command (as run on the device) to its saved output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assess.errors import UserError
from assess.models.facts import DeviceFacts
from collectors.parsers import (
    arista_eos,
    cisco_asa,
    cisco_ios,
    cisco_nxos,
    detect,
    fortinet,
    juniper_junos,
    linux,
    mikrotik_routeros,
    paloalto_panos,
)

Parser = Callable[[Mapping[str, str]], DeviceFacts]
Detector = Callable[[Mapping[str, str]], bool]

# Explicit table: add one line per platform (no import-time registration).
PARSERS: dict[str, Parser] = {
    "cisco_ios": cisco_ios.parse,
    "cisco_xe": cisco_ios.parse_xe,
    "cisco_nxos": cisco_nxos.parse,
    "cisco_asa": cisco_asa.parse,
    "arista_eos": arista_eos.parse,
    juniper_junos.PLATFORM: juniper_junos.parse,
    fortinet.PLATFORM: fortinet.parse,
    mikrotik_routeros.PLATFORM: mikrotik_routeros.parse,
    paloalto_panos.PLATFORM: paloalto_panos.parse,
    linux.PLATFORM: linux.parse,
}

# Tried in order, first yes wins: most specific first, plain IOS (the most permissive) last.
# Other platforms add one (platform, detector) line above the IOS family.
DETECTORS: tuple[tuple[str, Detector], ...] = (
    (juniper_junos.PLATFORM, juniper_junos.detect),
    (fortinet.PLATFORM, fortinet.detect),
    (mikrotik_routeros.PLATFORM, mikrotik_routeros.detect),
    (paloalto_panos.PLATFORM, paloalto_panos.detect),
    (linux.PLATFORM, linux.detect),
    ("cisco_asa", detect.is_asa),
    ("cisco_nxos", detect.is_nxos),
    ("arista_eos", detect.is_eos),
    ("cisco_xe", detect.is_ios_xe),
    ("cisco_ios", detect.is_ios),
)


def parse_device(platform: str, outputs: Mapping[str, str]) -> DeviceFacts:
    """Parse one device's outputs with the parser for ``platform``."""
    parser = PARSERS.get(platform)
    if parser is None:
        known = ", ".join(sorted(PARSERS)) or "none yet"
        raise UserError(f"no parser for platform {platform!r} (known: {known})")
    return parser(outputs)


def detect_platform(outputs: Mapping[str, str]) -> str | None:
    """The platform whose banners/syntax the outputs show, or None when none matches."""
    for platform, detector in DETECTORS:
        if detector(outputs):
            return platform
    return None
