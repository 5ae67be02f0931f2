"""Bandwidth and Erlang B at their edges: ESP block boundaries, GoS met exactly, search limits.

Frame sizes are worked out by hand in each test from the layer sizes (IP 20 + UDP 8 + RTP 12,
ESP: 8 header, 16 IV, payload + 2 trailer bytes padded to 16, 12 ICV, 20 outer IP, 18 Ethernet).
"""

from __future__ import annotations

import pytest

from core.capacity import Overheads, capacity, channels_for, erlang_b, per_call_kbps


@pytest.mark.parametrize(
    ("codec_kbps", "frame"),
    [
        (15.2, 20 + 8 + 16 + 80 + 12 + 18),  # 38 B payload: 78 B packet + 2 = 80, exactly five blocks
        (15.6, 20 + 8 + 16 + 96 + 12 + 18),  # 39 B payload: 79 + 2 = 81 spills into a sixth block
    ],
)
def test_esp_padding_at_the_block_boundary(codec_kbps: float, frame: int) -> None:
    assert per_call_kbps("g729", 20, "ipsec", codec_kbps=codec_kbps) == pytest.approx(frame * 8 * 50 / 1000)


def test_nat_traversal_adds_its_udp_header_to_esp() -> None:
    plain = per_call_kbps("g729", 20, "ipsec")
    assert per_call_kbps("g729", 20, "ipsec", overheads=Overheads(nat_t=8)) == pytest.approx(plain + 8 * 8 * 50 / 1000)


def test_defaults_are_20_ms_over_ethernet_and_codec_rate_overrides() -> None:
    assert per_call_kbps("g711") == 87.2
    assert per_call_kbps("opus", 20, "ethernet", codec_kbps=8.0) == per_call_kbps("g729") == 31.2


def test_per_call_is_rounded_to_the_bit_per_second() -> None:
    # G.729 at 30 ms: (30 + 40 + 18) B x 33.33 pps = 23.4666.. kbit/s
    assert per_call_kbps("g729", 30) == 23.467


def test_gos_met_exactly_is_enough() -> None:
    blocking = erlang_b(10, 4.46)
    assert channels_for(4.46, blocking) == 10
    assert channels_for(4.46, blocking * 0.999) == 11


def test_erlang_b_first_steps_by_hand() -> None:
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(1, 1.0) == 0.5  # E / (1 + E)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # E^2/2 / (1 + E + E^2/2)


def test_default_grade_of_service_is_one_percent() -> None:
    assert channels_for(4.46) == 10  # B(9, 4.46) = 0.023, B(10, 4.46) = 0.00999


def test_any_blocking_allowed_still_needs_one_channel() -> None:
    assert channels_for(5.0, gos=1.0) == 1


def test_search_stops_at_its_limit_with_a_reason() -> None:
    assert channels_for(4.46, 0.01, limit=10) == 10
    with pytest.raises(ValueError, match=r"more than 9 channels needed for 4.46 E at GoS 0.01"):
        channels_for(4.46, 0.01, limit=9)


@pytest.mark.parametrize(("calls", "erlangs"), [(None, None), (3, 2.0)])
def test_capacity_needs_exactly_one_of_calls_or_erlangs(calls: int | None, erlangs: float | None) -> None:
    with pytest.raises(ValueError, match=r"^give exactly one of calls or erlangs$"):
        capacity("g711", calls=calls, erlangs=erlangs)


def test_capacity_for_calls_has_no_gos_or_blocking() -> None:
    r = capacity("g729", ptime_ms=30, link="ppp", crtp=True, calls=7, codec_kbps=6.4)
    per_call = per_call_kbps("g729", 30, "ppp", True, 6.4)
    assert (r.channels, r.calls, r.erlangs, r.gos, r.blocking) == (7, 7, None, None, None)
    assert (r.codec, r.ptime_ms, r.link, r.crtp) == ("g729", 30, "ppp", True)
    assert r.payload_bytes == 6.4 * 30 / 8 and r.per_call_kbps == per_call
    assert r.packets_per_s == pytest.approx(1000 / 30)
    assert r.total_kbps == round(per_call * 7, 3)


def test_capacity_for_erlangs_reports_gos_and_the_blocking_reached() -> None:
    r = capacity("g711", erlangs=4.46, gos=0.05)
    assert (r.channels, r.erlangs, r.gos, r.calls) == (8, 4.46, 0.05, None)  # B(8, 4.46) = 0.047
    assert r.blocking == erlang_b(8, 4.46) and r.blocking <= 0.05
    assert capacity("g711", erlangs=0.0).channels == 0
    assert capacity("g711", erlangs=4.46).gos == 0.01  # the default grade of service
