"""Rule profiles (baseline, enterprise, contact-centre) as data in ``profiles.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.base import Rule
from checks.registry import ALL_RULES
from core.errors import UserError

PROFILES_FILE = Path(__file__).with_name("profiles.yaml")
DEFAULT_PROFILE = "contact-centre"  # every rule


class Profile(BaseModel):
    """One profile: the rule ids it adds to the profile it extends."""

    model_config = ConfigDict(extra="forbid")
    description: str = ""
    extends: str | None = None
    rules: list[str] = Field(default_factory=list)


@cache
def load_profiles(path: Path = PROFILES_FILE) -> dict[str, Profile]:
    """All profiles by name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {name: Profile.model_validate(body) for name, body in data.items()}
    except (OSError, yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise UserError(f"{path}: invalid rule profiles: {exc}") from None


def profile_ids(name: str) -> set[str]:
    """Rule ids in profile ``name``, including those of the profiles it extends."""
    profiles = load_profiles()
    ids: set[str] = set()
    seen: list[str] = []
    current: str | None = name
    while current is not None:
        if current not in profiles:
            raise UserError(f"unknown rule profile {current!r} (known: {', '.join(profiles)})")
        if current in seen:
            raise UserError(f"rule profile {name!r} extends itself")
        seen.append(current)
        ids.update(profiles[current].rules)
        current = profiles[current].extends
    return ids


def rules_for_profile(name: str) -> tuple[type[Rule], ...]:
    """The registered rules of profile ``name``, in registry order.

    >>> [r.id for r in rules_for_profile("baseline")][:3]
    ['VQ101', 'VQ103', 'VQ105']
    """
    ids = profile_ids(name)
    return tuple(r for r in ALL_RULES if r.id in ids)
