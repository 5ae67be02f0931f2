"""One suite for every platform parser (napalm style).

Each case is a folder ``tests/fixtures/<platform>/<case>/`` laid out exactly
like collected evidence (one ``<command>.txt`` per command plus
``manifest.json``) and an ``expected_facts.json`` holding the DeviceFacts keys
the parser must produce (only the keys present are compared).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.evidence import read_outputs
from platforms.parsers.registry import parse_device

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expected_facts.json"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_parser_produces_expected_facts(case: Path) -> None:
    platform = case.parent.name
    expected = json.loads((case / "expected_facts.json").read_text())
    facts = parse_device(platform, read_outputs(case)).model_dump(mode="json")
    for key, value in expected.items():
        assert facts[key] == value, f"{platform}/{case.name}: {key}"
