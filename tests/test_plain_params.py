"""The pydantic-free coercion of plain CLI values gives what typer's own adapter gives, or defers to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from assess.plain_params import _NotPlain, plain_value

NUMBER_TEXTS = [
    "0", "1", "-3", "+5", "007", "80", "80.5", "1.", ".5", "-0.25", "1e3", "1E-2", "2.5e+1", "1_000", " 4", "4 ",
    "", "abc", "inf", "-inf", "nan", "1e999", "0x10", "99999999999999999999", "1,5", "٣",
]  # fmt: skip
CASES = [
    (annotation, bounds)
    for annotation, ranges in (
        (int, [(None, None), (0, 10), (1, 65535)]),
        (float, [(None, None), (0.0, 100.0), (1, 65535), (0.2, 10)]),
        (str, [(None, None)]),
    )
    for bounds in ranges
]


def typer_value(annotation: type, info: OptionInfo, value: Any) -> tuple[str, Any]:
    """("ok", value) or ("error", None) from typer's own pydantic adapter: the truth."""
    runtime = build_runtime_param(resolve_type_descriptor(annotation, info))
    try:
        return "ok", runtime._coerce_value(value, param=None, ctx=None)  # type: ignore[arg-type]
    except Exception:  # typer wraps pydantic's error in BadParameter
        return "error", None


@pytest.mark.parametrize(("annotation", "bounds"), CASES, ids=str)
def test_plain_values_equal_typers_and_the_rest_defer_to_it(annotation: type, bounds: tuple[Any, Any]) -> None:
    info = OptionInfo(min=bounds[0], max=bounds[1])
    plain = 0
    for value in [*NUMBER_TEXTS, 0, 5, 2.5, -1, True]:
        try:
            ours = plain_value(annotation, info, value)
        except _NotPlain:
            continue
        plain += 1
        status, theirs = typer_value(annotation, info, value)
        assert status == "ok", (value, ours)
        assert (ours, type(ours)) == (theirs, type(theirs)), value
    assert plain >= 3  # the common forms do take the fast path


def test_a_path_value_is_the_path_typer_makes(tmp_path: Path) -> None:
    from assess.plain_params import PlainRuntimeParam

    existing = tmp_path / "config.txt"
    existing.write_text("hostname x\n")
    info = OptionInfo()
    ours = PlainRuntimeParam(info, Path)
    for value in (str(existing), str(tmp_path / "missing.txt"), "relative/name.pcap", "a//b/./c/", str(tmp_path)):
        status, theirs = typer_value(Path, info, value)
        assert status == "ok"
        got = ours._coerce_value(value, param=None, ctx=None)
        assert (got, type(got)) == (theirs, type(theirs))
