"""The explicit list of rules; ids are append-only and never change meaning."""

from __future__ import annotations

from checks.base import Rule

# Each module adds its rules here by name; importing a module registers nothing by itself.
ALL_RULES: tuple[type[Rule], ...] = ()


def rule_by_id(rule_id: str) -> type[Rule]:
    """The rule class with ``rule_id`` (KeyError when unknown)."""
    for rule in ALL_RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
