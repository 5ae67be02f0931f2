"""The whole-message SIP authentication still lets the probe see a real ALG's rewrite (issue 15).

Lab: the reflector requires a secret; the router runs Linux's SIP helper (nf_nat_sip), which
rewrites addresses, ports and Content-Length in transit. The echo must still verify the message
(runs of digits and dots are folded in the MAC) and the probe must name what was rewritten.
"""

from __future__ import annotations

import json

import pytest

from assess.lab import Lab, LabConfig, RouterConfig, Services
from tests.labtools import needs_lab, run_python

pytestmark = [pytest.mark.lab, needs_lab]

SECRET = "lab-hardening-secret"
SNIPPET = """
from collectors.probes.requests import SipAlgProbe
from collectors.probes.sip_alg import probe_sip_alg
print(probe_sip_alg(SipAlgProbe(host="{ip}", port=5060, secret={secret!r})).model_dump_json())
"""


def test_sip_alg_rewrite_through_a_secret_protected_echo_is_still_detected_and_a_wrong_secret_is_not_answered() -> None:
    services = Services(iperf3=False, stun=False, reflector_secret=SECRET)
    with Lab(LabConfig(relay_enabled=False, services=services)) as lab:
        lab.configure_router(RouterConfig(nat="masquerade", sip_helper=True))
        runs = {}
        for name, secret in (("right", SECRET), ("wrong", "not-the-secret")):
            out = run_python(lab, "laptop", SNIPPET.format(ip=lab.far_ip, secret=secret), timeout=120)
            assert out.stdout.strip(), out.stderr
            runs[name] = json.loads(out.stdout)
    right, wrong = runs["right"], runs["wrong"]
    assert right["sip_alg_detected"] is True and {"Contact", "Via"} <= set(right["rewritten"])
    assert not any(m["answered"] for m in wrong["messages"])
