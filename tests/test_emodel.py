"""E-model (ITU-T G.107) against the Recommendation's own equations and reference points."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from assess.cli import app
from core.emodel import call_quality, emodel, r_to_mos

# Reference values G.107 states for its default parameter set (clause 7.7 / Table 3 note).
DEFAULT_RO = 94.77
DEFAULT_IS = 1.41


def test_defaults_give_r_93_2_and_mos_4_41() -> None:
    result = emodel("g711")
    assert round(result.r_factor, 1) == 93.2
    assert round(result.mos, 2) == 4.41
    assert result.ro == pytest.approx(DEFAULT_RO, abs=0.005)
    assert result.i_s == pytest.approx(DEFAULT_IS, abs=0.01)
    assert result.idte == 0.0 and result.idd == 0.0


def test_g729a_ie_11_gives_r_82_2() -> None:
    assert round(emodel("g729").r_factor, 1) == 82.2


def _idd(ta: float) -> float:
    """G.107 eq. 7-27/7-28 written out again, independently of the module."""
    if ta <= 100:
        return 0.0
    x = math.log10(ta / 100) / math.log10(2)
    return 25 * ((1 + x**6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2)


def _delay_impairment(t: float) -> float:
    """Id = Idte + Idle + Idd at default parameters with T = Ta = t, Tr = 2t (G.107 7.3)."""
    nos = 35 - 8 - 3 - 100 + 0.004 * (35 - 10 - 3 - 14) ** 2
    pre = 35 + 10 * math.log10(1 + 10 ** ((10 - 18) / 10))
    nor = 2 - 121 + pre + 0.008 * (pre - 35) ** 2
    no = 10 * math.log10(sum(10 ** (n / 10) for n in (-70, nos, nor, -64 + 2)))
    ro = 15 - 1.5 * (8 + no)
    roe = -1.5 * (no - 2)
    terv = 65 - 40 * math.log10((1 + t / 10) / (1 + t / 150)) + 6 * math.exp(-0.3 * t * t)
    re = 80 + 2.5 * (terv - 14)
    idte = ((roe - re) / 2 + math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - math.exp(-t))
    rle = 10.5 * (110 + 7) * (2 * t + 1) ** -0.25
    idle = (ro - rle) / 2 + math.sqrt((ro - rle) ** 2 / 4 + 169)
    return idte + idle + _idd(t)


@pytest.mark.parametrize("delay_ms", [1.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 600.0])
def test_delay_points_follow_g107_equations(delay_ms: float) -> None:
    base = emodel("g711")
    expected = base.ro - base.i_s - _delay_impairment(delay_ms)
    result = emodel("g711", one_way_delay_ms=delay_ms)
    # Is moves by ~1e-7 with T (STMRo contains e^(-T/4)·10^(-TELR/10)); the rest is exact.
    assert result.r_factor == pytest.approx(expected, abs=1e-6)
    assert result.idd == pytest.approx(_idd(delay_ms), abs=1e-12)


def test_idd_at_twice_the_threshold() -> None:
    # Ta = 200 ms gives X = 1: Idd = 25 (2^(1/6) - 3 (1 + 3^-6)^(1/6) + 2)
    assert emodel("g711", one_way_delay_ms=200).idd == pytest.approx(
        25 * (2 ** (1 / 6) - 3 * (1 + 3**-6) ** (1 / 6) + 2), abs=1e-12
    )


@pytest.mark.parametrize(
    ("codec", "ie", "bpl", "loss", "burst"),
    [
        ("g711", 0, 25.1, 1.0, 1.0),
        ("g711", 0, 25.1, 5.0, 2.0),
        ("g729", 11, 19.0, 2.0, 1.0),
        ("g729", 11, 19.0, 3, 1.5),
    ],
)
def test_loss_points_follow_ie_eff_equation(codec: str, ie: float, bpl: float, loss: float, burst: float) -> None:
    ie_eff = ie + (95 - ie) * loss / (loss / burst + bpl)
    result = emodel(codec, loss_pct=loss, burst_ratio=burst)
    assert result.ie_eff == pytest.approx(ie_eff, abs=1e-12)
    assert result.r_factor == pytest.approx(emodel("g711").r_factor - ie_eff, abs=1e-9)


@pytest.mark.parametrize(
    ("r", "mos"), [(-5, 1.0), (0, 1.0), (50, 1 + 1.75 + 50 * -10 * 50 * 7e-6), (93.2, None), (100, 4.5)]
)
def test_r_to_mos_annex_b(r: float, mos: float | None) -> None:
    if mos is None:
        mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    assert r_to_mos(r) == pytest.approx(mos, abs=1e-12)
    assert r_to_mos(120) == 4.5


@settings(max_examples=60, deadline=None)
@given(st.floats(2, 800), st.floats(2, 800), st.floats(0, 30), st.floats(0, 30))
def test_more_delay_or_loss_never_raises_r(d1: float, d2: float, l1: float, l2: float) -> None:
    # From 2 ms on: below that, G.107's Idte (the "- 1" term of eq. 7-22) is slightly negative
    # and R rises by up to 0.06 (see test_idte_is_slightly_negative_below_2_ms).
    lo_d, hi_d = sorted((d1, d2))
    lo_l, hi_l = sorted((l1, l2))
    for codec in ("g711", "g729"):
        better = emodel(codec, one_way_delay_ms=lo_d, loss_pct=lo_l)
        worse = emodel(codec, one_way_delay_ms=hi_d, loss_pct=hi_l)
        assert worse.r_factor <= better.r_factor + 1e-9
        assert worse.mos <= better.mos + 1e-9
        assert 1.0 <= worse.mos <= 4.5


def test_idte_is_slightly_negative_below_2_ms() -> None:
    assert -0.2 < emodel("g711", 1.0).idte < 0.0
    assert emodel("g711", 1.0).r_factor - emodel("g711").r_factor < 0.06


@settings(max_examples=40, deadline=None)
@given(st.floats(-50, 150), st.floats(-50, 150))
def test_mos_monotonic_in_r(r1: float, r2: float) -> None:
    lo, hi = sorted((r1, r2))
    assert r_to_mos(lo) <= r_to_mos(hi)


def test_call_quality_builds_mouth_to_ear_delay() -> None:
    # RTT 80 -> 40 one way, + 20 ms packetisation, + 5 ms G.729 look-ahead, + 40 ms jitter buffer
    result = call_quality("g729", ptime_ms=20, rtt_ms=80, jitter_buffer_ms=40, loss_pct=1)
    assert result.ta_ms == pytest.approx(105.0)
    assert result.r_factor == pytest.approx(emodel("g729", 105.0, 1.0).r_factor)


def test_opus_and_g722_are_marked_as_estimates() -> None:
    assert emodel("opus").estimate and emodel("g722").estimate
    assert not emodel("g711").estimate and not emodel("g729").estimate


def test_cli_emodel_json_contract() -> None:
    out = CliRunner().invoke(app, ["emodel", "--codec", "g729", "--delay-ms", "150", "--loss-pct", "1", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    expected = emodel("g729", 150, 1)
    assert data["r_factor"] == pytest.approx(expected.r_factor)
    assert data["mos"] == pytest.approx(expected.mos)


def test_cli_emodel_jitter_adds_a_two_times_buffer() -> None:
    out = CliRunner().invoke(app, ["emodel", "--codec", "g711", "--delay-ms", "100", "--jitter-ms", "30", "--json"])
    assert json.loads(out.stdout)["ta_ms"] == pytest.approx(160.0)


def test_cli_emodel_unknown_codec_is_a_user_error() -> None:
    from core.errors import UserError

    out = CliRunner().invoke(app, ["emodel", "--codec", "amr"])
    assert isinstance(out.exception, UserError)
