"""Property tests: a Cisco/Arista parser returns facts for odd-but-valid outputs and refuses junk for its reason.

Odd-but-valid: real outputs with lines dropped, duplicated, cut, indented or given huge numbers,
as long as the running config keeps a line no config is without (``hostname``, ``interface``,
``!``): then the parser must return facts, never refuse. Junk: a running config with a NUL byte
must be refused as binary data; text with no configuration line at all must be refused as such.
Any other refusal, or facts for junk, fails.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.evidence import read_outputs
from core.errors import UserError
from platforms.parsers.registry import detect_platform, parse_device
from tests.parser_refusals import BINARY, CISCO_NOT_A_CONFIG

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


CONFIG = "show running-config"
NOT_A_CONFIG = CISCO_NOT_A_CONFIG


def expected_refusal(outputs: dict[str, str]) -> str | None:
    """The reason the parser must give for these outputs; None when it must return facts.

    "" means either is right: the mutation removed every line a config is known by, so facts
    (from the show outputs) or the not-a-config refusal are both acceptable.
    """
    config = outputs.get(CONFIG, "")
    if "\x00" in config:
        return BINARY
    lines = config.splitlines()
    if not config.strip() or any(ln.startswith(("hostname ", "interface ", "!")) for ln in lines):
        return None
    return ""


def _parse_as_expected(platform: str, outputs: dict[str, str], expected: str | None) -> None:
    try:
        facts = parse_device(platform, outputs)
    except UserError as exc:
        assert expected is not None, f"odd but valid input refused: {exc}"
        assert (expected or NOT_A_CONFIG) in str(exc) and "\n" not in str(exc)
        return
    assert not expected, f"junk accepted, expected a refusal because it {expected}"
    assert facts.platform == platform
    facts.model_dump_json()  # the computed CONTRACT keys must not crash either
    detect_platform(outputs)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_real_outputs_give_facts_or_the_right_refusal(data: st.DataObject) -> None:
    platform, outputs = data.draw(st.sampled_from(CASES))
    mutated = {cmd: "\n".join(data.draw(mutated_lines(text.splitlines()), label=cmd)) for cmd, text in outputs.items()}
    _parse_as_expected(platform, mutated, expected_refusal(mutated))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    platform=st.sampled_from(PLATFORMS),
    command=st.sampled_from(["show running-config", "show power inline", "show lldp neighbors detail",
                             "show interfaces switchport", "show mls qos interface", "show version"]),
    raw=st.binary(max_size=400),
)  # fmt: skip
def test_random_bytes_with_a_nul_are_refused_as_binary(platform: str, command: str, raw: bytes) -> None:
    outputs = {command: (raw + b"\x00").decode("utf-8", errors="replace")}
    _parse_as_expected(platform, outputs, BINARY if command == CONFIG else None)


@settings(max_examples=EXAMPLES, deadline=None)
@given(platform=st.sampled_from(PLATFORMS), junk=st.text(alphabet="0123456789#$%&*+-=<>?@[]^_{}~ \t\n", min_size=1))
def test_text_without_any_config_line_is_refused_as_not_a_config(platform: str, junk: str) -> None:
    expected = NOT_A_CONFIG if junk.strip() else None
    _parse_as_expected(platform, {CONFIG: junk}, expected)


def test_cases_are_loaded() -> None:
    assert len(CASES) >= 10 and {p for p, _ in CASES} == set(PLATFORMS)
