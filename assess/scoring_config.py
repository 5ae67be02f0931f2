"""Scoring weights, penalties, verdict bands and threshold profiles, loaded from data.

The defaults ship in ``assess/scoring.yaml`` and are documented in
``docs/scoring.md``; a consultant can pass another file with the same keys.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import UserError
from core.models.common import Category, Severity, Status
from core.plan import ScoringOverrides, Thresholds, describe_validation_error


class Profile(Thresholds):
    """A named set of link-quality targets (G.114, Teams, UCaaS provider ...) and where each comes from."""

    title: str = ""
    sources: dict[str, str] = Field(default_factory=dict, description="target name -> its published source")

    def thresholds(self) -> Thresholds:
        """The plan-level Thresholds of this profile."""
        return Thresholds.model_validate(self.model_dump(exclude={"title", "sources"}))


class ScoringConfig(BaseModel):
    """Everything that turns findings into a score and a verdict."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[Category, float]
    penalties: dict[Severity, float]
    status_factors: dict[Status, float]
    repeat_factor: float = Field(ge=0, le=1)
    no_go_below: float = Field(ge=0, le=100)
    go_at: float = Field(ge=0, le=100)
    required_categories: list[Category] = Field(default_factory=list)
    min_coverage_pct: float = Field(default=80.0, ge=0, le=100)
    profiles: dict[str, Profile] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> ScoringConfig:
        for name, table, keys in (
            ("weights", self.weights, list(Category)),
            ("penalties", self.penalties, list(Severity)),
            ("status_factors", self.status_factors, list(Status)),
        ):
            missing = [str(k) for k in keys if k not in table]
            if missing:
                raise ValueError(f"{name} misses {', '.join(missing)}")
        if self.no_go_below > self.go_at:
            raise ValueError("no_go_below must not be above go_at")
        if sum(self.weights.values()) <= 0:
            raise ValueError("weights must not all be zero")
        return self

    def weight(self, category: Category) -> float:
        """The normalised weight (0-1) of ``category``."""
        return self.weights[category] / sum(self.weights.values())

    def cost(self, severity: Severity, status: Status) -> float:
        """Points one finding of this severity and status takes off its category."""
        return self.penalties[severity] * self.status_factors[status]


def load_scoring_config(path: Path | None = None) -> ScoringConfig:
    """The scoring config at ``path``, or the shipped defaults."""
    if path is None:
        return default_scoring_config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read scoring config: {exc}") from None
    return _parse(text, str(path))


@lru_cache(maxsize=1)
def default_scoring_config() -> ScoringConfig:
    """The defaults shipped in ``assess/scoring.yaml``."""
    text = resources.files("assess").joinpath("scoring.yaml").read_text(encoding="utf-8")
    return _parse(text, "assess/scoring.yaml")


def _parse(text: str, source: str) -> ScoringConfig:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{source}: not valid YAML: {exc}") from None
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe_validation_error(source, exc, ScoringConfig)) from None


def profile_names(config: ScoringConfig | None = None) -> list[str]:
    """Names of the threshold profiles a plan may select."""
    return sorted((config or default_scoring_config()).profiles)


def profile_title(name: str, config: ScoringConfig | None = None) -> str:
    """Human title of a profile (the name itself when unknown)."""
    profile = (config or default_scoring_config()).profiles.get(name)
    return profile.title if profile and profile.title else name


def thresholds_for_profile(name: str, config: ScoringConfig | None = None) -> Thresholds:
    """The link-quality thresholds of profile ``name`` (g114, teams, ucaas)."""
    cfg = config or default_scoring_config()
    profile = cfg.profiles.get(name)
    if profile is None:
        raise UserError(f"unknown threshold profile {name!r}: choose {', '.join(profile_names(cfg))}")
    return profile.thresholds()



def with_overrides(config: ScoringConfig, overrides: ScoringOverrides, source: str = "plan scoring") -> ScoringConfig:
    """``config`` with a plan's overrides applied (tables updated key by key); one-line UserError if invalid."""
    data = config.model_dump(mode="json")
    for key, value in overrides.model_dump(exclude_none=True).items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe_validation_error(source, exc, ScoringConfig)) from None


def profile_sources(name: str, config: ScoringConfig | None = None) -> dict[str, str]:
    """Where each target of profile ``name`` comes from (empty for an unknown name)."""
    profile = (config or default_scoring_config()).profiles.get(name)
    return dict(profile.sources) if profile else {}
