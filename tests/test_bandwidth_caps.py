"""The bandwidth probe never tests a direction faster than its contract (plus the margin) unless forced."""

from __future__ import annotations

import pytest

from collectors.probes.bandwidth import check_bandwidth, rate_cap
from collectors.probes.requests import BandwidthProbe


def test_asymmetric_link_caps_each_direction_at_its_own_contract() -> None:
    s = BandwidthProbe(host="192.0.2.1", max_mbps=220, contracted_up_mbps=20, contracted_down_mbps=200)
    check_bandwidth(s)
    assert rate_cap(s, s.contracted_up_mbps) == pytest.approx(22.0)
    assert rate_cap(s, s.contracted_down_mbps) == pytest.approx(220.0)


def test_request_above_every_contract_is_refused_with_the_reason() -> None:
    s = BandwidthProbe(host="192.0.2.1", max_mbps=500, contracted_up_mbps=20, contracted_down_mbps=200)
    with pytest.raises(ValueError, match="exceeds the contracted rate 200 Mbit/s"):
        check_bandwidth(s)


def test_force_lifts_the_contract_cap_but_not_the_hard_cap() -> None:
    forced = BandwidthProbe(host="192.0.2.1", max_mbps=500, contracted_up_mbps=20, force=True)
    check_bandwidth(forced)
    assert rate_cap(forced, 20) == 500
    with pytest.raises(ValueError, match="at most 1000"):
        check_bandwidth(BandwidthProbe(host="192.0.2.1", max_mbps=5000, force=True))
