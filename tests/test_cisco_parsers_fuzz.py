"""Property tests: mutated real outputs never crash a Cisco/Arista parser (only UserError may escape)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import UserError
from collectors.evidence import read_outputs
from collectors.parsers.registry import detect_platform, parse_device

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORMS = ("cisco_ios", "cisco_xe", "cisco_nxos", "cisco_asa", "arista_eos")
CASES = [(c.parent.name, read_outputs(c)) for p in PLATFORMS for c in sorted((FIXTURES / p).glob("*/")) if c.is_dir()]
HUGE = st.sampled_from(["99999999999999999999", "4095", "65536", "-1", "0", "1e400", "4294967296"])
# ASSESS_FUZZ_EXAMPLES raises the example count for a longer bug hunt outside the normal suite.
EXAMPLES = int(os.environ.get("ASSESS_FUZZ_EXAMPLES", "60"))
NOISE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@st.composite
def mutated_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """Drop, duplicate, truncate, garble or inflate the numbers of some lines."""
    out = list(lines)
    for _ in range(draw(st.integers(0, 12))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["drop", "dup", "cut", "noise", "huge", "indent"]))
        if action == "drop":
            del out[i]
        elif action == "dup":
            out.insert(i, out[i])
        elif action == "cut":
            out[i] = out[i][: draw(st.integers(0, len(out[i])))]
        elif action == "noise":
            out.insert(i, draw(NOISE))
        elif action == "huge":
            out[i] = " ".join(draw(HUGE) if w.isdigit() else w for w in out[i].split(" "))
        else:
            out[i] = " " * draw(st.integers(0, 6)) + out[i].lstrip()
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return out


def _parse_or_user_error(platform: str, outputs: dict[str, str]) -> None:
    try:
        facts = parse_device(platform, outputs)
    except UserError:
        return
    facts.model_dump_json()  # the computed CONTRACT keys must not crash either
    detect_platform(outputs)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_real_outputs_parse_or_raise_user_error(data: st.DataObject) -> None:
    platform, outputs = data.draw(st.sampled_from(CASES))
    mutated = {cmd: "\n".join(data.draw(mutated_lines(text.splitlines()), label=cmd)) for cmd, text in outputs.items()}
    _parse_or_user_error(platform, mutated)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    platform=st.sampled_from(PLATFORMS),
    command=st.sampled_from(["show running-config", "show power inline", "show lldp neighbors detail",
                             "show interfaces switchport", "show mls qos interface", "show version"]),
    raw=st.binary(max_size=400),
)  # fmt: skip
def test_random_bytes_as_any_output_parse_or_raise_user_error(platform: str, command: str, raw: bytes) -> None:
    _parse_or_user_error(platform, {command: raw.decode("utf-8", errors="replace")})


def test_cases_are_loaded() -> None:
    assert len(CASES) >= 10 and {p for p, _ in CASES} == set(PLATFORMS)
