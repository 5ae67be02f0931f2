"""Linux router evidence (nftables or iptables, tc, conntrack sysctls, ip addresses) to DeviceFacts.

Commands read (all optional, at least one of the rulesets or tc needed):
``nft list ruleset``, ``iptables-save``, ``tc qdisc show``, ``tc class show dev IF``
and ``tc filter show dev IF`` per device with a root qdisc,
``sysctl net.netfilter.nf_conntrack_udp_timeout net.netfilter.nf_conntrack_udp_timeout_stream``,
``ip -br addr``, ``ip -4 route show table all`` and ``hostname``.

WAN ports: those traffic is masqueraded out of, and those a default route leaves by in any table and at any
metric (a dual-WAN box's LTE backup at metric 200, or in a policy-routing table of its own).

Besides the rules, ``filter_policies`` keeps each filter hook's verdict for a packet no rule decides (input,
forward, output: drop when a base chain on it drops by policy, accept otherwise), so a box that filters
nothing can be told from one that drops by policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.errors import UserError
from core.models.facts import DeviceFacts, Port
from platforms.parsers import linux_firewall, linux_tc
from platforms.parsers.common import add_evidence, check_text
from platforms.parsers.linux_nft import (
    Ruleset,
    looks_like_iptables_save,
    looks_like_nft,
    parse_iptables_save,
    parse_nft,
)
from platforms.parsers.wan_egress import mark_wan

PLATFORM = "linux"
NFT_COMMAND = "nft list ruleset"
IPTABLES_COMMAND = "iptables-save"
SYSCTL_COMMAND = "sysctl net.netfilter.nf_conntrack_udp_timeout net.netfilter.nf_conntrack_udp_timeout_stream"
ADDR_COMMAND = "ip -br addr"
ROUTE_COMMAND = "ip -4 route show table all"
_DEFAULT_ROUTE = re.compile(r"^default\b.*?\bdev (\S+)")
TC_QDISC_COMMAND = "tc qdisc show"


_SYSCTL_LINE = re.compile(r"^\s*net\.(?:netfilter|ipv4|ipv6|core|bridge)\.\S+\s*=", re.M)
_UDP_TIMERS = re.compile(
    r"^\s*net\.(?:netfilter\.nf|ipv4\.netfilter\.ip)_conntrack_udp_timeout(_stream)?\s*=\s*(\d+)\s*$", re.M
)


def looks_like_sysctl(text: str) -> bool:
    """True for ``sysctl -a`` output or a sysctl.conf (``net.x.y = value`` lines)."""
    return bool(_SYSCTL_LINE.search(text[:20_000]))


# A setting made by a boot script: ``sysctl -w net/netfilter/x=1`` or ``echo 1 > /proc/sys/net/netfilter/x``.
_SCRIPTED_SYSCTL = re.compile(r"^[ \t]*(?:sysctl -w \S+=\S+|echo \S+ > /proc/sys/\S+)[ \t]*$", re.M)


def _as_sysctl_lines(text: str) -> str:
    """Scripted settings rewritten as the ``key = value`` lines of a sysctl.conf."""
    lines = []
    for line in _SCRIPTED_SYSCTL.findall(text):
        words = line.split()
        key, _, value = (words[2].partition("=") if words[0] == "sysctl" else (words[3], "=", words[1]))
        lines.append(f"{key.removeprefix('/proc/sys/').replace('/', '.')} = {value}")
    return "\n".join(lines)


def _sysctl_text(outputs: Mapping[str, str]) -> str:
    """The sysctl settings in the evidence: the collected command, any output that is sysctl lines, or a script's."""
    texts = [t for c, t in outputs.items() if c == SYSCTL_COMMAND or looks_like_sysctl(t)]
    texts += [_as_sysctl_lines(t) for t in outputs.values() if _SCRIPTED_SYSCTL.search(t[:20_000])]
    return "\n".join(t for t in texts if t)


def _ruleset(outputs: Mapping[str, str]) -> tuple[Ruleset | None, str]:
    """The nft ruleset (preferred) or iptables rules, from named commands or any output that looks right."""
    if NFT_COMMAND in outputs and not outputs[NFT_COMMAND].strip():
        return Ruleset(), "nft"  # an empty ruleset is evidence too: nothing is filtered
    for command, text in outputs.items():
        if command == NFT_COMMAND or (command != IPTABLES_COMMAND and looks_like_nft(text)):
            return parse_nft(check_text(text, f"output of {command!r}")), "nft"
    for command, text in outputs.items():
        if command == IPTABLES_COMMAND or looks_like_iptables_save(text):
            return parse_iptables_save(check_text(text, f"output of {command!r}")), "iptables"
    return None, ""


