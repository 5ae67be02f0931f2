"""A misspelt key in a plan or scoring file: one line naming where, the key, and the closest allowed key."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from assess.scoring_config import load_scoring_config
from core.errors import UserError
from core.plan import PlanError, parse_plan

REPO = Path(__file__).resolve().parent.parent

PLAN = """\
company: Example Ltd
voice:
  peak_calls: 4
sites:
  - name: hq
    devices:
      - name: sw1
        host: 192.0.2.1
        platform: cisco_ios
        credentials: {username: audit, password_env: AUDIT_PASSWORD}
      - name: rtr1
        host: 192.0.2.2
        platform: cisco_ios
"""

# (original text, misspelt text, expected one-line message) -- the expected hints were read off the plan models.
CASES = [
    (
        "company: Example Ltd",
        "compnay: Example Ltd",
        "plan: unknown key 'compnay' (did you mean 'company'?) (and 1 more problem(s))",
    ),
    ("  peak_calls: 4", "  peak_cals: 4", "voice: unknown key 'peak_cals' (did you mean 'peak_calls'?)"),
    (
        "  - name: hq\n",
        "  - name: hq\n    adress: 1 Main St\n",
        "sites[0]: unknown key 'adress' (did you mean 'address'?)",
    ),
    (
        "        host: 192.0.2.2",
        "        hostnme: 192.0.2.2",
        "sites[0].devices[1]: unknown key 'hostnme' (did you mean 'host'?)",
    ),
    (
        "password_env: AUDIT",
        "pasword_env: AUDIT",
        "sites[0].devices[0].credentials: unknown key 'pasword_env' (did you mean 'password_env'?)",
    ),
]


@pytest.mark.parametrize(("original", "misspelt", "expected"), CASES)
def test_misspelt_plan_key_names_the_closest_allowed_key(original: str, misspelt: str, expected: str) -> None:
    assert original in PLAN
    with pytest.raises(PlanError) as info:
        parse_plan(PLAN.replace(original, misspelt, 1), "plan.yaml")
    assert str(info.value) == f"plan.yaml: {expected}"


def test_key_with_no_close_match_gets_no_suggestion() -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(PLAN.replace("        host: 192.0.2.2", "        zzqxw: 1"), "plan.yaml")
    assert str(info.value) == "plan.yaml: sites[0].devices[1]: unknown key 'zzqxw'"


def test_misspelt_scoring_key_names_the_closest_allowed_key(tmp_path: Path) -> None:
    shipped = resources.files("assess").joinpath("scoring.yaml").read_text(encoding="utf-8")
    assert "    jitter_ms: 30\n" in shipped
    path = tmp_path / "scoring.yaml"
    path.write_text(shipped.replace("    jitter_ms: 30\n", "    jiter_ms: 30\n", 1), encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_scoring_config(path)
    assert str(info.value) == f"{path}: profiles.g114: unknown key 'jiter_ms' (did you mean 'jitter_ms'?)"


def test_cli_says_it_in_one_line_with_exit_2(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.replace("        host: 192.0.2.2", "        hostnme: 192.0.2.2"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "assess", "survey", str(plan), "--out", str(tmp_path / "out")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr + out.stdout
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {plan}: sites[0].devices[1]: unknown key 'hostnme' (did you mean 'host'?)"]
