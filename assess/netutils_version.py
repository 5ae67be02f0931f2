"""Import netutils without its eager version lookup through ``importlib.metadata``.

netutils' package ``__init__`` does one thing: ``__version__ = metadata.version(__name__)``. Importing
``importlib.metadata`` (the ``email`` package, ``zipfile``, ``csv``, ``socket``) and searching the installed
distributions for it costs ``assess facts`` on a small config about a tenth of its start-up, for a version
string nothing in assess reads. So, when the installed ``__init__`` is exactly that file, the package module is
made from its spec without running it and ``netutils.__version__`` is looked up on first access instead
(PEP 562): the same value, paid only by whoever asks. Any other ``__init__`` (a netutils release that does more
there) is imported as usual.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

PACKAGE = "netutils"
# netutils' whole __init__.py (1.8 to 1.19 at least): the version lookup and nothing else.
VERSION_ONLY_INIT = (
    '"""Initialization file for library."""\n\nfrom importlib import metadata\n\n'
    "__version__ = metadata.version(__name__)\n"
)


def _version_on_demand(module: ModuleType) -> None:
    """Give ``module`` a ``__version__`` computed (as netutils' ``__init__`` does) when first read."""

    def __getattr__(name: str) -> str:
        if name != "__version__":
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")
        from importlib import metadata  # the lookup netutils' __init__ makes, paid only when asked

        version = metadata.version(PACKAGE)
        module.__dict__["__version__"] = version  # read once: later reads find it without this hook
        return version

    module.__getattr__ = __getattr__  # type: ignore[method-assign]


def import_without_version_lookup() -> None:
    """Put the netutils package in ``sys.modules`` (unless already there) without its ``__init__``'s lookup."""
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or spec.origin is None or spec.submodule_search_locations is None:
        return
    try:
        with open(spec.origin, encoding="utf-8") as init:
            if init.read() != VERSION_ONLY_INIT:
                return
    except OSError:
        return
    module = importlib.util.module_from_spec(spec)
    _version_on_demand(module)
    sys.modules[PACKAGE] = module
