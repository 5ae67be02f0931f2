"""Numbers the report stands on, checked against published values and at every threshold.

Expected values come from the standards' tables (G.113 Appendix I, G.107 Annex B), from
docs/voice-quality.md for the two codecs G.113's narrowband table does not list, or are worked
out in the test from the standard's equation. Verdict bands are tested exactly on their edges.
"""

from __future__ import annotations

import pytest

from assess.scoring import capped, decide_verdict, raw_score
from assess.scoring_config import default_scoring_config
from checks.qos import ef_queue
from core.emodel import CODECS, call_quality, codec_impairment, effective_ie, emodel, mouth_to_ear_ms, r_to_mos
from core.models.common import Category, Severity, Status, Verdict
from core.models.facts import ClassMatch, DeviceFacts, PolicyAttachment, PolicyClass, QosPolicy
from core.models.site import CategoryScore
from wire import reflector_protocol as p

# (Ie, Bpl, look-ahead ms): G.113 (11/2018) App. I Tables I.1/I.3 for G.711 with PLC and G.729A;
# G.722 and Opus are the documented estimates of docs/voice-quality.md (no narrowband G.113 value).
CODEC_TABLE = {
    "g711": (0.0, 25.1, 0.0),
    "g729": (11.0, 19.0, 5.0),
    "g722": (0.0, 25.1, 1.5),
    "opus": (0.0, 20.0, 6.5),
}


@pytest.mark.parametrize("codec", sorted(CODEC_TABLE))
def test_codec_impairments_are_the_published_ones(codec: str) -> None:
    ie, bpl, lookahead = CODEC_TABLE[codec]
    imp = codec_impairment(codec.upper())
    assert (imp.ie, imp.bpl, imp.lookahead_ms) == (ie, bpl, lookahead)
    assert imp.estimate == (codec in ("g722", "opus"))


@pytest.mark.parametrize("codec", sorted(CODEC_TABLE))
@pytest.mark.parametrize(("loss", "burst"), [(1.0, 1.0), (2.0, 1.0), (5.0, 2.0)])
def test_loss_moves_r_by_g107_equation_7_29_per_codec(codec: str, loss: float, burst: float) -> None:
    ie, bpl, _ = CODEC_TABLE[codec]
    ie_eff = ie + (95.0 - ie) * loss / (loss / burst + bpl)  # G.107 (7-29), worked here
    clean, lossy = emodel(codec), emodel(codec, loss_pct=loss, burst_ratio=burst)
    assert lossy.ie_eff == pytest.approx(ie_eff, abs=1e-9)
    assert clean.r_factor - lossy.r_factor == pytest.approx(ie_eff - ie, abs=1e-9)


def test_all_codecs_are_in_the_table() -> None:
    assert sorted(CODECS) == sorted(CODEC_TABLE)


@pytest.mark.parametrize(
    ("r", "mos"),
    [(0.0, 1.0), (-5.0, 1.0), (50.0, 2.575), (60.0, 3.1), (80.0, 4.024), (93.2, 4.40929), (100.0, 4.5), (120.0, 4.5)],
)
def test_r_to_mos_annex_b_worked_values(r: float, mos: float) -> None:
    # MOS = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6 for 0 < R < 100 (G.107 Annex B, eq. B-4)
    assert r_to_mos(r) == pytest.approx(mos, abs=5e-5)


def test_g107_default_connection_worked_values() -> None:
    """G.107 Table 3 defaults give R = 93.2 (G.107 §7.7); Ie = 11 removes exactly 11."""
    base = emodel("g711")
    assert base.r_factor == pytest.approx(93.2, abs=0.05)
    assert emodel("g729").r_factor == pytest.approx(base.r_factor - 11.0, abs=1e-9)
    assert effective_ie(11.0, 19.0, 0.0) == 11.0


def test_call_quality_adds_network_packetisation_lookahead_and_buffer() -> None:
    assert mouth_to_ear_ms("opus", 20, 100, 40) == 50 + 20 + 6.5 + 40
    q = call_quality("g729", ptime_ms=20, rtt_ms=200, jitter_buffer_ms=60, loss_pct=1.0, burst_ratio=1.5)
    direct = emodel("g729", one_way_delay_ms=100 + 20 + 5 + 60, loss_pct=1.0, burst_ratio=1.5)
    assert (q.r_factor, q.ta_ms, q.loss_pct, q.burst_ratio) == (direct.r_factor, 185.0, 1.0, 1.5)


# --- verdict bands: exactly on each edge ---------------------------------------------------------


def _categories(assessed: bool = True) -> list[CategoryScore]:
    common = {"score": 100.0, "weight": 0.2, "failed": 0, "passed": 1, "unknown": 0, "assessed": assessed}
    return [CategoryScore(category=c, title=c.value, **common) for c in Category]


def test_score_exactly_at_no_go_below_is_not_no_go() -> None:
    cfg = default_scoring_config()
    verdict, reason = decide_verdict([], _categories(), cfg.no_go_below, cfg)
    assert verdict == Verdict.CONDITIONAL and f"below {cfg.go_at:.0f}" in reason
    below, _ = decide_verdict([], _categories(), cfg.no_go_below - 0.01, cfg)
    assert below == Verdict.NO_GO


