"""Shared terminal output: rich on stderr so ``--json`` stdout stays clean."""

from __future__ import annotations

import dataclasses
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic at run time only in the commands that print models
    from _typeshed import DataclassInstance
    from pydantic import BaseModel
    from rich.console import Console

    err_console: Console


def __getattr__(name: str) -> object:
    """``err_console`` is made on first use: rich (~50 ms of start-up) only once something goes to the terminal."""
    if name != "err_console":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    # emoji=False: a `:name:` in a device's text is printed as written, and rich's emoji table (~6 ms) stays unread
    console = globals()["err_console"] = Console(stderr=True, highlight=False, emoji=False)
    return console

# C0/C1 controls (ESC among them; tab and newline kept), and the invisible bidirectional overrides
# that can make a terminal line read differently from its bytes. The patterns of this module are compiled on first
# use (re's cache): `--json` output of a model needs none of them.
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"


def shown(value: object, missing: str = "not seen") -> str:
    """A value as a consultant reads it: yes/no, a comma list, "none", ``missing`` (not Python's reprs).

    >>> shown(None), shown(True), shown([]), shown([110, 120]), shown("10000-20000"), shown(None, "not measured")
    ('not seen', 'yes', 'none', '110, 120', '10000-20000', 'not measured')
    """
    if value is None:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def neutralise(value: object) -> str:
    """``value`` as text with control characters (ESC among them) shown as ``\\xNN``: for plain output."""
    return re.sub(_UNSAFE, _escaped, str(value))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    r"""Text that came from outside (a device, a plan, a capture) made inert for a rich console.

    Control characters are shown as ``\xNN`` (no raw escape sequence reaches the terminal) and
    rich markup is escaped (``[red]`` is printed, not obeyed).

    >>> print(safe_text("r1\x1b[2J[bold]x[/]"))
    r1\x1b[2J\[bold]x\[/]
    """
    from rich.markup import escape

    return escape(neutralise(value))


def print_json(data: BaseModel | DataclassInstance | dict[str, object] | list[object]) -> None:
    """Write ``data`` as JSON on stdout, nothing else."""
    if isinstance(data, dict | list):
        import json  # here: a model prints through pydantic, and `assess facts --json` never reads json's modules

        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    elif dataclasses.is_dataclass(data):  # a dataclass result: written as pydantic would, without importing it
        from assess.dataclass_json import dataclass_json

        sys.stdout.write(dataclass_json(data) + "\n")
    else:
        sys.stdout.write(data.model_dump_json(indent=2) + "\n")


# Where a number starts in indented JSON: after a key, or alone on its line in an array (a string holds no raw
# newline; a `": ` inside one is found too, which only costs a check). Two patterns, each led by fixed text the
# regex engine looks for first: one alternation of both reads every position (~8x slower).
_NUMBERS = (r'": (-?[0-9][0-9.eE+-]*)', r"\n +(-?[0-9][0-9.eE+-]*)")


def plain_json(data: dict[str, object] | list[object]) -> str:
    """``json.dumps(data, indent=2)`` of plain JSON data (str keys; str, int, float, bool, None, list, dict), to the
    byte, written by pydantic's serialiser: Python's encoder runs in pure Python once it indents, ~80 ms of the
    audit of a 20,000-line config against ~10 ms.

    The serialiser escapes non-ASCII as \\uXXXX like ``json.dumps``, but not DEL (done here); it writes some
    floats another way (``0.00001`` for ``1e-05``), so any float not spelt as Python spells it falls back to
    ``json.dumps``, as does text it cannot encode (a lone surrogate).
    """
    import json  # for the fallbacks below; here with pydantic_core, for the commands that print big JSON

    from pydantic_core import PydanticSerializationError, to_json

    try:
        text = to_json(data, indent=2, ensure_ascii=True, inf_nan_mode="constants").decode()
    except PydanticSerializationError:
        return json.dumps(data, indent=2)
    floats = [n for numbers in _NUMBERS for n in re.findall(numbers, text) if not n.lstrip("-").isdigit()]
    if any(repr(float(n)) != n for n in floats):
        return json.dumps(data, indent=2)
    return text.replace("\x7f", "\\u007f")
