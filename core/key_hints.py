"""Suggestions for a misspelt key: the allowed keys of the pydantic model at an error's location."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel

_SEQUENCES = (list, tuple, set, frozenset, Sequence)


def _members(annotation: object) -> list[object]:
    """``annotation`` with Annotated, Optional and unions opened into their members."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _field_annotation(model: type[BaseModel], key: str) -> object | None:
    for name, field in model.model_fields.items():
        if key in (name, field.alias, field.validation_alias):
            return field.annotation
    return None


def _step(candidates: list[object], part: int | str) -> list[object]:
    """The types found one step down ``part`` (a list index, a mapping key, a field, or a union member's tag)."""
    found: list[object] = []
    for candidate in candidates:
        origin = typing.get_origin(candidate) or candidate
        args = typing.get_args(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            annotation = _field_annotation(candidate, str(part))
            if annotation is not None:
                found.append(annotation)
            elif candidate.__name__ == part:  # pydantic names the union member it tried
                found.append(candidate)
        elif isinstance(origin, type) and issubclass(origin, Mapping) and len(args) == 2:
            found.append(args[1])
        elif isinstance(part, int) and isinstance(origin, type) and issubclass(origin, _SEQUENCES) and args:
            found.append(args[0])
    return [m for f in found for m in _members(f)]


def allowed_keys(model: type[BaseModel], parent: Iterable[int | str]) -> list[str]:
    """Every key (field name and alias) accepted by the model(s) at location ``parent`` below ``model``."""
    candidates: list[object] = [model]
    for part in parent:
        candidates = _step(candidates, part)
    keys: list[str] = []
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, field in candidate.model_fields.items():
                keys += [k for k in (name, field.alias) if isinstance(k, str) and k not in keys]
    return keys


def unknown_key_message(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """``unknown key 'hostnme' (did you mean 'hostname'?)`` for an extra key at ``loc`` (the key is its last part)."""
    key = str(loc[-1])
    close = difflib.get_close_matches(key, allowed_keys(model, loc[:-1]), n=1)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
