"""NAT, binding lifetime, SIP ALG and port probes through the lab's real nftables router.

One lab for the module (no impairment relay: traversal needs none); each test reconfigures
the router, which also flushes conntrack.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from assess.lab import Lab, LabConfig, RouterConfig, Services
from tests.labtools import assess_cmd, needs_lab, run_python

pytestmark = [pytest.mark.lab, needs_lab]

REFLECTOR_STUN = 3490  # coturn holds 3478 in the far namespace
UNUSED_FAR_IP = "203.0.113.99"  # on the far segment, assigned to nobody


@pytest.fixture(scope="module")
def lab():
    services = Services(iperf3=False, stun=True, reflector_args=["--stun-port", str(REFLECTOR_STUN)])
    with Lab(LabConfig(relay_enabled=False, services=services)) as built:
        yield built


def probe(lab: Lab, args: list[str], timeout: float = 120) -> tuple[int, dict]:
    out = assess_cmd(lab, "laptop", ["probe", *args, "--json"], timeout=timeout)
    assert out.stdout.strip(), out.stderr
    return out.returncode, json.loads(out.stdout)


NAT_SNIPPET = """
from collectors.probes.nat_probe import NatProbeOptions, probe_nat
for port in (3478, {reflector_port}):
    print(probe_nat("{ip}", port, NatProbeOptions(timeout_s=0.6, lifetime_cap_s=0)).model_dump_json())
"""


def turnutils(lab: Lab) -> tuple[str, str]:
    """coturn's own classification of the same path: (mapping, filtering)."""
    out = lab.exec("laptop", ["turnutils_natdiscovery", "-m", "-f", "-L", lab.laptop_ip, lab.far_ip], timeout=60).stdout
    mapping_part, _, filtering_part = out.partition("Filtering Behavior Discovery")
    return _classify(mapping_part), _classify(filtering_part)


def _classify(section: str) -> str:
    if "No NAT!" in section:
        return "no-nat"
    found = re.findall(r"NAT with (Endpoint Independent|Address Dependent|Address and Port Dependent)", section)
    return found[-1].lower().replace(" ", "-") if found else "unknown"


@pytest.mark.parametrize(
    ("nat", "expected_mapping"),
    [("masquerade", "endpoint-independent"), ("masquerade-random", "address-and-port-dependent"), ("none", "no-nat")],
)
def test_nat_behaviour_matches_turnutils_natdiscovery(lab, nat, expected_mapping):
    lab.configure_router(RouterConfig(nat=nat))
    theirs = turnutils(lab)
    lab.configure_router(RouterConfig(nat=nat))  # flush conntrack: each tool starts from a clean NAT
    out = run_python(lab, "laptop", NAT_SNIPPET.format(ip=lab.far_ip, reflector_port=REFLECTOR_STUN))
    coturn, reflector = (json.loads(line) for line in out.stdout.splitlines())
    print(f"\n{nat:<18} {'mapping':<28} filtering")
    print(f"{'turnutils':<18} {theirs[0]:<28} {theirs[1]}")
    for name, r in (("assess vs coturn", coturn), ("assess vs reflector", reflector)):
        print(f"{name:<18} {r['mapping']:<28} {r['filtering']}")
    assert (coturn["mapping"], coturn["filtering"]) == theirs
    assert (reflector["mapping"], reflector["filtering"]) == theirs
    assert coturn["mapping"] == expected_mapping
    if nat != "none":
        assert coturn["public_address"] == lab.router_wan_ip


def test_binding_lifetime_matches_conntrack_udp_timeout(lab):
    timeout_s = 6
    lab.configure_router(RouterConfig(nat="masquerade", udp_timeout_s=timeout_s))
    start = time.monotonic()
    _, r = probe(lab, ["nat", lab.far_ip, "--lifetime-cap", "12", "--parallel", "8"])
    took = time.monotonic() - start
    print(f"\nbinding lifetime {r['binding_lifetime_s']} ± {r['binding_lifetime_resolution_s']} s "
          f"(nf_conntrack_udp_timeout {timeout_s} s), probe took {took:.1f} s")
    assert r["binding_lifetime_at_least"] is False
    # 10 ms allowance: the reported numbers are rounded to milliseconds, and conntrack starts its
    # timer when the answer crosses the router, a fraction of a millisecond before we see it.
    assert abs(r["binding_lifetime_s"] - timeout_s) <= r["binding_lifetime_resolution_s"] + 0.01
    assert r["binding_lifetime_resolution_s"] <= 0.5


def test_kernel_sip_helper_is_detected_and_rewritten_fields_named(lab):
    lab.configure_router(RouterConfig(nat="masquerade", sip_helper=True))
    _, on = probe(lab, ["sip-alg", lab.far_ip])
    lab.configure_router(RouterConfig(nat="masquerade", sip_helper=False))
    _, off = probe(lab, ["sip-alg", lab.far_ip])
    print(f"\nhelper on: detected={on['sip_alg_detected']} rewritten={on['rewritten']} "
          f"large_ok={on['large_message_ok']} nonstandard_altered={on['nonstandard_port_altered']}")
    print(f"helper off: detected={off['sip_alg_detected']} rewritten={off['rewritten']}")
    assert on["sip_alg_detected"] is True
    assert {"Via", "Contact", "c="} <= set(on["rewritten"])
    assert on["nonstandard_port_altered"] is False  # the helper is assigned to 5060 only
    assert on["large_message_ok"] is True  # Linux's helper copes with a 1400-byte INVITE
    assert off["sip_alg_detected"] is False and off["rewritten"] == []


def test_dropped_part_of_rtp_range_is_found_exactly(lab):
    lab.configure_router(RouterConfig(nat="masquerade"))
    for argv in (["nft", "add", "table", "ip", "travblock"],
                 ["nft", "add", "chain", "ip", "travblock", "f",
                  "{ type filter hook forward priority filter; policy accept; }"],
                 ["nft", "add", "rule", "ip", "travblock", "f", "udp", "dport", "12000-12999", "drop"]):
        done = lab.exec("router", argv, timeout=10)
        assert done.returncode == 0, done.stderr
    try:
        code, r = probe(lab, ["ports", lab.far_ip, "--udp", "5060,10000-20000", "--tcp", "5060,5061"])
    finally:
        lab.exec("router", ["nft", "delete", "table", "ip", "travblock"], timeout=10)
    expected = [p for p in r["tested_udp"] if 12000 <= p <= 12999]
    print(f"\ntested {len(r['tested_udp'])} UDP ports, blocked {r['blocked_udp']} (expected {expected}); "
          f"TCP blocked {r['blocked_tcp']}")
    assert code == 0 and expected
    assert r["blocked_udp"] == expected
    assert r["tested_tcp"] == [5060, 5061] and r["blocked_tcp"] == []


@pytest.mark.parametrize(
    "args",
    [["nat", UNUSED_FAR_IP, "--timeout", "1"], ["sip-alg", UNUSED_FAR_IP, "--timeout", "1"],
     ["ports", UNUSED_FAR_IP, "--udp", "5060", "--tcp", "5060"]],
    ids=["nat", "sip-alg", "ports"],
)
def test_unreachable_far_end_is_not_assessed_within_bounded_time(lab, args):
    start = time.monotonic()
    code, r = probe(lab, args, timeout=30)
    took = time.monotonic() - start
    print(f"\n{args[0]}: not assessed in {took:.1f} s: {r['reason']}")
    assert code == 1 and r["assessed"] is False and r["reason"]
    assert took < 15
