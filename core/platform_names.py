"""The platform names a plan may use: one per unit module of the `platforms` package.

Found from the package's files without importing it: the plan is core vocabulary and core imports
nothing of the layers above it, and validating a plan must not pay for importing every unit.
"""

from __future__ import annotations

import importlib.util
import pkgutil
from typing import Final

PLATFORM_PACKAGE: Final = "platforms"

# The modules of the platform package that are the layer itself, not a platform.
LAYER_MODULES: Final = frozenset({
    "_pattern_literals", "base", "detection", "docs", "normalise", "pattern_table", "redact", "registry",
    "required_text",
})


def _unit_names() -> tuple[str, ...]:
    spec = importlib.util.find_spec(PLATFORM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"the {PLATFORM_PACKAGE!r} package is not installed")
    return tuple(
        sorted(
            module.name
            for module in pkgutil.iter_modules(list(spec.submodule_search_locations))
            if not module.ispkg and module.name not in LAYER_MODULES and not module.name.startswith("_")
        )
    )


NAMES: Final[tuple[str, ...]] = _unit_names()
