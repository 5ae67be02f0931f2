"""ITU-T G.107 (06/2015) E-model: the full transmission-rating computation, R-factor and MOS.

Every equation of clause 7 is computed (basic signal-to-noise ratio Ro, simultaneous
impairments Is, delay impairments Id with talker echo, listener echo and absolute delay,
equipment impairment with burst loss Ie-eff, advantage factor A), not the simplified
"R = 93.2 - Id - Ie" shortcut. Codec impairments come from ITU-T G.113 Appendix I.

The codec table, the inputs and the result are frozen stdlib dataclasses, not pydantic models: they
are this computation's own values, built here or from options and measurements already checked, never
read from outside, so there is nothing to validate. pydantic would only add its import and model
building to the start-up of the light commands that rate calls (`assess emodel`, `assess pcap`).

>>> round(emodel("g711").r_factor, 1), round(emodel("g711").mos, 2)
(93.2, 4.41)
>>> round(emodel("g729").r_factor, 1)
82.2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CodecImpairment:
    """A codec's equipment impairment (G.113 Appendix I) and its delay contribution."""

    name: str
    ie: float  # equipment impairment factor Ie
    bpl: float  # packet-loss robustness factor Bpl
    lookahead_ms: float = 0.0  # algorithmic look-ahead added to the frame time
    source: str
    estimate: bool = False


# G.113 (11/2018) Appendix I, Tables I.1 and I.3 (Ie and Bpl under random packet loss).
CODECS: dict[str, CodecImpairment] = {
    "g711": CodecImpairment(name="g711", ie=0.0, bpl=25.1, source="G.113 App. I: G.711 with PLC (Appendix I of G.711)"),
    "g729": CodecImpairment(
        name="g729", ie=11.0, bpl=19.0, lookahead_ms=5.0, source="G.113 App. I: G.729A + VAD, 20 ms packets"
    ),
    # G.722 is wideband; on the narrowband R scale (max 93.2) its benefit cannot be expressed,
    # so it is rated as a narrowband-equivalent of G.711 with PLC. This is an estimate, not the
    # G.107.1 wideband model (which would need Ie,WB and the 129-point scale).
    "g722": CodecImpairment(
        name="g722",
        ie=0.0,
        bpl=25.1,
        lookahead_ms=1.5,
        source="estimate: narrowband equivalent of G.711 with PLC (no G.113 narrowband value)",
        estimate=True,
    ),
    # Opus has no G.113 entry; rated like a transparent codec with strong concealment.
    "opus": CodecImpairment(
        name="opus",
        ie=0.0,
        bpl=20.0,
        lookahead_ms=6.5,
        source="estimate: Opus has no G.113 Appendix I value",
        estimate=True,
    ),
}


@dataclass(frozen=True, kw_only=True)
class EModelParams:
    """All G.107 inputs; the defaults are those of G.107 Table 3 (codec: G.711, no loss)."""

    slr: float = 8.0  # send loudness rating, dB
    rlr: float = 2.0  # receive loudness rating, dB
    stmr: float = 15.0  # sidetone masking rating, dB
    lstr: float = 18.0  # listener sidetone rating, dB
    ds: float = 3.0  # D-value of telephone, send side
    dr: float = 3.0  # D-value of telephone, receive side (enters only via LSTR in the equations)
    telr: float = 65.0  # talker echo loudness rating, dB
    wepl: float = 110.0  # weighted echo path loss, dB
    t_ms: float = 0.0  # mean one-way delay of the echo path
    tr_ms: float = 0.0  # round-trip delay in a 4-wire loop
    ta_ms: float = 0.0  # absolute (mouth-to-ear) delay
    qdu: float = 1.0  # number of quantization distortion units
    ie: float = 0.0
    bpl: float = 25.1
    ppl: float = 0.0  # random packet-loss probability, %
    burst_r: float = 1.0  # burst ratio (1 = random loss)
    nc: float = -70.0  # circuit noise referred to the 0 dBr point, dBm0p
    nfor: float = -64.0  # noise floor at the receive side, dBmp
    ps: float = 35.0  # room noise at the send side, dB(A)
    pr: float = 35.0  # room noise at the receive side, dB(A)
    a: float = 0.0  # advantage factor
    mt_ms: float = 100.0  # minimum perceivable delay (G.107 Amd: mT)
    st: float = 1.0  # delay sensitivity (G.107 Amd: sT)


