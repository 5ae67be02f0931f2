"""JSON text of a stdlib-dataclass result, byte for byte as pydantic's ``model_dump_json(indent=2)`` writes a model.

The results of the light commands (`assess emodel`, `assess capacity`, `assess pcap`) are plain dataclasses, so
printing them imports no pydantic; their JSON stays what it was when they were pydantic models (and what a
model holding them, such as a site's results, writes): the same layout, fields in declaration order, text
other than control characters written as is, infinities and NaN as ``null``, and floats as pydantic spells them,
which differs from Python's repr between 1e-10 and 1e-4: ``0.00001`` for ``1e-05``, ``1.5e-7`` for ``1.5e-07``.
One difference is deliberate: a lone surrogate (a non-UTF-8 file name) is written as a ``\\udcxx`` escape where
pydantic fails.

>>> from dataclasses import dataclass
>>> @dataclass
... class Point:
...     x: float
...     tags: list[str]
>>> print(dataclass_json(Point(1.5e-05, ["a"])))
{
  "x": 0.000015,
  "tags": [
    "a"
  ]
}
"""

from __future__ import annotations

import dataclasses
import json
import math
import re

INDENT = "  "
_SURROGATE = re.compile("[\ud800-\udfff]")


def float_text(value: float) -> str:
    """A float as pydantic's JSON serialiser writes it."""
    if not math.isfinite(value):
        return "null"  # pydantic's default for infinities and NaN (ser_json_inf_nan="null")
    text = float.__repr__(value)  # also for a float subclass such as numpy.float64, whose repr differs
    mantissa, _, exponent = text.partition("e")
    if exponent == "-05":  # written out: 1.5e-05 -> 0.000015
        sign, digits = ("-", mantissa[1:]) if mantissa.startswith("-") else ("", mantissa)
        return f"{sign}0.0000{digits.replace('.', '')}"
    if exponent.startswith("-0"):  # exponent without its leading zero: e-07 -> e-7
        return f"{mantissa}e-{exponent[2:]}"
    return text


def _string(value: str) -> str:
    text = json.encoder.encode_basestring(value)  # only quotes, backslashes and control characters escaped
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _json(value: object, depth: int) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    inner, outer = "\n" + INDENT * (depth + 1), "\n" + INDENT * depth
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{_string(str(key))}: {_json(item, depth + 1)}" for key, item in value.items())
        return "{" + inner + ("," + inner).join(items) + outer + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_json(item, depth + 1) for item in value) + outer + "]"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dataclass_json(result: object) -> str:
    """``result`` (a dataclass instance, its fields plain data or dataclasses) as indented JSON text."""
    return _json(result, 0)
