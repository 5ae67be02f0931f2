"""Per-call bandwidth used by the capacity rules."""

from __future__ import annotations

import pytest

from checks.voice_load import peak_voice_kbps, per_call_kbps
from core.plan import Link, Voice


@pytest.mark.parametrize(("codec", "ptime", "kbps"), [("g711", 20, 87.2), ("g729", 20, 31.2), ("g711", 30, 79.47)])
def test_per_call_bandwidth_on_ethernet_matches_the_standard_figures(codec: str, ptime: int, kbps: float) -> None:
    assert per_call_kbps(Voice(codec=codec, ptime_ms=ptime)) == pytest.approx(kbps, abs=0.01)  # type: ignore[arg-type]


def test_peak_load_scales_with_calls_and_link_framing() -> None:
    link = Link(name="l", contracted_up_mbps=10, contracted_down_mbps=10, link_type="ppp")
    assert peak_voice_kbps(Voice(peak_calls=10)) == pytest.approx(872.0)
    assert peak_voice_kbps(Voice(peak_calls=10), link) == pytest.approx(10 * 82.4)