@dataclass(frozen=True, kw_only=True)
class EModelResult:
    """The rating and every intermediate impairment, for the report and for checking."""

    r_factor: float
    mos: float
    ro: float
    i_s: float
    i_d: float
    idte: float
    idle: float
    idd: float
    ie_eff: float
    a: float
    ta_ms: float
    loss_pct: float
    burst_ratio: float
    codec: str | None = None
    estimate: bool = False


def _lg(x: float) -> float:
    return math.log10(x)


def _power_sum(*levels_db: float) -> float:
    return 10.0 * _lg(sum(10.0 ** (level / 10.0) for level in levels_db))


def noise_no(p: EModelParams) -> float:
    """Total noise No (G.107 eq. 7-3 to 7-7), dBm0p."""
    olr = p.slr + p.rlr
    nos = p.ps - p.slr - p.ds - 100.0 + 0.004 * (p.ps - olr - p.ds - 14.0) ** 2
    pre = p.pr + 10.0 * _lg(1.0 + 10.0 ** ((10.0 - p.lstr) / 10.0))
    nor = p.rlr - 121.0 + pre + 0.008 * (pre - 35.0) ** 2
    nfo = p.nfor + p.rlr
    return _power_sum(p.nc, nos, nor, nfo)


def sidetone_ist(p: EModelParams) -> float:
    """Impairment Ist from non-optimum sidetone (eq. 7-11, 7-12)."""
    stmro = -10.0 * _lg(10.0 ** (-p.stmr / 10.0) + math.exp(-p.t_ms / 4.0) * 10.0 ** (-p.telr / 10.0))
    return (
        12.0 * (1.0 + ((stmro - 13.0) / 6.0) ** 8) ** (1 / 8)
        - 28.0 * (1.0 + ((stmro + 1.0) / 19.4) ** 35) ** (1 / 35)
        - 13.0 * (1.0 + ((stmro - 3.0) / 33.0) ** 13) ** (1 / 13)
        + 29.0
    )


def simultaneous_is(p: EModelParams, ro: float, no: float, ist: float) -> float:
    """Simultaneous impairment Is = Iolr + Ist + Iq (eq. 7-8 to 7-17)."""
    xolr = p.slr + p.rlr + 0.2 * (64.0 + no - p.rlr)
    iolr = 20.0 * ((1.0 + (xolr / 8.0) ** 8) ** (1 / 8) - xolr / 8.0)
    q = 37.0 - 15.0 * _lg(p.qdu)
    g = 1.07 + 0.258 * q + 0.0602 * q * q
    y = (ro - 100.0) / 15.0 + 46.0 / 8.4 - g / 9.0
    z = 46.0 / 30.0 - g / 40.0
    iq = 15.0 * _lg(1.0 + 10.0**y + 10.0**z)
    return iolr + ist + iq


def talker_echo_idte(p: EModelParams, no: float, ist: float) -> float:
    """Talker-echo impairment Idte (eq. 7-19 to 7-23, with the low/high STMR corrections)."""
    t = p.t_ms
    roe = -1.5 * (no - p.rlr)
    terv = p.telr - 40.0 * _lg((1.0 + t / 10.0) / (1.0 + t / 150.0)) + 6.0 * math.exp(-0.3 * t * t)
    if p.stmr < 9.0:
        terv += ist / 2.0  # TERVs: strong sidetone masks the echo
    re = 80.0 + 2.5 * (terv - 14.0)
    idte = ((roe - re) / 2.0 + math.sqrt((roe - re) ** 2 / 4.0 + 100.0) - 1.0) * (1.0 - math.exp(-t))
    if p.stmr > 20.0:
        idte = math.sqrt(idte * idte + ist * ist)  # Idtes
    return idte + 0.0  # no -0.0 at T = 0


def listener_echo_idle(p: EModelParams, ro: float) -> float:
    """Listener-echo impairment Idle (eq. 7-24, 7-25)."""
    rle = 10.5 * (p.wepl + 7.0) * (p.tr_ms + 1.0) ** -0.25
    return (ro - rle) / 2.0 + math.sqrt((ro - rle) ** 2 / 4.0 + 169.0)


def absolute_delay_idd(ta_ms: float, mt_ms: float = 100.0, st: float = 1.0) -> float:
    """Impairment Idd from absolute delay Ta (eq. 7-26, 7-27); 0 up to mT (100 ms)."""
    if ta_ms <= mt_ms:
        return 0.0
    x = _lg(ta_ms / mt_ms) / _lg(2.0)
    k = 6.0 * st
    return 25.0 * ((1.0 + x**k) ** (1.0 / k) - 3.0 * (1.0 + (x / 3.0) ** k) ** (1.0 / k) + 2.0)


