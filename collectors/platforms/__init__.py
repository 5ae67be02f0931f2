"""One unit per platform: its names, commands, detector cues, parser, secret rules and family traits.

Every other table of platforms (the plan's choices, the commands to collect, the parser registry, the
checks' platform families) is generated from the units. A unit is a module of this package named after
the platform; adding a platform is adding its module (see docs/adding-a-platform.md).
"""

from __future__ import annotations

import pkgutil
from typing import Final

# The modules of this package that are the layer itself, not a platform.
LAYER_MODULES: Final = frozenset({"base", "detection", "docs", "registry"})

# Discovered from the files, without importing them: the plan validates against these names and must
# not pay for importing every unit.
NAMES: Final[tuple[str, ...]] = tuple(
    sorted(
        module.name
        for module in pkgutil.iter_modules(__path__)
        if not module.ispkg and module.name not in LAYER_MODULES and not module.name.startswith("_")
    )
)
