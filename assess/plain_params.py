"""Command-line values of plain types (text, whole and decimal numbers, paths) converted without pydantic.

typer converts every parameter value through a pydantic ``TypeAdapter`` it builds on first use. Importing
pydantic's validation machinery for that and building one schema per parameter costs a light command such
as ``assess emodel`` about 0.1 s of its 0.25 s start-up budget. For a value that is plainly valid (a decimal
number inside the option's ``min``/``max``, any text, a path) the result is the same without pydantic;
every other value (out of range, not a number, a type this module does not know) goes to typer's own
adapter, so what the user sees on bad input is typer's message, unchanged.

Only typer versions whose parameters carry a lazily built ``_runtime_param`` are sped up (typer ≥ 0.2x);
on any other version :func:`plain_params` changes nothing.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Final

from typer import Typer
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import TyperCommand
from typer.models import ParameterInfo

# The number forms pydantic and Python read alike (no underscores, no inf/nan, no leading zeros on whole numbers).
_INT: Final = re.compile(r"[+-]?(?:0|[1-9][0-9]{0,17})")
_FLOAT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
PLAIN_TYPES: Final = (str, int, float, bool, Path)


class _NotPlain(Exception):
    """The value is not plainly valid: typer's own adapter decides (and words any error)."""


def _in_range(number: float, info: ParameterInfo) -> bool:
    above_min = info.min is None or number >= info.min
    return math.isfinite(number) and above_min and (info.max is None or number <= info.max)


def _number(annotation: type, value: Any) -> float | None:
    """``value`` as an ``annotation`` (int or float) when it is plainly one, else None."""
    if isinstance(value, bool):
        return None
    if annotation is int:
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, str) and _INT.fullmatch(value) else None
    if annotation is float and (isinstance(value, int | float) or (isinstance(value, str) and _FLOAT.fullmatch(value))):
        return float(value)
    return None


def plain_value(annotation: type, info: ParameterInfo, value: Any) -> Any:
    """``value`` as typer would convert it for ``annotation``; :class:`_NotPlain` when that needs typer itself.

    >>> from typer.models import OptionInfo
    >>> plain_value(float, OptionInfo(min=0.0, max=100.0), "80"), plain_value(int, OptionInfo(), "-3")
    (80.0, -3)
    """
    if (annotation is str and isinstance(value, str)) or (annotation is bool and isinstance(value, bool)):
        return value
    number = _number(annotation, value)
    if number is None or not _in_range(number, info):
        raise _NotPlain
    return number


class PlainRuntimeParam(RuntimeParam):
    """typer's runtime coercion of one parameter, pydantic-free for plain values.

    No fields of its own: typer's frozen dataclass gives it ``__init__``, ``__eq__`` and ``__repr__`` (decorating it
    again would generate them anew at every start-up).
    """

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.annotation is Path and isinstance(value, str) and value and "\x00" not in value:
            # typer's own path checks (exists, readable, ...) and messages on the text; the Path made after
            checked = coerce_cli_path(value, self.parameter_info, path_type=None, param=param, ctx=ctx)
            return Path(os.fsdecode(checked))
        try:
            return plain_value(self.annotation, self.parameter_info, value)
        except _NotPlain:
            param._runtime_param = build_runtime_param(param.type_descriptor)  # typer's adapter from now on
            return param._runtime_param._coerce_value(value, param=param, ctx=ctx)


def _is_plain(param: Any) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not hasattr(param, "_runtime_param") or param.multiple or param.nargs != 1:
        return False
    info = descriptor.parameter_info
    if descriptor.annotation not in PLAIN_TYPES or info.parser is not None or info.clamp:
        return False
    return descriptor.annotation is not Path or (info.path_type is None and not info.allow_dash)


def plain_params(params: list[Any]) -> list[Any]:
    """Give the plain ones of ``params`` the pydantic-free coercion (once each); returns ``params``."""
    for param in params:
        if _is_plain(param) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = PlainRuntimeParam(descriptor.parameter_info, descriptor.annotation)
    return params


class PlainParamsCommand(TyperCommand):
    """A typer command whose plain parameters (and ``--help``) convert without pydantic."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_params(super().get_params(ctx))


def use_plain_params(app: Typer) -> None:
    """Make the commands registered on ``app`` with typer's default command class :class:`PlainParamsCommand`."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = PlainParamsCommand
