"""NAT, binding lifetime, SIP ALG and port probes through the lab's real nftables router.

One lab for the module (no impairment relay: traversal needs none); each test reconfigures
the router, which also flushes conntrack.
"""

from __future__ import annotations

import json
import re

import pytest

from assess.lab import Lab, LabConfig, RouterConfig, Services
from tests.labtools import needs_lab, run_python
from tests.traversal_servers import start_dnsmasq, start_sipp_uas

pytestmark = [pytest.mark.lab, needs_lab]

REFLECTOR_STUN = 3490  # coturn holds 3478 in the far namespace
UNUSED_FAR_IP = "203.0.113.99"  # on the far segment, assigned to nobody


@pytest.fixture(scope="module")
def lab():
    services = Services(iperf3=False, stun=True, reflector_args=["--stun-port", str(REFLECTOR_STUN)])
    with Lab(LabConfig(relay_enabled=False, services=services)) as built:
        yield built


PROBE_SNIPPET = """
from collectors.probes.ports import probe_ports
from collectors.probes.port_list import expand, parse_ports
from collectors.probes.sip_alg import probe_sip_alg
from collectors.probes.requests import PortsProbe, SipAlgProbe, SipPathProbe
from collectors.probes.sip_path import probe_sip_path
print(({call}).model_dump_json())
"""


def probe(lab: Lab, call: str, timeout: float = 120) -> dict:
    """Run one probe function in the laptop namespace (the CLI itself is tested on loopback:
    importing only the probe keeps each run seconds shorter on a busy machine)."""
    out = run_python(lab, "laptop", PROBE_SNIPPET.format(call=call), timeout=timeout)
    assert out.stdout.strip(), out.stderr
    return json.loads(out.stdout)


NAT_SNIPPET = """
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
for port in (3478, {reflector_port}):
    print(probe_nat(NatProbe(host="{ip}", port=port, timeout_s=0.6, lifetime_cap_s=0)).model_dump_json())
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


LIFETIME_SNIPPET = """
import json, threading, time
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
out = {{}}
def run(name, port):
    start = time.monotonic()
    r = probe_nat(NatProbe(host="{ip}", port=port, timeout_s=1.0, lifetime_cap_s=8, parallel=8))
    out[name] = (r.binding_lifetime_s, r.binding_lifetime_resolution_s, r.binding_lifetime_at_least,
                 time.monotonic() - start)