def test_score_exactly_at_go_at_is_go() -> None:
    cfg = default_scoring_config()
    assert decide_verdict([], _categories(), cfg.go_at, cfg)[0] == Verdict.GO
    assert decide_verdict([], _categories(), cfg.go_at - 0.01, cfg)[0] == Verdict.CONDITIONAL


def test_capped_keeps_each_score_inside_its_verdict_band() -> None:
    cfg = default_scoring_config()
    assert capped(90.0, Verdict.NO_GO, cfg) == cfg.no_go_below - 1
    assert capped(30.0, Verdict.NO_GO, cfg) == 30.0
    assert capped(90.0, Verdict.CONDITIONAL, cfg) == cfg.go_at - 1
    assert capped(60.0, Verdict.CONDITIONAL, cfg) == 60.0
    assert capped(90.0, Verdict.GO, cfg) == 90.0


def test_raw_score_is_the_weighted_mean_of_assessed_categories() -> None:
    cfg = default_scoring_config()
    cats = _categories()
    cats[0] = cats[0].model_copy(update={"score": 50.0})
    cats[1] = cats[1].model_copy(update={"assessed": False, "score": 0.0})
    weights = {c.category: cfg.weights[c.category] for c in cats}
    assessed = [c for c in cats if c.assessed]
    expected = sum(c.score * weights[c.category] for c in assessed) / sum(weights[c.category] for c in assessed)
    assert raw_score(cats, cfg) == pytest.approx(expected)
    assert raw_score(_categories(assessed=False), cfg) == 0.0


def test_critical_fail_beats_a_perfect_score() -> None:
    from core.models.findings import Finding

    crit = Finding(id="VQ201", title="t", severity=Severity.CRITICAL, category=Category.WAN_QOS, status=Status.FAIL)
    assert decide_verdict([crit], _categories(), 100.0, default_scoring_config())[0] == Verdict.NO_GO


# --- QoS facts: the queue the sizing rules (VQ202/VQ203) read -----------------------------------


def _facts(classes: list[PolicyClass], matches: dict[str, list[str]]) -> tuple[DeviceFacts, QosPolicy]:
    policy = QosPolicy(name="WAN-EDGE", classes=classes)
    facts = DeviceFacts(
        platform="cisco_ios",
        class_maps=[ClassMatch(name=n, match_dscp=m) for n, m in matches.items()],
        policies=[policy],
        attachments=[PolicyAttachment(interface="Gi0/0", direction="output", policy="WAN-EDGE")],
    )
    return facts, policy


def test_ef_queue_is_the_priority_class_that_matches_ef() -> None:
    classes = [
        PolicyClass(name="SIGNAL", priority=True, priority_kbps=64),
        PolicyClass(name="BULK", bandwidth_pct=20),
        PolicyClass(name="VOICE", priority=True, priority_kbps=512),
    ]
    facts, policy = _facts(classes, {"SIGNAL": ["cs3"], "BULK": ["ef"], "VOICE": ["46"]})
    queue = ef_queue(facts, policy)
    assert queue is not None and queue.cls.name == "VOICE"
    assert facts.ef_priority is True


def test_ef_outside_any_priority_class_has_no_ef_queue() -> None:
    classes = [PolicyClass(name="SIGNAL", priority=True, priority_kbps=64), PolicyClass(name="VOICE", bandwidth_pct=30)]
    facts, policy = _facts(classes, {"SIGNAL": ["cs3"], "VOICE": ["ef"]})
    assert ef_queue(facts, policy) is None
    assert facts.ef_priority is False


# --- reflector authentication --------------------------------------------------------------------


@pytest.mark.parametrize("length", [p.MEDIA_TAG_LEN, p.CONTROL_TAG_LEN])
def test_a_tag_wrong_in_any_single_byte_is_refused(length: int) -> None:
    key = bytes(range(32))
    signed = p.sign(key, b"\x80\x00" + bytes(30), length)
    assert p.verify(key, signed, length) == signed[:-length]
    for i in range(1, length + 1):
        forged = bytearray(signed)
        forged[-i] ^= 0x01
        with pytest.raises(p.ProtocolError, match="bad authenticator"):
            p.verify(key, bytes(forged), length)
    with pytest.raises(p.ProtocolError, match="bad authenticator"):
        p.verify(b"another key", signed, length)


# --- redaction ----------------------------------------------------------------------------------


def test_a_redaction_rule_is_case_insensitive_and_anchored_per_line() -> None:
    from platforms.redact import _rule

    rule = _rule("demo", r"^([ \t]*key )\S+")
    assert rule.name == "demo"
    assert rule.pattern.sub(lambda m: m.group(1) + "<x>", "hostname r1\n KEY s3cr3t") == "hostname r1\n KEY <x>"


def test_redact_json_reaches_strings_inside_lists_and_objects() -> None:
    from platforms.redact import redact_json

    value = {"a": ["enable secret 5 $1$abc", {"b": "snmp-server community s3cr3t RO"}], "n": 3, "t": None}
    assert redact_json(value) == {
        "a": ["enable secret 5 <redacted>", {"b": "snmp-server community <redacted> RO"}],
        "n": 3,
        "t": None,
    }
