"""Linux fixes applied for real: a namespace router is broken, audited over SSH, fixed block by block.

Each scenario builds a real router (nftables, tc, sysctl in its own network namespace, sshd inside),
collects it over SSH, audits it, then runs every rendered fix in the remediation plan's order as a
root shell script inside the namespace, collects again and audits again after each block: the
findings that block closes pass and no other rule is worse than before it. Together the scenarios
make every Linux rule that can fail on a router fail once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assess.lab import netns
from assess.lab.sshd_device import SshdDevice, sshd_devices
from checks.base import SiteContext
from checks.common import worst
from checks.engine import run_rules
from checks.registry import device_rules
from checks.remediation import plan_steps
from collectors.base import CollectOptions
from collectors.runner import collect_site
from core.models.common import Status
from core.models.findings import Finding
from core.models.site import DeviceRecord
from core.plan import Link, Site, Voice
from platforms.parsers.registry import parse_device
from tests.live_helpers import needs_root

pytestmark = [needs_root, pytest.mark.lab, pytest.mark.timeout(240)]
FIXTURES = Path(__file__).parent / "fixtures" / "linux"
RANK = {Status.PASS: 0, Status.NA: 0, Status.UNKNOWN: 1, Status.WARN: 2, Status.FAIL: 3}
PROVIDER = {"provider_sip": ["203.0.113.10/32", "203.0.113.11/32"], "provider_media": ["203.0.113.0/24"]}
LINK = Link(name="wan", contracted_up_mbps=5, contracted_down_mbps=20)


@dataclass(frozen=True)
class Scenario:
    """A broken router: shell lines run in its namespace, the plan it is judged by, what must fail."""

    setup: tuple[str, ...]
    voice: Voice
    failing: frozenset[str]


# The saved problem router of the fixtures, loaded as it is, behind a 10 Mbit/s tbf on a 5 Mbit/s contract;
# the site has an on-site SBC, so the SIP helper also breaks VQ307.
PROBLEMS = Scenario(
    setup=(
        "nft flush ruleset",
        f"nft -f {FIXTURES / 'nft-sip-helper-problems' / 'nft_list_ruleset.txt'}",
        "tc qdisc del dev wan0 root",
        "tc qdisc add dev wan0 root tbf rate 10mbit burst 4kb latency 400ms",
        "sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=20",
    ),
    voice=Voice(keepalive_interval_s=30, sbc=True, **PROVIDER),
    failing=frozenset({"VQ201", "VQ206", "VQ207", "VQ209", "VQ301", "VQ302", "VQ304", "VQ306", "VQ307", "VQ308"}),
)
# An htb tree whose EF class is 64 kbit/s and also takes AF41; RTP opened only up to 15000; TLS planned.
QUEUE = Scenario(
    setup=(
        "nft flush ruleset",
        "nft add table inet filter",
        "nft add chain inet filter forward '{ type filter hook forward priority filter; policy drop; }'",
        "nft add rule inet filter forward ct state established,related accept",
        'nft add rule inet filter forward iifname "wan0" udp dport 5060 ip saddr 203.0.113.10 accept',
        'nft add rule inet filter forward iifname "wan0" udp dport 10000-15000 ip saddr 203.0.113.0/24 accept',
        "nft add table ip nat",
        "nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'",
        'nft add rule ip nat postrouting oifname "wan0" masquerade',
        "tc qdisc del dev wan0 root",
        "tc qdisc add dev wan0 root handle 1: htb default 20",
        "tc class add dev wan0 parent 1: classid 1:1 htb rate 5mbit",
        "tc class add dev wan0 parent 1:1 classid 1:10 htb rate 64kbit ceil 64kbit prio 0",
        "tc class add dev wan0 parent 1:1 classid 1:15 htb rate 256kbit ceil 5mbit prio 1",
        "tc class add dev wan0 parent 1:1 classid 1:20 htb rate 4mbit ceil 5mbit prio 2",
        "tc filter add dev wan0 parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
        "tc filter add dev wan0 parent 1: protocol ip prio 2 u32 match ip dsfield 0x88 0xfc flowid 1:10",
        "tc filter add dev wan0 parent 1: protocol ip prio 3 u32 match ip dsfield 0x60 0xfc flowid 1:15",
        "sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=120",
    ),
    voice=Voice(keepalive_interval_s=30, sip_transport="tls", **PROVIDER),
    failing=frozenset({"VQ202", "VQ205", "VQ303", "VQ305"}),
)
# The EF class may take 4 of the 5 Mbit/s: an oversized strict-priority queue (firewall scoped right).
OVERSIZED = Scenario(
    setup=(
        "nft flush ruleset",
        "nft add table inet filter",
        "nft add chain inet filter forward '{ type filter hook forward priority filter; policy drop; }'",
        "nft add rule inet filter forward ct state established,related accept",
        'nft add rule inet filter forward iifname "wan0" udp dport 5060 ip saddr 203.0.113.10 accept',
        'nft add rule inet filter forward iifname "wan0" udp dport 10000-20000 ip saddr 203.0.113.0/24 accept',
        "nft add table ip nat",
        "nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; policy accept; }'",
        'nft add rule ip nat postrouting oifname "wan0" masquerade',
        "tc qdisc del dev wan0 root",
        "tc qdisc add dev wan0 root handle 1: htb default 20",
        "tc class add dev wan0 parent 1: classid 1:1 htb rate 5mbit",
        "tc class add dev wan0 parent 1:1 classid 1:10 htb rate 4mbit ceil 4mbit prio 0",
        "tc class add dev wan0 parent 1:1 classid 1:15 htb rate 256kbit ceil 5mbit prio 1",
        "tc class add dev wan0 parent 1:1 classid 1:20 htb rate 1mbit ceil 5mbit prio 2",
        "tc filter add dev wan0 parent 1: protocol ip prio 1 u32 match ip dsfield 0xb8 0xfc flowid 1:10",
        "tc filter add dev wan0 parent 1: protocol ip prio 3 u32 match ip dsfield 0x60 0xfc flowid 1:15",
        "sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=120",
    ),
    voice=Voice(keepalive_interval_s=30, **PROVIDER),
    failing=frozenset({"VQ203"}),
)


def _sh(router: SshdDevice, script: str) -> None:
    netns.in_ns(router.netns, ["sh", "-e", "-c", script])


def _audit(router: SshdDevice, voice: Voice, tmp_path: Path, round_: int) -> list[Finding]:
    site = Site(name="lab", devices=[router.plan_device("rtr1")])
    known = tmp_path / "known_hosts"
    known.write_text(router.known_hosts_line() + "\n")
    (result,) = collect_site(
        site, tmp_path / f"ev{round_}", options=CollectOptions(known_hosts=known, napalm_getters=False)
    )
    assert result.ok, result.reason
    facts = parse_device("linux", result.outputs)
    record = DeviceRecord(name="rtr1", platform="linux", facts=facts)
    return run_rules(device_rules(), SiteContext(site="lab", voice=voice, devices=(record,), links=(LINK,)))


def _statuses(findings: list[Finding]) -> dict[str, Status]:
    return {rid: worst(f.status for f in findings if f.id == rid) for rid in {f.id for f in findings}}


@pytest.mark.parametrize("scenario", [PROBLEMS, QUEUE, OVERSIZED], ids=["problems", "queue", "oversized"])
def test_every_linux_fix_applied_in_plan_order_closes_its_finding_on_the_real_router(
    tmp_path: Path, scenario: Scenario
) -> None:
    with sshd_devices(tmp_path, 1, sip_helper=False, udp_timeout_s=120) as (router,):
        _sh(router, "\n".join(scenario.setup))
        findings = _audit(router, scenario.voice, tmp_path, 0)
        before = _statuses(findings)
        assert {rid for rid, st in before.items() if RANK[st] >= 2} == scenario.failing
        steps = plan_steps(findings)["rtr1"]
        for step in steps:
            assert step.block.complete, (step.rules, step.block.fill_in)
            _sh(router, step.block.config)
            after = _statuses(_audit(router, scenario.voice, tmp_path, step.number))
            still = {rid: after[rid] for rid in step.rules if RANK[after[rid]] > 0}
            assert not still, f"step {step.number} {step.rules} did not close: {still}\n{step.block.config}"
            worse = {rid: (before[rid], st) for rid, st in after.items() if RANK[st] > RANK[before[rid]]}
            assert not worse, f"step {step.number} {step.rules} made others worse: {worse}"
            before = after
        assert not {rid for rid, st in before.items() if RANK[st] >= 2}
