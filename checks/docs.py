"""Renders docs/rules.md from the registry: ``python -m checks.docs > docs/rules.md``."""

from __future__ import annotations

import inspect

from checks.base import Rule
from checks.profiles import load_profiles, profile_ids
from checks.registry import ALL_RULES
from core.models.common import CATEGORY_TITLES


def _first_profile(rule: type[Rule]) -> str:
    """The narrowest profile that includes ``rule`` (profiles are listed narrowest first)."""
    return next((name for name in load_profiles() if rule.id in profile_ids(name)), "-")


def _rule_section(rule: type[Rule]) -> list[str]:
    doc = inspect.cleandoc(rule.__doc__ or "")
    summary, _, body = doc.partition("\n")
    out = [f"### {rule.id} — {rule.title}", ""]
    out.append(
        f"Severity **{rule.severity.value}** · profile {_first_profile(rule)} · since {rule.since} · platforms: "
        f"{', '.join(rule.platforms) or 'any (probe/site data)'}"
    )
    out += ["", summary, "", body.strip(), "", f"*Rationale:* {rule.rationale}", ""]
    out += [f"*Fix:* {rule.remediation}", ""]
    if rule.platforms:
        out += [
            "Device commands are rendered from the device's own facts and the site's plan by the templates in",
            f"`platforms/remediation/<platform>.yaml` ({', '.join(rule.platforms)}).",
            "",
        ]
    return out


def render_rules_markdown() -> str:
    """The whole rules reference as markdown."""
    out = ["# Rules", "", "Generated from `checks/registry.py` by `python -m checks.docs`; do not edit.", ""]
    out += [
        "Adding a rule: write the class in the module of its concern (metadata as class attributes, a",
        "docstring with What it does / Why it matters / Example / Fix, a one-line remediation), give every",
        "platform it lists a template in `platforms/remediation/<platform>.yaml`, add it to",
        "`ALL_RULES`, append its id to `checks/ids.md` (ids are never reused), give it",
        "`tests/rule_fixtures/<ID>.yaml` with at least a pass and a fail/warn case, put it",
        "in a profile in `checks/profiles.yaml`, and regenerate this file. Statuses: pass, warn, fail,",
        "unknown (data missing - never a pass), n/a; a rule that crashes yields unknown with the error.",
        "",
    ]
    out += ["Profiles (`checks/profiles.yaml`, each extends the one before):", ""]
    out += [f"- **{n}**: {p.description}" for n, p in load_profiles().items()] + [""]
    out += ["| id | title | severity | category | from profile |", "|---|---|---|---|---|"]
    out += [
        f"| {r.id} | {r.title} | {r.severity.value} | {r.category.value} | {_first_profile(r)} |" for r in ALL_RULES
    ]
    for category, title in CATEGORY_TITLES.items():
        rules = [r for r in ALL_RULES if r.category == category]
        if rules:
            out += ["", f"## {title}", ""]
            for rule in rules:
                out += _rule_section(rule)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_rules_markdown(), end="")
