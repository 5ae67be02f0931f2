"""DSCP kept or lost per direction, the hop that bleaches it, and a 5 Mbit/s shaper, in the lab."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from assess.lab import Lab, LabConfig, RouterConfig, Services
from core.models.probes import BandwidthResult, DscpTraceResult, RtpResult
from tests.labtools import assess_cmd, needs_lab

pytestmark = [pytest.mark.lab, needs_lab]


SECRET = "lab-shared-secret"  # the reflector here requires HMAC: every probe below authenticates
WITH_SECRET = {**os.environ, "ASSESS_SECRET": SECRET}


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab(LabConfig(services=Services(stun=False, reflector_secret=SECRET))) as built:
        yield built


def _rtp(lab: Lab) -> RtpResult:
    out = assess_cmd(lab, "laptop", ["probe", "rtp", lab.far_ip, "--duration", "1", "--json"], env=WITH_SECRET)
    assert out.returncode == 0, out.stderr
    return RtpResult.model_validate_json(out.stdout)


def test_a_probe_with_the_wrong_secret_is_not_answered(lab: Lab) -> None:
    env = {**os.environ, "ASSESS_SECRET": "not-the-secret"}
    out = assess_cmd(lab, "laptop", ["probe", "rtp", lab.far_ip, "--duration", "1", "--json"], env=env)
    assert out.returncode == 1
    assert '"status": "not_assessed"' in out.stdout
    assert SECRET not in out.stdout + out.stderr and "not-the-secret" not in out.stdout + out.stderr


@pytest.mark.parametrize(
    ("up", "down", "at_far_end", "on_return"),
    [("cs0", None, 0, 46), (None, "cs0", 46, 0), (None, "af41", 46, 34)],
    ids=["bleached-upstream", "bleached-downstream", "remarked-downstream"],
)
def test_dscp_is_reported_per_direction(
    lab: Lab, up: str | None, down: str | None, at_far_end: int, on_return: int
) -> None:
    lab.configure_router(RouterConfig(dscp_up=up, dscp_down=down))  # type: ignore[arg-type]
    result = _rtp(lab)
    assert result.dscp_sent == 46
    assert result.dscp_at_far_end == at_far_end
    assert result.dscp_on_return == on_return


def test_dscp_trace_names_the_bleaching_hop(lab: Lab) -> None:
    lab.configure_router(RouterConfig(dscp_up="cs0"))
    out = assess_cmd(lab, "laptop", ["probe", "dscp-trace", lab.far_ip, "--max-hops", "4", "--json"])
    assert out.returncode == 0, out.stderr
    trace = DscpTraceResult.model_validate_json(out.stdout)
    print("\n" + trace.summary)
    assert trace.preserved is False
    assert trace.changed_after_address == lab.router_lan_ip  # the router re-marks on its way out
    assert trace.first_changed_address == lab.hop_ip
    assert trace.hops[-1].reached_target


def test_a_5_mbit_tbf_cap_is_measured_within_10_percent(lab: Lab) -> None:
    lab.configure_router(RouterConfig(rate_up_mbit=5, rate_down_mbit=5, shaper="tbf"))
    out = assess_cmd(
        lab,
        "laptop",
        ["probe", "bandwidth", lab.far_ip, "--duration", "2", "--max-mbps", "20", "--calls", "4", "--json"],
    )
    assert out.returncode == 0, out.stderr
    result = BandwidthResult.model_validate_json(out.stdout)
    print(f"\ntbf 5 Mbit/s: up {result.up_mbps} down {result.down_mbps} Mbit/s, headroom {result.headroom_up_mbps}")
    assert abs(result.up_mbps - 5) <= 0.5
    assert abs(result.down_mbps - 5) <= 0.5
    assert result.udp_loss_pct < 1.0
    assert result.headroom_up_mbps == pytest.approx(result.up_mbps - result.voice_load_kbps / 1000, abs=0.01)


def test_relay_killed_mid_probe_is_not_assessed_within_bounded_time(lab: Lab) -> None:
    lab.configure_router(RouterConfig())
    argv = [sys.executable, "-m", "tests.one_probe", "probe", "rtp", lab.far_ip, "--duration", "3", "--json"]
    proc = lab.popen("laptop", argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=WITH_SECRET)
    try:
        deadline = time.monotonic() + 60
        while lab.relay_truth().up.ipv4_packets < 10 and time.monotonic() < deadline:
            time.sleep(0.1)  # wait until the stream flows, then cut the path
        lab.stop_relay()
        cut = time.monotonic()
        out, err = proc.communicate(timeout=60)
        assert time.monotonic() - cut < 10
    finally:
        proc.kill()
        lab.start_relay(lab.config.relay)
    assert proc.returncode == 1, err
    assert b'"status": "not_assessed"' in out
    assert b"Traceback" not in err