# Both servers at once: the bindings are independent, and the test takes half the time.
threads = [threading.Thread(target=run, args=a) for a in (("coturn", 3478), ("reflector", {reflector_port}))]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(out))
"""


def test_binding_lifetime_matches_conntrack_udp_timeout(lab):
    timeout_s = 4
    lab.configure_router(RouterConfig(nat="masquerade", udp_timeout_s=timeout_s))
    out = run_python(lab, "laptop", LIFETIME_SNIPPET.format(ip=lab.far_ip, reflector_port=REFLECTOR_STUN))
    results = json.loads(out.stdout or "{}")
    assert set(results) == {"coturn", "reflector"}, out.stderr
    for name, (value, resolution, at_least, took) in results.items():
        print(f"\n{name}: binding lifetime {value} ± {resolution} s "
              f"(nf_conntrack_udp_timeout {timeout_s} s), probe took {took:.1f} s")
        assert at_least is False
        # 10 ms allowance: the numbers are rounded to milliseconds, and conntrack starts its
        # timer when the answer crosses the router, a fraction of a millisecond before we see it.
        assert abs(value - timeout_s) <= resolution + 0.01
        assert resolution <= 0.5


def test_kernel_sip_helper_is_detected_and_rewritten_fields_named(lab):
    lab.configure_router(RouterConfig(nat="masquerade", sip_helper=True))
    on = probe(lab, f"probe_sip_alg(SipAlgProbe(host='{lab.far_ip}', port=5060))")
    lab.configure_router(RouterConfig(nat="masquerade", sip_helper=False))
    off = probe(lab, f"probe_sip_alg(SipAlgProbe(host='{lab.far_ip}', port=5060))")
    print(f"\nhelper on: detected={on['sip_alg_detected']} rewritten={on['rewritten']} "
          f"large_ok={on['large_message_ok']} nonstandard_altered={on['nonstandard_port_altered']}")
    print(f"helper off: detected={off['sip_alg_detected']} rewritten={off['rewritten']}")
    assert on["sip_alg_detected"] is True
    assert {"Via", "Contact", "c="} <= set(on["rewritten"])
    assert on["nonstandard_port_altered"] is False  # the helper is assigned to 5060 only
    assert on["large_message_ok"] is True  # Linux's helper copes with a 1400-byte INVITE
    assert off["sip_alg_detected"] is False and off["rewritten"] == []


def test_dropped_part_of_rtp_range_is_found_exactly_with_its_direction(lab):
    lab.configure_router(RouterConfig(nat="masquerade"))
    # Outbound RTP to 12000-12999 is dropped; answers from 15000-15499 back to the site too.
    for argv in (["nft", "add", "table", "ip", "travblock"],
                 ["nft", "add", "chain", "ip", "travblock", "f",
                  "{ type filter hook forward priority filter; policy accept; }"],
                 ["nft", "add", "rule", "ip", "travblock", "f", "udp", "dport", "12000-12999", "drop"],
                 ["nft", "add", "rule", "ip", "travblock", "f", "udp", "sport", "15000-15499", "drop"]):
        done = lab.exec("router", argv, timeout=10)
        assert done.returncode == 0, done.stderr
    try:
        r = probe(lab, f"probe_ports(PortsProbe(host='{lab.far_ip}', udp=expand(parse_ports('5060,10000-20000')), "
                       "tcp=[5060, 5061]))")
    finally:
        lab.exec("router", ["nft", "delete", "table", "ip", "travblock"], timeout=10)
    up = [p for p in r["tested_udp"] if 12000 <= p <= 12999]
    down = [p for p in r["tested_udp"] if 15000 <= p <= 15499]
    print(f"\ntested {len(r['tested_udp'])} UDP ports; blocked out {r['blocked_udp_up']} (expected {up}), "
          f"blocked back {r['blocked_udp_down']} (expected {down}); runs {r['blocked_udp_spans']}; "
          f"TCP blocked {r['blocked_tcp']}")
    assert r["assessed"] and up and down
    assert r["blocked_udp"] == sorted(up + down)
    assert r["blocked_udp_up"] == up and r["blocked_udp_down"] == down
    assert r["tested_tcp"] == [5060, 5061] and r["blocked_tcp"] == []


def test_sip_path_through_nat_finds_dead_backup_then_failover(lab):
    lab.configure_router(RouterConfig(nat="masquerade"))
    far = lab.ns["far"]
    domain = "voip.example.test"
    records = [f'--naptr-record={domain},10,50,"s","SIP+D2U","",_sip._udp.{domain}',
               f"--srv-host=_sip._udp.{domain},sip1.{domain},5070,10,50",
               f"--srv-host=_sip._udp.{domain},sip2.{domain},5071,20,50",
               f"--host-record=sip1.{domain},{lab.far_ip}", f"--host-record=sip2.{domain},{lab.far_ip2}",
               "--local=/example.test/"]
    dns = start_dnsmasq(lab.far_ip, 53, records, netns=far)
    primary = start_sipp_uas(lab.far_ip, 5070, netns=far)
    try:
        call = f"probe_sip_path(SipPathProbe(domain='{domain}', dns_server='{lab.far_ip}', timeout_s=1.0))"
        dead = probe(lab, call)
        backup = start_sipp_uas(lab.far_ip2, 5071, netns=far)
        try:
            both = probe(lab, call)
        finally:
            backup.stop()
    finally:
        primary.stop()
        dns.stop()
    for name, r in (("backup down", dead), ("backup up", both)):
        print(f"\n{name}: " + "; ".join(f"{t['host']}:{t['port']} prio {t['priority']} -> "
                                        f"{t['options_status']} {t['options_rtt_ms']} ms" for t in r["targets"])
              + f"; failover_ready={r['failover_ready']}")
    assert [t["host"] for t in dead["targets"]] == [f"sip1.{domain}", f"sip2.{domain}"]
    assert dead["dead_targets"] == [f"sip2.{domain}:5071/udp"] and dead["failover_ready"] is False
    assert both["dead_targets"] == [] and both["failover_ready"] is True


UNREACHABLE_SNIPPET = """
import json, time
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
from collectors.probes.ports import probe_ports
from collectors.probes.sip_alg import probe_sip_alg
from collectors.probes.requests import PortsProbe, SipAlgProbe, SipPathProbe
from collectors.probes.sip_path import probe_sip_path
ip = "{ip}"
runs = {{
    "nat": lambda: probe_nat(NatProbe(host=ip, port=3478, timeout_s=1.0)),
    "sip-alg": lambda: probe_sip_alg(SipAlgProbe(host=ip, port=5060, timeout_s=1.0)),
    "ports": lambda: probe_ports(PortsProbe(host=ip, udp=[5060], tcp=[5060])),
    "sip-path": lambda: probe_sip_path(SipPathProbe(domain="voip.example.test", dns_server=ip, timeout_s=1.0)),
}}
for name, run in runs.items():
    start = time.monotonic()
    r = run()
    print(json.dumps({{"name": name, "took": time.monotonic() - start, "assessed": r.assessed, "reason": r.reason}}))
"""


def test_unreachable_far_end_is_not_assessed_within_bounded_time(lab):
    # Timed inside one process: on a loaded machine the interpreter start alone can take seconds.
    out = run_python(lab, "laptop", UNREACHABLE_SNIPPET.format(ip=UNUSED_FAR_IP), timeout=120)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    for row in rows:
        print(f"\n{row['name']}: not assessed in {row['took']:.1f} s: {row['reason']}")
    assert [r["name"] for r in rows] == ["nat", "sip-alg", "ports", "sip-path"], out.stderr
    assert all(r["assessed"] is False and r["reason"] for r in rows)
    assert all(r["took"] < 12 for r in rows)
