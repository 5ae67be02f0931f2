"""The full G.107 (06/2015) clause 7 computation written out in the test, for non-default parameter sets.

G.107's default set only exercises part of the model (no sidetone corrections, no quantisation
distortion, no advantage). Here every equation is written again from the Recommendation, term by
term, and the product must agree on sets that reach each branch: strong and weak sidetone
(TERVs for STMR < 9, Idtes for STMR > 20), qdu > 1, louder/quieter sets, noisy rooms, delay
sensitivity mT/sT, burst loss and the advantage factor.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from core.emodel import EModelParams, absolute_delay_idd, call_quality, compute, effective_ie, emodel, r_to_mos

DEFAULTS = {
    "slr": 8.0, "rlr": 2.0, "stmr": 15.0, "lstr": 18.0, "ds": 3.0, "dr": 3.0, "telr": 65.0, "wepl": 110.0,
    "t_ms": 0.0, "tr_ms": 0.0, "ta_ms": 0.0, "qdu": 1.0, "ie": 0.0, "bpl": 25.1, "ppl": 0.0, "burst_r": 1.0,
    "nc": -70.0, "nfor": -64.0, "ps": 35.0, "pr": 35.0, "a": 0.0, "mt_ms": 100.0, "st": 1.0,
}  # fmt: skip


def g107(**changes: float) -> dict[str, float]:
    """R and its parts by G.107 clause 7, equation numbers in the comments."""
    v = {**DEFAULTS, **changes}
    olr = v["slr"] + v["rlr"]
    nos = v["ps"] - v["slr"] - v["ds"] - 100 + 0.004 * (v["ps"] - olr - v["ds"] - 14) ** 2  # (7-4)
    pre = v["pr"] + 10 * math.log10(1 + 10 ** ((10 - v["lstr"]) / 10))  # (7-6)
    nor = v["rlr"] - 121 + pre + 0.008 * (pre - 35) ** 2  # (7-5)
    nfo = v["nfor"] + v["rlr"]  # (7-7)
    no = 10 * math.log10(10 ** (v["nc"] / 10) + 10 ** (nos / 10) + 10 ** (nor / 10) + 10 ** (nfo / 10))  # (7-3)
    ro = 15 - 1.5 * (v["slr"] + no)  # (7-2)
    xolr = olr + 0.2 * (64 + no - v["rlr"])  # (7-10)
    iolr = 20 * ((1 + (xolr / 8) ** 8) ** (1 / 8) - xolr / 8)  # (7-9)
    stmro = -10 * math.log10(10 ** (-v["stmr"] / 10) + math.exp(-v["t_ms"] / 4) * 10 ** (-v["telr"] / 10))  # (7-12)
    ist = (12 * (1 + ((stmro - 13) / 6) ** 8) ** (1 / 8) - 28 * (1 + ((stmro + 1) / 19.4) ** 35) ** (1 / 35)
           - 13 * (1 + ((stmro - 3) / 33) ** 13) ** (1 / 13) + 29)  # (7-11)  # fmt: skip
    q = 37 - 15 * math.log10(v["qdu"])  # (7-16)
    g = 1.07 + 0.258 * q + 0.0602 * q**2  # (7-15)
    y = (ro - 100) / 15 + 46 / 8.4 - g / 9  # (7-14)
    z = 46 / 30 - g / 40  # (7-17)
    iq = 15 * math.log10(1 + 10**y + 10**z)  # (7-13)
    i_s = iolr + ist + iq  # (7-8)
    t = v["t_ms"]
    roe = -1.5 * (no - v["rlr"])  # (7-20)
    terv = v["telr"] - 40 * math.log10((1 + t / 10) / (1 + t / 150)) + 6 * math.exp(-0.3 * t**2)  # (7-22)
    if v["stmr"] < 9:
        terv = terv + ist / 2  # TERVs (7-23)
    re = 80 + 2.5 * (terv - 14)  # (7-21)
    idte = ((roe - re) / 2 + math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - math.exp(-t))  # (7-19)
    if v["stmr"] > 20:
        idte = math.sqrt(idte**2 + ist**2)  # Idtes (7-24)
    rle = 10.5 * (v["wepl"] + 7) * (v["tr_ms"] + 1) ** (-1 / 4)  # (7-26)
    idle = (ro - rle) / 2 + math.sqrt((ro - rle) ** 2 / 4 + 169)  # (7-25)
    if v["ta_ms"] > v["mt_ms"]:  # (7-27, 7-28 with the Amendment's mT and sT)
        x = math.log10(v["ta_ms"] / v["mt_ms"]) / math.log10(2)
        k = 6 * v["st"]
        idd = 25 * ((1 + x**k) ** (1 / k) - 3 * (1 + (x / 3) ** k) ** (1 / k) + 2)
    else:
        idd = 0.0
    ie_eff = v["ie"] + (95 - v["ie"]) * v["ppl"] / (v["ppl"] / v["burst_r"] + v["bpl"])  # (7-29)
    r = ro - i_s - (idte + idle + idd) - ie_eff + v["a"]  # (7-1)
    return {"r": r, "ro": ro, "i_s": i_s, "idte": idte, "idle": idle, "idd": idd, "ie_eff": ie_eff}


CASES = [
    {"stmr": 5.0, "t_ms": 150.0, "tr_ms": 300.0, "ta_ms": 150.0},  # strong sidetone: TERVs
    {"stmr": 25.0, "t_ms": 80.0, "tr_ms": 160.0, "ta_ms": 80.0},  # weak sidetone: Idtes
    {"qdu": 4.0, "ie": 7.0, "ppl": 2.0, "burst_r": 1.8, "bpl": 10.0},
    {"slr": 13.0, "rlr": -2.0, "ds": 6.0, "lstr": 12.0, "ps": 55.0, "pr": 48.0, "nc": -55.0, "nfor": -58.0},
    {"telr": 45.0, "wepl": 90.0, "t_ms": 40.0, "tr_ms": 120.0, "ta_ms": 260.0, "mt_ms": 150.0, "st": 0.55},
    {"a": 10.0, "ta_ms": 400.0, "st": 2.0},
    {"t_ms": 0.5, "stmr": 18.0},
]


@pytest.mark.parametrize("changes", CASES, ids=[",".join(c) for c in CASES])
def test_every_term_of_clause_7_on_non_default_sets(changes: dict[str, float]) -> None:
    want = g107(**changes)
    got = compute(EModelParams(**changes))
    assert got.r_factor == pytest.approx(want["r"], abs=1e-9)
    assert got.ro == pytest.approx(want["ro"], abs=1e-9)
    assert got.i_s == pytest.approx(want["i_s"], abs=1e-9)
    assert got.idte == pytest.approx(want["idte"], abs=1e-9)
    assert got.idle == pytest.approx(want["idle"], abs=1e-9)
    assert got.idd == pytest.approx(want["idd"], abs=1e-9)
    assert got.ie_eff == pytest.approx(want["ie_eff"], abs=1e-9)
    assert got.i_d == pytest.approx(want["idte"] + want["idle"] + want["idd"], abs=1e-9)
    assert (got.a, got.ta_ms, got.loss_pct, got.burst_ratio) == (
        changes.get("a", 0.0), changes.get("ta_ms", 0.0), changes.get("ppl", 0.0), changes.get("burst_r", 1.0))


def test_the_defaults_are_g107_table_3() -> None:
    assert dataclasses.asdict(EModelParams()) == DEFAULTS


def test_absolute_delay_is_free_up_to_mt_exactly() -> None:
    assert compute(EModelParams(ta_ms=100.0)).idd == 0.0
    assert compute(EModelParams(ta_ms=100.5)).idd > 0.0


# Each sidetone correction applies strictly beyond its edge: TERVs for STMR < 9 dB (7-23), Idtes for
# STMR > 20 dB (7-24); on the edge itself the plain equation holds. Half a dB beyond, the correction is on.
@pytest.mark.parametrize("stmr", [8.5, 9.0, 9.5, 19.5, 20.0, 20.5])
def test_sidetone_corrections_start_exactly_at_their_edges(stmr: float) -> None:
    changes = {"stmr": stmr, "t_ms": 60.0, "tr_ms": 120.0, "ta_ms": 60.0}
    assert compute(EModelParams(**changes)).idte == pytest.approx(g107(**changes)["idte"], abs=1e-9)


def test_talker_echo_at_zero_delay_is_a_plain_zero() -> None:
    # (7-19) has the factor (1 - e^-T) = 0 at T = 0; the bracket before it is negative with the defaults,
    # so a bare product would be -0.0, shown as "-0.0" in JSON and the report.
    assert str(compute(EModelParams()).idte) == "0.0"


def test_delay_and_loss_helpers_default_to_g107_table_3() -> None:
    # mT = 100 ms, sT = 1 (Table 3): at Ta = 200 ms, X = lg(2)/lg(2) = 1 and (7-27) gives
    x, k = 1.0, 6.0
    want = 25 * ((1 + x**k) ** (1 / k) - 3 * (1 + (x / 3) ** k) ** (1 / k) + 2)
    assert absolute_delay_idd(200.0) == pytest.approx(want, abs=1e-12)
    # BurstR = 1 (random loss): Ie-eff = 11 + 84 * 2 / (2 + 19)
    assert effective_ie(11.0, 19.0, 2.0) == pytest.approx(11 + 84 * 2 / 21, abs=1e-12)


@pytest.mark.parametrize(("r", "mos"), [(20.0, 1 + 0.7 + 20 * -40 * 80 * 7e-6), (100.5, 4.5)])
def test_mos_between_1_and_2_and_just_above_r_100(r: float, mos: float) -> None:
    # G.107 Annex B (B-4): the cubic between 0 and 100 (20 -> 1.252), 4.5 above 100
    assert r_to_mos(r) == pytest.approx(mos, abs=1e-12)


def test_a_result_names_its_codec_and_is_no_estimate_unless_told() -> None:
    assert (compute(EModelParams()).codec, compute(EModelParams()).estimate) == (None, False)
    assert compute(EModelParams(), codec="g729").codec == "g729"
    assert emodel("G729").codec == "g729"


def test_call_quality_defaults_are_a_20_ms_packet_on_a_clean_zero_delay_path() -> None:
    # mouth-to-ear = 0/2 + 20 ms + 0 look-ahead (G.711) + 0 buffer: T = Ta = 20, Tr = 40, no loss
    got = call_quality("g711")
    want = g107(t_ms=20.0, tr_ms=40.0, ta_ms=20.0)
    assert (got.ta_ms, got.loss_pct) == (20.0, 0.0)
    assert got.r_factor == pytest.approx(want["r"], abs=1e-9)
