"""Link probing in the survey: each probe is a bounded process; a resumed run keeps what was measured."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assess.link_requests import LinkProbeOptions, link_requests, time_limit_s
from assess.link_survey import load_link_probes, probe_link, save_link_probes, store, stored
from collectors.probes.requests import BandwidthProbe
from core.models.probes import BandwidthResult, RtpResult
from core.models.site import LinkProbes
from core.models.stamp import StampResult
from core.models.traversal import NatResult, PortsResult, SignallingResult, SipAlgResult
from core.plan import Link, Voice


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _link(port: int) -> Link:
    far = f"127.0.0.1:{port}"
    return Link.model_validate({"name": "wan1", "contracted_up_mbps": 10, "contracted_down_mbps": 50,
                                "reflector": far, "iperf3": far, "stun": far})


RECORDED_RTP = RtpResult(
    packets_sent=500, packets_received=499, loss_pct=0.2, jitter_ms=1.5, jitter_p95_ms=3.0, rtt_ms=20.0,
    reorder_pct=0.0, r_factor=92.0, mos=4.4, loss_up_pct=0.2, loss_down_pct=0.0, jitter_up_ms=1.5,
    jitter_down_ms=1.0,
)


def test_resumed_link_keeps_measured_probes_and_reports_dead_far_end_as_not_assessed(tmp_path: Path) -> None:
    save_link_probes(tmp_path, "site", LinkProbes(link="wan1", rtp=RECORDED_RTP, source="live"))
    opts = LinkProbeOptions(rtp_duration_s=2, bandwidth_duration_s=1, nat_lifetime_cap_s=0)
    probes, missing = probe_link("site", _link(_free_udp_port()), Voice(), tmp_path, opts, resume=True)
    assert probes.rtp == RECORDED_RTP  # not measured again
    items = {m.item for m in missing}
    assert "wan1: rtp probe" not in items
    assert {"wan1: bandwidth probe", "wan1: nat probe", "wan1: sip alg probe", "wan1: ports probe"} <= items
    assert all(m.reason and "Traceback" not in m.reason for m in missing)
    saved = load_link_probes(tmp_path, "site", "wan1")
    assert saved is not None and saved.rtp == RECORDED_RTP


def test_bandwidth_probe_is_capped_per_direction_by_the_plan() -> None:
    planned = {p.field: p.request for p in link_requests(_link(5201), Voice(peak_calls=4), LinkProbeOptions())}
    bandwidth = planned["bandwidth"]
    assert isinstance(bandwidth, BandwidthProbe)
    assert (bandwidth.contracted_up_mbps, bandwidth.contracted_down_mbps) == (10, 50)
    assert bandwidth.max_mbps <= 55 + 1e-9 and bandwidth.calls == 4
    assert all(time_limit_s(r) > 0 for r in planned.values() if r is not None)


def test_each_kind_of_result_is_kept_in_its_own_field_and_found_there_on_resume() -> None:
    probes = LinkProbes(link="wan1")
    by_field = {"rtp": RtpResult, "bandwidth": BandwidthResult, "nat": NatResult, "sip_alg": SipAlgResult,
                "ports": PortsResult, "sip_path": SignallingResult}  # read off LinkProbes' fields
    for fld, model in by_field.items():
        result = model.model_construct()
        store(probes, result)
        assert getattr(probes, fld) is result and stored(probes, fld) is result  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no field"):
        store(probes, StampResult.model_construct())
