"""The one rule for names that become path components, and the check that a path stays in its root.

Site, device, link and capture names, evidence manifest entries and the ``site`` read back from a
results.json all pass through :func:`check_name`; every path built from them goes through
:func:`inside`, for writing and for reading.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import AfterValidator

from core.errors import UserError

_ALLOWED = re.compile(r"[A-Za-z0-9_.-]{1,128}")


class UnsafePathError(UserError):
    """A name or path that would leave its folder (or is not a plain name)."""


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a path component, or None when it can.

    >>> name_problem("hq-rtr1") is None
    True
    >>> name_problem("..")
    "'..' is not allowed"
    """
    if value in (".", ".."):
        return f"{value!r} is not allowed"
    if "/" in value or "\\" in value or "\x00" in value:
        return f"{value!r} contains a path separator or NUL"
    if not _ALLOWED.fullmatch(value):
        return f"{value!r} must be 1-128 letters, digits, '_', '.' or '-'"
    return None


def check_name(value: str, what: str = "name") -> str:
    """``value`` when it is a safe path component; UnsafePathError (one line) otherwise."""
    problem = name_problem(value)
    if problem is not None:
        raise UnsafePathError(f"{what} {problem}")
    return value


def _validate(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)  # pydantic turns it into a one-line validation error naming the field
    return value


SafeName = Annotated[str, AfterValidator(_validate)]
"""A pydantic field type for a name that becomes one path component."""


def check_relative(value: str, what: str = "path") -> str:
    """A relative path made only of safe names (``caps/pilot.pcap``); UnsafePathError otherwise."""
    parts = PurePosixPath(value).parts
    if not parts or value.startswith("/") or "\\" in value:
        raise UnsafePathError(f"{what} {value!r} must be a relative path inside its folder")
    for part in parts:
        check_name(part, what)
    return value


def _validate_relative(value: str) -> str:
    try:
        return check_relative(value)
    except UnsafePathError as exc:
        raise ValueError(str(exc)) from None


SafeRelativePath = Annotated[str, AfterValidator(_validate_relative)]
"""A pydantic field type for a relative path that must stay inside its folder."""


def inside(root: Path, *parts: str) -> Path:
    """``root/parts...`` after checking each part and that the resolved path stays under ``root``."""
    for part in parts:
        check_name(part, "path component")
    path = root.joinpath(*parts)
    base = root.resolve()
    resolved = path.resolve()
    if resolved != base and base not in resolved.parents:
        raise UnsafePathError(f"{path} resolves outside {root} (a symbolic link?)")
    return path
