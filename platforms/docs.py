"""Renders docs/platforms.md from the platform units: ``python -m platforms.docs > docs/platforms.md``."""

from __future__ import annotations

from platforms.base import TRAITS, Platform
from platforms.detection import AMBIGUOUS_RATIO, COMMAND_WEIGHT, MIN_SCORE
from platforms.registry import UNITS


def _names_table() -> list[str]:
    out = ["| platform | title | netmiko | napalm | ntc-templates | families |", "|---|---|---|---|---|---|"]
    for p in UNITS.values():
        families = ", ".join(sorted(p.traits)) or "-"
        out.append(
            f"| `{p.name}` | {p.title} | `{p.netmiko_device_type}` | {_code(p.napalm_driver)} "
            f"| {_code(p.ntc_templates_platform)} | {families} |"
        )
    return out


def _code(value: str | None) -> str:
    return f"`{value}`" if value else "-"


def _unit_section(p: Platform) -> list[str]:
    out = [f"## {p.title} (`{p.name}`)", ""]
    if p.variant_of:
        out += [f"A variant of `{p.variant_of}`: detected over it only on evidence of its own.", ""]
    out += [f"- Parser: `{p.parser.module}.{p.parser.function}`"]
    out += [f"- Configuration command: {_code(p.config_command)}"]
    out += [f"- Secret rules (`platforms/redact.py`): {', '.join(r.name for r in p.secret_rules)}"]
    out += [f"- Remediation templates: `{p.remediation_file.relative_to(p.remediation_file.parents[2])}`"]
    out += [f"- Privileged (enable) mode for show commands: {'yes' if p.needs_enable else 'no'}", ""]
    out += ["Commands collected:", ""] + [f"- `{c}`" for c in p.commands]
    out += [f"- then, after `{c}`: what `{f.__name__}` asks for" for c, f in p.follow_ups.items()]
    out += ["", "Detection cues (weight — what):", ""]
    out += [f"- {c.weight} — {c.why}" for c in sorted(p.cues, key=lambda c: -c.weight)]
    return [*out, ""]


def render_platforms_markdown() -> str:
    """The whole platform reference as markdown."""
    out = [
        "# Platforms",
        "",
        "Generated from the units in `platforms/` by `python -m platforms.docs`; do not edit.",
        "How to add one: [adding-a-platform.md](adding-a-platform.md).",
        "",
        "Detection weighs syntax evidence: each platform's score is the sum of the weights of its cues found in",
        f"the outputs (each cue once), plus {COMMAND_WEIGHT} for each output collected with a command only that "
        "platform runs.",
        f"Below {MIN_SCORE} nothing is recognised; a runner-up of another family scoring at least "
        f"{AMBIGUOUS_RATIO:.0%} of the winner",
        "makes the answer ambiguous (`assess facts` exits 2 and asks for `--platform`). Outputs are normalised",
        "first (paging prompts, backspaces, ANSI codes, prompts and command echo, CRLF, Markdown fences).",
        "",
        *_names_table(),
        "",
        "Families: " + "; ".join(f"**{t}**: {why}" for t, why in TRAITS.items()) + ".",
        "",
    ]
    for platform in UNITS.values():
        out += _unit_section(platform)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_platforms_markdown(), end="")