def effective_ie(ie: float, bpl: float, ppl: float, burst_r: float = 1.0) -> float:
    """Ie-eff = Ie + (95 - Ie) · Ppl / (Ppl/BurstR + Bpl) (eq. 7-29)."""
    return ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl)


def burst_ratio_of_runs(runs: Sequence[int], packets: int) -> float:
    """G.113 BurstR from the lengths of the loss runs among ``packets``: the mean observed run over the mean
    expected for random loss, 1/(1-p); 1 (random) without loss, and never below 1."""
    if not runs or packets <= 0:
        return 1.0
    p = sum(runs) / packets
    return max(1.0, sum(runs) / len(runs) * (1.0 - p))


def r_to_mos(r: float) -> float:
    """MOS (conversational quality estimate) from R, G.107 Annex B (B-4).

    The cubic dips just below 1 for 0 < R < 6.5; it is held at 1 there so MOS never falls
    outside the 1-4.5 scale and stays monotonic in R.
    """
    if r <= 0.0:
        return 1.0
    if r >= 100.0:
        return 4.5
    return max(1.0, 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6)


def compute(p: EModelParams, codec: str | None = None, estimate: bool = False) -> EModelResult:
    """Run the whole E-model on a full parameter set."""
    no = noise_no(p)
    ro = 15.0 - 1.5 * (p.slr + no)
    ist = sidetone_ist(p)
    i_s = simultaneous_is(p, ro, no, ist)
    idte = talker_echo_idte(p, no, ist)
    idle = listener_echo_idle(p, ro)
    idd = absolute_delay_idd(p.ta_ms, p.mt_ms, p.st)
    ie_eff = effective_ie(p.ie, p.bpl, p.ppl, p.burst_r)
    r = ro - i_s - (idte + idle + idd) - ie_eff + p.a
    return EModelResult(
        r_factor=r,
        mos=r_to_mos(r),
        ro=ro,
        i_s=i_s,
        i_d=idte + idle + idd,
        idte=idte,
        idle=idle,
        idd=idd,
        ie_eff=ie_eff,
        a=float(p.a),  # inputs given as int are reported as float, like every other figure
        ta_ms=float(p.ta_ms),
        loss_pct=float(p.ppl),
        burst_ratio=float(p.burst_r),
        codec=codec,
        estimate=estimate,
    )


def codec_impairment(codec: str) -> CodecImpairment:
    """The G.113 impairment of a codec by name (g711, g722, g729, opus); KeyError if unknown."""
    return CODECS[codec.lower()]


def emodel(codec: str, one_way_delay_ms: float = 0.0, loss_pct: float = 0.0, burst_ratio: float = 1.0) -> EModelResult:
    """R and MOS for ``codec`` at a mouth-to-ear delay (Ta = T, Tr = 2T) and packet loss."""
    imp = codec_impairment(codec)
    params = EModelParams(
        t_ms=one_way_delay_ms,
        tr_ms=2.0 * one_way_delay_ms,
        ta_ms=one_way_delay_ms,
        ie=imp.ie,
        bpl=imp.bpl,
        ppl=loss_pct,
        burst_r=burst_ratio,
    )
    return compute(params, codec=imp.name, estimate=imp.estimate)


def mouth_to_ear_ms(codec: str, ptime_ms: float, rtt_ms: float, jitter_buffer_ms: float) -> float:
    """One-way delay: network (RTT/2) + packetisation (ptime) + codec look-ahead + jitter buffer."""
    return rtt_ms / 2.0 + ptime_ms + codec_impairment(codec).lookahead_ms + jitter_buffer_ms


def call_quality(
    codec: str,
    ptime_ms: float = 20.0,
    rtt_ms: float = 0.0,
    jitter_buffer_ms: float = 0.0,
    loss_pct: float = 0.0,
    burst_ratio: float = 1.0,
) -> EModelResult:
    """E-model of a call from what a probe measures (RTT, jitter-buffer depth, loss)."""
    delay = mouth_to_ear_ms(codec, ptime_ms, rtt_ms, jitter_buffer_ms)
    return emodel(codec, one_way_delay_ms=delay, loss_pct=loss_pct, burst_ratio=burst_ratio)
