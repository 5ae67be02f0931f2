"""Platform name -> parser, and platform auto-detection.

Each parser is a pure function ``parse(outputs) -> DeviceFacts`` where
``outputs`` maps a command (as run on the device) to its saved output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assess.errors import UserError
from assess.models.facts import DeviceFacts

Parser = Callable[[Mapping[str, str]], DeviceFacts]

# Explicit table: add one line per platform (no import-time registration).
PARSERS: dict[str, Parser] = {}


def parse_device(platform: str, outputs: Mapping[str, str]) -> DeviceFacts:
    """Parse one device's outputs with the parser for ``platform``."""
    parser = PARSERS.get(platform)
    if parser is None:
        known = ", ".join(sorted(PARSERS)) or "none yet"
        raise UserError(f"no parser for platform {platform!r} (known: {known})")
    return parser(outputs)
