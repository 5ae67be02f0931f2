"""The UDP binding lifetime survives a lossy path: a lost tickle or answer must not read as an expiry.

Ground truth: the router's nf_conntrack_udp_timeout (8 s); the relay drops 5 % each way.
Without re-tickling, a single lost datagram would bracket the lifetime far below the truth.
"""

from __future__ import annotations

import json

import pytest

from assess.lab import Impairment, Lab, LabConfig, RelayConfig, RouterConfig, Services
from tests.labtools import needs_lab, run_python

pytestmark = [pytest.mark.lab, needs_lab]

SNIPPET = """
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
print(probe_nat(NatProbe(host="{ip}", port=3478, timeout_s=0.6, lifetime_cap_s=16, parallel=8)).model_dump_json())
"""


def test_binding_lifetime_on_a_lossy_path_matches_the_conntrack_timeout() -> None:
    lossy = Impairment(delay_ms=5, loss_pct=5)
    config = LabConfig(
        router=RouterConfig(udp_timeout_s=8),
        relay=RelayConfig(up=lossy, down=lossy, seed=7),
        services=Services(stun=True, iperf3=False),
    )
    with Lab(config) as lab:
        out = run_python(lab, "laptop", SNIPPET.format(ip=lab.far_ip), timeout=120)
        assert out.returncode == 0, out.stderr
        nat = json.loads(out.stdout.splitlines()[-1])
        truth = lab.relay_truth()
    print(f"\nlifetime {nat['binding_lifetime_s']} ± {nat['binding_lifetime_resolution_s']} s, truth 8 s; "
          f"relay dropped {truth.up.loss_pct:.1f} % up, {truth.down.loss_pct:.1f} % down")
    assert truth.up.loss_pct > 0 and truth.down.loss_pct > 0
    resolution = nat["binding_lifetime_resolution_s"]
    assert resolution is not None
    assert abs(nat["binding_lifetime_s"] - 8) <= resolution + 0.5
