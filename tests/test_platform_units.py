"""Meta-tests of the platform layer: every unit declares every part, and every platform table comes from them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import platforms as platforms_pkg
from checks import firewall, marking
from checks import platforms as families
from collectors import commands, loader
from core.plan import PLATFORMS
from platforms import LAYER_MODULES, NAMES, detection, normalise, redact, registry, required_text
from platforms.base import TRAITS, Platform
from platforms.docs import render_platforms_markdown
from platforms.parsers.registry import PARSERS
from platforms.registry import UNITS

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
THE_TEN = {
    "cisco_ios",
    "cisco_xe",
    "cisco_nxos",
    "cisco_asa",
    "arista_eos",
    "juniper_junos",
    "fortinet",
    "paloalto_panos",
    "mikrotik_routeros",
    "linux",
}


def test_the_package_holds_one_unit_per_platform_and_nothing_else() -> None:
    modules = {m.name for m in pkgutil.iter_modules(platforms_pkg.__path__) if not m.ispkg}
    assert modules - LAYER_MODULES == set(NAMES) == THE_TEN
    for name in NAMES:
        assert importlib.import_module(f"platforms.{name}").PLATFORM.name == name


@pytest.mark.parametrize("name", sorted(THE_TEN))
def test_every_unit_declares_every_part(name: str) -> None:
    unit: Platform = UNITS[name]
    assert unit.title.strip()
    assert unit.commands and len(set(unit.commands)) == len(unit.commands)
    assert unit.config_command is None or unit.config_command in unit.commands
    assert set(unit.follow_ups) <= set(unit.commands)
    assert callable(unit.parser.resolve()), "the parser reference resolves to the parse function"
    assert unit.parser.resolve()(unit.blank_evidence).platform == name, "a blank config parses (defaults only)"
    assert len(unit.cues) >= 5 and all(c.weight > 0 and c.why.strip() for c in unit.cues)
    assert unit.secret_rules == redact.PLATFORM_PATTERNS[name], "secret rules come from platforms/redact.py"
    assert unit.secret_rules and unit.secret_rules != redact.RULES, "the platform's own set, not every rule"
    assert unit.traits and unit.traits <= set(TRAITS)
    assert unit.netmiko_device_type == name
    assert unit.ntc_templates_platform
    assert unit.remediation_file.parent == ROOT / "platforms" / "remediation"
    assert unit.variant_of is None or unit.variant_of in UNITS
    assert any((FIXTURES / name).glob("*/manifest.json")), "every platform has recorded fixtures"


def test_every_platform_table_is_generated_from_the_units() -> None:
    assert set(PLATFORMS) == set(PARSERS) == set(commands.COMMANDS) == set(UNITS)
    assert set(redact.PLATFORM_PATTERNS) == set(UNITS)
    for family, trait in (
        (families.SWITCHES, "switch"),
        (families.WAN_QOS, "wan_qos"),
        (families.FIREWALLS, "firewall"),
        (firewall.STATEFUL_FIREWALLS, "stateful_firewall"),
        (marking.MARKING_PLATFORMS, "marking"),
    ):
        assert set(family) == {n for n, u in UNITS.items() if trait in u.traits}, trait


def test_families_keep_their_members() -> None:
    # Written from what the rules meant before the units existed (checks/platforms.py and its neighbours).
    assert set(families.SWITCHES) == {"cisco_ios", "cisco_xe", "cisco_nxos", "juniper_junos", "arista_eos"}
    assert set(firewall.STATEFUL_FIREWALLS) == {"cisco_asa", "fortinet", "paloalto_panos", "juniper_junos"}
    assert set(families.FIREWALLS) == THE_TEN - {"cisco_nxos", "arista_eos"}
    assert set(families.WAN_QOS) == THE_TEN - {"cisco_nxos", "cisco_asa"}
    assert set(marking.MARKING_PLATFORMS) == THE_TEN - {"cisco_asa", "fortinet", "paloalto_panos"}
    assert {n for n in THE_TEN if commands.needs_enable(n)} == {"cisco_ios", "cisco_xe", "cisco_asa"}


def test_names_for_napalm_come_from_lib_mapper_and_only_for_drivers_napalm_ships() -> None:
    drivers = {n: commands.napalm_driver(n) for n in THE_TEN}
    assert {n: d for n, d in drivers.items() if d} == {
        "cisco_ios": "ios",
        "cisco_xe": "ios",
        "cisco_nxos": "nxos_ssh",
        "arista_eos": "eos",
        "juniper_junos": "junos",
    }


def test_docs_platforms_md_is_current() -> None:
    path = ROOT / "docs" / "platforms.md"
    assert path.read_text() == render_platforms_markdown(), (
        "run: python -m platforms.docs > docs/platforms.md"
    )


def test_adding_a_platform_doc_names_the_unit_and_its_fixtures() -> None:
    text = (ROOT / "docs" / "adding-a-platform.md").read_text()
    for path in ("platforms/<name>.py", "tests/fixtures/<name>/", "docs/platforms.md"):
        assert path in text


@pytest.mark.parametrize(
    "module", [registry, detection, normalise, loader, commands, redact, required_text], ids=lambda m: m.__name__
)
def test_docstring_examples_hold(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted and not result.failed
