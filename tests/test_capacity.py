"""Voice bandwidth per call and Erlang B against published values."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assess.cli import app
from core.capacity import Overheads, capacity, channels_for, erlang_b, per_call_kbps


@pytest.mark.parametrize(
    ("codec", "ptime", "link", "crtp", "kbps"),
    [
        ("g711", 20, "ethernet", False, 87.2),  # (160 + 40 + 18) B x 50 pps
        ("g729", 20, "ethernet", False, 31.2),  # (20 + 40 + 18) B x 50 pps
        ("g711", 30, "ethernet", False, 79.47),  # (240 + 58) B x 33.3 pps
        ("g711", 20, "ppp", False, 82.4),  # (160 + 40 + 6) B x 50 pps
        ("g729", 20, "ppp", False, 26.4),
        ("g729", 20, "ppp", True, 11.2),  # cRTP: (20 + 2 + 6) B x 50 pps
        ("g711", 20, "mpls", False, 90.4),  # Ethernet + 2 labels
        # ESP tunnel: 200 B inner -> padded to 208 with trailer, + 8 hdr + 16 IV + 12 ICV + 20 IP + 18 Eth
        ("g711", 20, "ipsec", False, 112.8),
        ("g729", 20, "ipsec", False, 55.2),  # 60 -> 64 padded, + 56 + 18 = 138 B x 50 pps
    ],
)
def test_per_call_bandwidth(codec: str, ptime: int, link: str, crtp: bool, kbps: float) -> None:
    assert per_call_kbps(codec, ptime, link, crtp) == pytest.approx(kbps, abs=0.01)  # type: ignore[arg-type]


def test_ipsec_g729_frame_size_worked_out() -> None:
    inner = 20 + 40
    padded = 64  # 60 + 2 trailer bytes rounded up to a 16-byte block
    frame = 20 + 8 + 16 + padded + 12 + 18
    assert inner + 2 <= padded
    assert per_call_kbps("g729", 20, "ipsec") == pytest.approx(frame * 8 * 50 / 1000)


def test_overheads_are_parameters() -> None:
    tagged = Overheads(ethernet=22)
    assert per_call_kbps("g711", 20, "ethernet", overheads=tagged) == pytest.approx(88.8)


# Published Erlang B table (traffic in Erlangs carried by N trunks at the given blocking).
ERLANG_B_TABLE = [
    (1, 0.01, 0.0101),
    (5, 0.01, 1.361),
    (10, 0.01, 4.461),
    (20, 0.01, 12.031),
    (50, 0.01, 37.901),
    (100, 0.01, 84.064),
    (10, 0.02, 5.084),
    (20, 0.02, 13.182),
    (50, 0.02, 40.255),
    (10, 0.05, 6.216),
    (10, 0.001, 3.092),
    (5, 0.001, 0.762),
    (30, 0.01, 20.337),
]


@pytest.mark.parametrize(("trunks", "gos", "erlangs"), ERLANG_B_TABLE)
def test_erlang_b_matches_published_table(trunks: int, gos: float, erlangs: float) -> None:
    assert erlang_b(trunks, erlangs) == pytest.approx(gos, rel=0.01)
    assert channels_for(erlangs * 0.999, gos) == trunks
    assert channels_for(erlangs * 1.01, gos) == trunks + 1


def test_erlang_b_is_stable_for_large_systems() -> None:
    assert 0.0 < erlang_b(5000, 4900.0) < 0.05
    assert channels_for(0.0) == 0


def test_capacity_with_erlangs_sizes_channels_and_total() -> None:
    result = capacity("g711", erlangs=12.0, gos=0.01)
    assert result.channels == 20
    assert result.total_kbps == pytest.approx(20 * 87.2)
    assert result.blocking is not None and result.blocking <= 0.01


def test_cli_capacity_json_contract() -> None:
    out = CliRunner().invoke(app, ["capacity", "--calls", "10", "--codec", "g729", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert (data["per_call_kbps"], data["total_kbps"], data["channels"]) == (31.2, 312.0, 10)


def test_cli_capacity_erlangs_and_link() -> None:
    args = ["capacity", "--erlangs", "4.4", "--gos", "0.01", "--codec", "g711", "--link", "ppp", "--json"]
    data = json.loads(CliRunner().invoke(app, args).stdout)
    assert data["channels"] == 10
    assert data["total_kbps"] == pytest.approx(824.0)


@pytest.mark.parametrize(
    "args",
    [
        ["capacity", "--codec", "g711"],
        ["capacity", "--calls", "2", "--erlangs", "3", "--codec", "g711"],
        ["capacity", "--erlangs", "3", "--gos", "1", "--codec", "g711"],
        ["capacity", "--calls", "2", "--codec", "ilbc"],
        ["capacity", "--calls", "2", "--codec", "g711", "--link", "atm"],
    ],
)
def test_cli_capacity_bad_input_is_a_user_error(args: list[str]) -> None:
    from core.errors import UserError

    assert isinstance(CliRunner().invoke(app, args).exception, UserError)
