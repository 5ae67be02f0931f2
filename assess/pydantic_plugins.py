"""Turn pydantic's plugin lookup off without paying for ``importlib.metadata``.

The first time pydantic builds a validator it imports ``pydantic.plugin._loader``, whose first line imports
``importlib.metadata`` (the ``email`` package, ``zipfile``, ``csv``: about 20 ms, a tenth of a light command's
start-up budget) to search every installed distribution's entry points for plugins. assess uses none, so it sets
``PYDANTIC_DISABLE_PLUGINS=__all__``, under which pydantic's ``get_plugins()`` returns no plugins without
looking; but the import is paid before that check. When plugins are off, the loader module is given in
advance with that same answer. A user who sets ``PYDANTIC_DISABLE_PLUGINS`` otherwise gets pydantic's own loader.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"
# The values of PYDANTIC_DISABLE_PLUGINS under which pydantic's own get_plugins() returns ().
ALL_OFF = ("__all__", "1", "true")


def _no_plugins() -> Iterable[object]:
    """pydantic's ``get_plugins()`` when every plugin is disabled: nothing."""
    return ()


def disable_plugins() -> None:
    """Disable pydantic plugins (unless the user chose otherwise) and skip the entry-point search's import."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ALL_OFF and LOADER not in sys.modules:
        loader = types.ModuleType(LOADER, "pydantic's plugin loader with every plugin disabled (assess)")
        loader.get_plugins = _no_plugins  # type: ignore[attr-defined]  # the one name pydantic imports from it
        sys.modules[LOADER] = loader
