"""The namespace lab itself: builds, reaches the far end through the relay, tears down, runs side by side."""

from __future__ import annotations

import pytest

from assess.lab import Lab, LabConfig, LabError, Services, netns
from tests.labtools import needs_lab, run_python

pytestmark = [pytest.mark.lab, needs_lab]

HELLO_SNIPPET = """
from collectors.probes.reflector_client import ReflectorClient, new_nonce
from wire import reflector_protocol as p
c = ReflectorClient("{ip}", 5004, tries=10, timeout_s=0.3)
s = c.hello(p.Hello(new_nonce(), 1, 1, 8000, 20000, 10))
print("session", s.session_id)
"""


def test_two_labs_side_by_side_do_not_clash_and_both_tear_down() -> None:
    services = Services(iperf3=False)
    with Lab(LabConfig(services=services)) as a, Lab(LabConfig(services=services)) as b:
        assert set(a.ns.values()).isdisjoint(b.ns.values())
        for lab in (a, b):
            out = run_python(lab, "laptop", HELLO_SNIPPET.format(ip=lab.far_ip))
            assert "session" in out.stdout, out.stderr
        truth = a.relay_truth()
        assert truth.up.ipv4_packets >= 1 and truth.down.ipv4_packets >= 1
        # reusing a prefix is refused, and the refusal does not harm the running lab
        with pytest.raises(LabError, match="already exists"), Lab(LabConfig(prefix=a.config.prefix)):
            pass
        assert set(a.ns.values()) <= netns.existing()
    left = netns.existing()
    assert not any(ns in left for ns in (*a.ns.values(), *b.ns.values()))
