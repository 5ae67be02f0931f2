"""`assess facts` and `assess audit`: one saved config (or evidence folder) -> facts -> findings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assess import startup_gc
from assess.console import plain_json, print_json, safe_text, shown
from core.errors import UserError
from core.gc_tuning import fewer_collections
from core.models.facts import DeviceFacts
from platforms import NAMES as PLATFORM_NAMES

if TYPE_CHECKING:  # the site model tree (plan, scoring) only for `audit`, not `facts`; rich not for `--json`
    from rich.console import Console
    from rich.table import Table

    from core.models.findings import Finding

FILE_HELP = (
    "A saved running config, a bundle of show outputs (each after a line `### command: <command>`), "
    "or a device evidence folder."
)
PLATFORM_HELP = f"Platform ({', '.join(PLATFORM_NAMES)}); auto-detected from the syntax when omitted."
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
STATUS_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "unknown": "magenta", "n/a": "dim"}


def load_facts(path: Path, platform: str | None) -> DeviceFacts:
    """Parse ``path`` with the given or detected platform's parser; the facts say why that platform."""
    # Imported here: the parsers pull in ciscoconfparse2 (seconds), which every other command would pay for.
    from collectors.loader import as_config_of, load_evidence
    from platforms.parsers import registry
    from platforms.redact import redact

    # Secrets go before anything is parsed: no fact, finding or line printed can carry one. Cleaned of terminal
    # noise first, so no escape code or pager prompt inside a line hides its secret from the patterns.
    raw = load_evidence(path)
    outputs = {command: redact(text) for command, text in registry.normalised(raw).items()}
    chosen, why = (platform, "given with --platform") if platform else _detected_platform(path, outputs)
    facts = registry.parse_device(chosen, as_config_of(chosen, outputs))
    if facts.hostname is None:  # a paste without a `hostname` line: its prompt, which normalising removed
        registry.hostname_from_prompt(facts, {command: redact(text) for command, text in raw.items()})
    facts.platform_evidence = why
    return facts


def _detected_platform(path: Path, outputs: dict[str, str]) -> tuple[str, str]:
    """(platform, why) from the outputs' syntax, else the evidence manifest; UserError when neither says."""
    from collectors.loader import manifest_platform
    from platforms.parsers import registry

    detection = registry.detect(outputs)
    if detection.platform is not None:
        return detection.platform, detection.summary()
    if (recorded := manifest_platform(path)) is not None:
        return recorded, "recorded in the evidence manifest"
    if detection.ambiguous:
        first, second = detection.candidates()
        raise UserError(
            f"{path}: the platform is ambiguous ({first} scores {detection.scores[first]}, {second} "
            f"{detection.scores[second]}); pass --platform {first} or --platform {second}"
        )
    known = ", ".join(sorted(registry.PARSERS))
    raise UserError(f"{path}: could not recognise the platform; pass --platform (one of: {known})")


def audit_findings(facts: DeviceFacts, name: str) -> list[Finding]:
    """The registered config rules run over a one-device site (site and probe rules need a plan)."""
    from checks import registry as rules_registry
    from checks.base import SiteContext
    from checks.engine import run_rules
    from core.models.device import DeviceRecord

    device = DeviceRecord(name=name, platform=facts.platform, facts=facts)
    return run_rules(rules_registry.device_rules(), SiteContext(site="single-device", devices=(device,)))


