"""Dataclass results print the JSON pydantic writes for them (pydantic's serialiser is the peer tool here)."""

from __future__ import annotations

import json
import math
import random
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from assess.dataclass_json import dataclass_json, float_text
from collectors.pcap.analyse import analyse_capture
from core.capacity import capacity
from core.emodel import EModelParams, compute, emodel
from tests.pcapgen import sample_call_frames, write_capture


@dataclass
class Inner:
    name: str
    value: float | None = None


@dataclass(kw_only=True)
class Outer:
    text: str
    count: int
    ratio: float
    flag: bool
    missing: str | None = None
    numbers: list[float] = field(default_factory=list)
    inners: list[Inner] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)


def pydantic_json(value: object) -> str:
    return TypeAdapter(type(value)).dump_json(value, indent=2).decode()


def test_floats_of_every_magnitude_are_spelt_as_pydantic_spells_them() -> None:
    rnd = random.Random(16)
    values = [0.0, -0.0, 1.0, 1e-05, -1e-05, 1.5e-07, 1e-10, 1e-4, 9.999999999999999e-05, 1e16, 1e22, 5e-324]
    values += [rnd.uniform(1, 10) * 10.0**exponent for exponent in range(-320, 300) for _ in range(3)]
    values += [struct.unpack("<d", rnd.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(3000)]
    for value in (v for v in values if math.isfinite(v)):
        assert float_text(value) == pydantic_json(value), repr(value)
    for value in (math.inf, -math.inf, math.nan):
        assert float_text(value) == pydantic_json(value) == "null"


def test_nested_dataclasses_text_and_layout_equal_pydantics() -> None:
    inners = [Inner("é ☎ \u2028 \x7f"), Inner('quote " back\\slash \x1b[2J\t\n', 3e-06)]
    value = Outer(text="𝄞 non-BMP", count=-3, ratio=0.5, flag=True, numbers=[1e-05, 2.0], inners=inners)
    assert dataclass_json(value) == pydantic_json(value)
    assert dataclass_json(Inner("")) == pydantic_json(Inner(""))


def test_a_lone_surrogate_is_escaped_where_pydantic_fails() -> None:
    """A file name that is not UTF-8 reaches the result as a lone surrogate (Python's surrogateescape)."""
    text = dataclass_json(Inner("x\udcff.pcap"))
    text.encode("utf-8")  # printable on a UTF-8 stdout
    assert json.loads(text)["name"] == "x\udcff.pcap"


def test_something_that_is_not_json_is_refused() -> None:
    with pytest.raises(TypeError, match="set"):
        dataclass_json(Inner(name={"a"}))  # type: ignore[arg-type]


def test_the_commands_results_equal_pydantics_json(tmp_path: Path) -> None:
    results: list[object] = [
        analyse_capture(write_capture(tmp_path / "calls.pcap", sample_call_frames())),
        emodel("g729", one_way_delay_ms=0.00001, loss_pct=2.0, burst_ratio=1.5),
        compute(EModelParams(t_ms=1e-7, stmr=8)),
        capacity("g711", 20, "ipsec", erlangs=4.46, gos=0.001),
        capacity("opus", 30, "ethernet", crtp=True, calls=12, codec_kbps=24.0),
    ]
    for result in results:
        assert dataclass_json(result) == pydantic_json(result)
