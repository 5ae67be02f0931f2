"""pydantic's question about ``default_factory=list`` answered without inspect's text-signature parser.

Building a model, pydantic asks of each field's ``default_factory`` whether it takes the validated data
(``takes_validated_data_argument``, through ``inspect.signature``). For the builtin types ``list`` and ``set``
inspect reads the signature from the type's ``__text_signature__`` with the tokenize module, whose first use
compiles its token regex, and tokenizes again on every call: about 12 ms of ``assess facts``'s start-up for
the facts models' ~20 list fields, more for the survey's models. The answer for ``list``, ``set`` and ``dict``
is fixed (they take no required argument: no data), so it is given without asking; every other factory is
still asked by pydantic's own function. A pydantic without these internals is left as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

FIELDS = "pydantic._internal._fields"  # defines the function; pydantic.fields calls it through the module
SCHEMA = "pydantic._internal._generate_schema"  # imports it by name
FUNCTION = "takes_validated_data_argument"
# Factories whose answer is always False: one optional positional argument (list, set) or none inspect can read
# (dict), as tests/test_cli_startup.py checks against pydantic's own function.
NO_DATA_FACTORIES: tuple[type, ...] = (list, set, dict)


def _shortcut(asked: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def takes_validated_data_argument(default_factory: Any) -> bool:
        if any(default_factory is builtin for builtin in NO_DATA_FACTORIES):
            return False
        return asked(default_factory)

    takes_validated_data_argument.asked = asked  # type: ignore[attr-defined]  # pydantic's own, for the test
    return takes_validated_data_argument


def answer_builtin_factories() -> None:
    """Give pydantic's schema builder the fixed answer for list/set/dict factories (once; before models build)."""
    try:
        modules = [importlib.import_module(FIELDS), importlib.import_module(SCHEMA)]
    except ImportError:
        return
    asked = getattr(modules[0], FUNCTION, None)
    if asked is None or hasattr(asked, "asked") or any(getattr(m, FUNCTION, None) is not asked for m in modules):
        return  # another pydantic layout, or already done
    shortcut = _shortcut(asked)
    for module in modules:
        setattr(module, FUNCTION, shortcut)