def facts_table(facts: DeviceFacts) -> Table:
    """The CONTRACT summary of the facts as a two-column table."""
    from rich.table import Table

    title = f"{facts.hostname or '?'} ({facts.platform} {facts.vendor_os_version or ''})".strip()
    table = Table(title=safe_text(title))
    table.add_column("fact")
    table.add_column("value", overflow="fold")
    rows: list[tuple[str, object]] = [
        ("SIP ALG", f"{facts.sip_alg}  [dim]{safe_text(facts.sip_alg_evidence)}[/]"),
        ("voice VLANs", facts.voice_vlans),
        ("voice ports", len(facts.voice_ports)),
        ("QoS-trusting ports", len(facts.qos_trust_ports)),
        ("priority classes", facts.priority_classes),
        ("EF in strict priority", facts.ef_priority),
        ("RTP UDP ranges permitted", [f"{lo}-{hi}" for lo, hi in facts.rtp_udp_ranges]),
        ("SIP ports open", facts.sip_ports_open),
        ("UDP timeout (s)", facts.udp_timeout_s),
        ("NAT", facts.nat_enabled),
        ("PoE budget / used (W)", f"{shown(facts.poe_budget_w)} / {shown(facts.poe_used_w)}"),
    ]
    for key, value in rows:
        table.add_row(key, str(value) if key == "SIP ALG" else safe_text(shown(value)))
    return table


def findings_table(findings: list[Finding]) -> Table:
    """One row per finding, worst first."""
    from rich.table import Table

    order = ["critical", "high", "medium", "low", "info"]
    table = Table(title=f"{len(findings)} findings")
    for col in ("id", "severity", "status", "title", "evidence"):
        table.add_column(col, overflow="fold")
    for f in sorted(findings, key=lambda f: (order.index(f.severity.value), f.id)):
        sev, status = f.severity.value, f.status.value
        table.add_row(
            f.id,
            f"[{SEVERITY_STYLE[sev]}]{sev}[/]",
            f"[{STATUS_STYLE[status]}]{status}[/]",
            safe_text(f.title) + (f"\n[dim]{safe_text(f.message)}[/]" if f.message else ""),
            safe_text(f.evidence[:300]),
        )
    return table


def _terminal() -> Console:
    from rich.console import Console  # rich only for the tables: `--json` does without it

    return Console(highlight=False, emoji=False)  # as assess.console's: device text printed as written


def facts(
    file: Path = typer.Argument(..., help=FILE_HELP),
    platform: str | None = typer.Option(None, "--platform", "-p", help=PLATFORM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the facts as JSON on stdout."),
) -> None:
    """Parse one saved config (or bundle of show outputs) into vendor-neutral facts."""
    # Imported here: the parser's modules, netutils' tables, rich; and what the parse makes lives until the command
    # ends. With the collector on, that start-up cost ~35 collections and a longer pass at exit (~2 % of the work).
    with startup_gc.paused():
        parsed = load_facts(file, platform)
        if json_out:
            print_json(parsed)
            return
        out = _terminal()
        out.print(f"platform: {parsed.platform_evidence}", markup=False, soft_wrap=True)
        out.print(facts_table(parsed))
        for warning in parsed.parse_warnings:
            out.print(f"[yellow]warning:[/] {safe_text(warning)}")


def audit(
    file: Path = typer.Argument(..., help=FILE_HELP),
    platform: str | None = typer.Option(None, "--platform", "-p", help=PLATFORM_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print {facts, findings} as JSON on stdout."),
) -> None:
    """Parse one saved config and run every config check on it: findings with evidence and remediation."""
    with fewer_collections(collect_after=False):  # a 20,000-line config: hundreds of thousands of objects
        parsed = load_facts(file, platform)
        findings = audit_findings(parsed, parsed.hostname or file.stem)
        if json_out:
            dumped = [f.model_dump(mode="json") for f in findings]
            sys.stdout.write(plain_json({"facts": parsed.model_dump(mode="json"), "findings": dumped}) + "\n")
            return
    out = _terminal()
    out.print(f"platform: {parsed.platform_evidence}", markup=False, soft_wrap=True)
    out.print(facts_table(parsed))
    out.print(findings_table(findings) if findings else "no findings (no rule applies to this device)")


def register(app: typer.Typer) -> None:
    """Add the device commands to ``app``."""
    app.command()(facts)
    app.command()(audit)