def parse(outputs: Mapping[str, str]) -> DeviceFacts:
    """Linux router evidence -> DeviceFacts."""
    for command, text in outputs.items():
        if "\x00" in text:
            raise UserError(f"output of {command!r} looks like binary data, not saved command output")
    ruleset, kind = _ruleset(outputs)
    sysctl = _sysctl_text(outputs)
    if ruleset is None and TC_QDISC_COMMAND not in outputs and not sysctl:
        raise UserError(
            f"no Linux router evidence found (expected {NFT_COMMAND!r}, {IPTABLES_COMMAND!r}, tc or conntrack sysctls)"
        )
    facts = DeviceFacts(platform=PLATFORM, qos_config_seen=TC_QDISC_COMMAND in outputs)
    facts.hostname = (
        outputs.get("hostname", "").strip().splitlines()[0] if outputs.get("hostname", "").strip() else None
    )
    if ruleset is not None:
        rules = linux_firewall.nft_rules(ruleset) if kind == "nft" else linux_firewall.iptables_rules(ruleset)
        rules += linux_firewall.policy_rules(ruleset)
        facts.firewall_rules = rules
        for rule in rules:
            add_evidence(facts.evidence, "firewall_rules", rule.evidence)
        facts.filter_policies = linux_firewall.hook_policies(ruleset)
        add_evidence(facts.evidence, "filter_policies", linux_firewall.policy_evidence(ruleset))
    facts.sip_alg, facts.sip_alg_evidence = linux_firewall.sip_alg(ruleset)
    add_evidence(facts.evidence, "sip_alg", facts.sip_alg_evidence)
    facts.nat_enabled, nat_line = linux_firewall.nat_enabled(ruleset)
    add_evidence(facts.evidence, "nat_enabled", nat_line)
    facts.dscp_remarks = linux_firewall.dscp_remarks(ruleset)
    facts.dscp_remarks_all_traffic = linux_firewall.whole_traffic_remarks(ruleset)
    facts.class_maps, facts.policies, facts.attachments = linux_tc.qos(outputs)
    for att in facts.attachments:
        add_evidence(facts.evidence, "ef_priority", f"tc htb root qdisc on {att.interface}")
    _fill_ports(facts, outputs, linux_firewall.wan_interfaces(ruleset))
    _fill_udp_timeout(facts, sysctl)
    return facts


def _fill_ports(facts: DeviceFacts, outputs: Mapping[str, str], wan: set[str]) -> None:
    """Interfaces from ``ip -br addr``; WAN = masqueraded out of or a default route's egress; shaping from tc."""
    shaped = linux_tc.shaped_devices(outputs)
    defaults = _default_route_devices(outputs.get(ROUTE_COMMAND, ""))
    for line in outputs.get(ADDR_COMMAND, "").splitlines():
        words = line.split()
        if len(words) < 2 or words[0] == "lo":
            continue
        name = words[0].split("@")[0]
        is_wan = any(linux_firewall.interface_matches(name, pattern) for pattern in wan)
        has_v4 = any(re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", w) for w in words[2:])
        facts.ports.append(
            Port(
                name=name,
                mode="routed" if has_v4 else "unknown",
                shutdown=words[1] == "DOWN",
                is_wan=is_wan,
                nat_side="outside" if is_wan else None,
                shape_kbps=shaped.get(name),
                evidence=line.strip(),
            )
        )
        if name in defaults:
            mark_wan(facts.ports[-1], f"a default route leaves here: {defaults[name]}")


def _default_route_devices(text: str) -> dict[str, str]:
    """Device -> the first ``default ... dev X`` line of ``ip route`` output naming it.

    >>> _default_route_devices("default via 192.0.2.1 dev wwan0 table 200 metric 200\\n10.0.0.0/8 dev eth1")
    {'wwan0': 'default via 192.0.2.1 dev wwan0 table 200 metric 200'}
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        if match := _DEFAULT_ROUTE.match(line.strip()):
            found.setdefault(match.group(1), line.strip())
    return found


def _fill_udp_timeout(facts: DeviceFacts, text: str) -> None:
    """The conntrack idle timer a SIP keep-alive flow lives on: the shorter of the two UDP timers.

    A flow that saw a reply moves to ``nf_conntrack_udp_timeout_stream``, but recent kernels do so only once
    it has stayed active for 2 s: a REGISTER and its 200 OK leave the entry on ``nf_conntrack_udp_timeout``
    until the next keep-alive (the lab's warehouse router shows it: a 10 s one-way timer ends the binding
    although the stream timer is 120 s). RTP streams get the stream timer. The shorter of the two is what
    the keep-alive interval must beat; the legacy ``net.ipv4.netfilter.ip_conntrack_*`` keys count when
    the ``nf_`` ones are absent.
    """
    timers: dict[tuple[bool, bool], int] = {}  # (stream?, modern key?) -> seconds
    for match in _UDP_TIMERS.finditer(text):
        add_evidence(facts.evidence, "udp_timeout_s", match.group(0).strip())
        timers[(bool(match.group(1)), ".nf_" in match.group(0))] = int(match.group(2))
    chosen = [timers.get((stream, True), timers.get((stream, False))) for stream in (False, True)]
    known = [t for t in chosen if t is not None]
    facts.udp_timeout_s = min(known) if known else None
