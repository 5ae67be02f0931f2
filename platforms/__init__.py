"""One unit per platform: its names, commands, detector cues, parser, secret rules and family traits.

Every other table of platforms (the plan's choices, the commands to collect, the parser registry, the
checks' platform families) is generated from the units. A unit is a module of this package named after
the platform; adding a platform is adding its module (see docs/adding-a-platform.md).
"""

from __future__ import annotations

from core.platform_names import LAYER_MODULES, NAMES

__all__ = ["LAYER_MODULES", "NAMES"]
