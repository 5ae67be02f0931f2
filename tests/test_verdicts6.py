"""Verdict truth, round 6: the direction of zone permits with ports; nftables chains reached by a conditional jump.

Every input below is written for its construct and read by hand; the expected verdicts are what a reader sees:

- a zone policy (PAN-OS ``from``/``to``, SRX ``from-zone``/``to-zone``, FortiGate ``srcintf``/``dstintf``) from
  inside zones out to an outside-named zone lets the site's own traffic leave: whatever ports it names, it lets
  nothing in from outside (replies come back by state), so it neither opens the RTP range inbound (VQ303) nor
  exposes RTP or SIP to the world (VQ302, VQ304, VQ308);
- netfilter: a rule in a regular chain sees only what the jump to it lets through, so its verdict applies with the
  jump's own match added (``iifname "wan0" jump wan_in`` + ``udp dport 5060 accept`` = SIP accepted from wan0), once
  for each jump that reaches the chain.
"""

from __future__ import annotations

from assess.commands.device_cmds import audit_findings
from checks import registry as rules_registry
from checks.base import Outcome, SiteContext
from checks.engine import run_rules
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts
from core.plan import Voice
from platforms.parsers.registry import parse_device


def _findings(facts: DeviceFacts, voice: Voice | None = None) -> list[Outcome]:
    if voice is None:
        return list(audit_findings(facts, "fw"))
    device = DeviceRecord(name="fw", platform=facts.platform, facts=facts)
    return list(run_rules(rules_registry.device_rules(), SiteContext(site="one", voice=voice, devices=(device,))))


def _statuses(facts: DeviceFacts, voice: Voice | None = None) -> dict[str, set[str]]:
    statuses: dict[str, set[str]] = {}
    for finding in _findings(facts, voice):
        statuses.setdefault(finding.id, set()).add(finding.status.value)
    return statuses


# ---------------------------------------------------------------- item 1: zone permits with ports have a direction

_PANOS_RULE = """<entry name="{name}">
  <from><member>{src_zone}</member></from><to><member>{dst_zone}</member></to>
  <source><member>any</member></source><destination><member>any</member></destination>
  <application><member>any</member></application><service><member>{service}</member></service>
  <action>allow</action>
</entry>"""


def _panos(*rules: tuple[str, str, str, str]) -> DeviceFacts:
    """A vsys policy section: services RTP (UDP 10000-20000) and SIP (UDP 5060), then the given rules."""
    body = "\n".join(_PANOS_RULE.format(name=n, src_zone=f, dst_zone=t, service=s) for n, f, t, s in rules)
    xml = f"""<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<service>
  <entry name="RTP"><protocol><udp><port>10000-20000</port></udp></protocol></entry>
  <entry name="SIP-UDP"><protocol><udp><port>5060</port></udp></protocol></entry>
</service>
<rulebase><security><rules>
{body}
</rules></security></rulebase>
</entry></vsys></entry></devices></config>
"""
    return parse_device("paloalto_panos", {"show config running": xml})


def test_panos_rtp_permitted_only_from_inside_out_is_no_inbound_permit() -> None:
    # the aerleon stateful case's shape: internal -> external with explicit UDP ports, nothing the other way
    statuses = _statuses(_panos(("voice-out", "internal", "external", "RTP")))
    assert statuses["VQ303"] == {"warn"}  # stateful pinholes only: nothing lets RTP in
    assert statuses["VQ302"] == {"n/a"} and statuses["VQ308"] == {"n/a"}  # nothing inbound to judge


def test_panos_rtp_permitted_from_outside_in_still_covers_the_range() -> None:
    facts = _panos(("voice-out", "trust", "untrust", "RTP"), ("voice-in", "untrust", "trust", "RTP"))
    statuses = _statuses(facts)
    assert statuses["VQ303"] == {"pass"}
    assert statuses["VQ302"] == {"fail"}  # the inbound one is from any source to any destination
    # and only the inbound rule is the evidence of the exposure
    exposed = [f for f in audit_findings(facts, "fw") if f.id == "VQ302"]
    assert "voice-in" in exposed[0].evidence and "voice-out" not in exposed[0].evidence


def test_panos_sip_permitted_only_from_inside_out_exposes_no_sip() -> None:
    statuses = _statuses(_panos(("sip-out", "trust", "untrust", "SIP-UDP")))
    assert statuses["VQ304"] == {"n/a"}  # the PBX reaching the provider; no rule lets SIP in from anywhere


def test_srx_rtp_application_from_trust_to_untrust_is_no_inbound_permit() -> None:
    config = "\n".join(
        [
            "set applications application RTP protocol udp",
            "set applications application RTP destination-port 10000-20000",
            "set security policies from-zone trust to-zone untrust policy voice-out match source-address any",
            "set security policies from-zone trust to-zone untrust policy voice-out match destination-address any",
            "set security policies from-zone trust to-zone untrust policy voice-out match application RTP",
            "set security policies from-zone trust to-zone untrust policy voice-out then permit",
        ]
    )
    facts = parse_device("juniper_junos", {"show configuration | display set": config + "\n"})
    assert _statuses(facts)["VQ303"] == {"warn"}


def test_fortigate_rtp_service_from_lan_to_wan_is_no_inbound_permit() -> None:
    config = """config firewall service custom
    edit "RTP"
        set udp-portrange 10000-20000
    next
end
config firewall policy
    edit 1
        set name "voice-out"
        set srcintf "lan"
        set dstintf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set action accept
        set service "RTP"
    next
end
"""
    facts = parse_device("fortinet", {"show full-configuration": config})
    assert _statuses(facts)["VQ303"] == {"warn"}


# ---------------------------------------------------------------- item 2: nftables/iptables chains behind jumps


def _nft(ruleset: str) -> DeviceFacts:
    return parse_device("linux", {"nft list ruleset": ruleset})


def _iptables(dump: str) -> DeviceFacts:
    return parse_device("linux", {"iptables-save": dump})


def _explicit(facts: DeviceFacts) -> list[tuple[str, str, list[tuple[int, int]], list[str], str]]:
    """(action, protocol, ports, sources, direction) of the rules read from the ruleset (no policy permit-alls)."""
    return [
        (r.action, r.protocol, r.dst_ports, r.sources, r.direction)
        for r in facts.firewall_rules
        if not r.name.endswith("policy accept")
    ]


BEHIND = "behind a conditional jump"


def test_nft_accept_behind_an_interface_jump_is_a_permit_from_that_interface() -> None:
    facts = _nft(
        "table inet filter {\n"
        "\tchain wan_in {\n\t\tudp dport 10000-20000 accept\n\t\tip saddr 203.0.113.0/24 udp dport 5060 accept\n\t}\n"
        "\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n"
        '\t\tiifname "wan0" jump wan_in\n\t}\n}\n'
    )
    assert _explicit(facts) == [
        ("permit", "udp", [(10000, 20000)], ["any"], f"forward from wan0 {BEHIND}"),
        ("permit", "udp", [(5060, 5060)], ["203.0.113.0/24"], f"forward from wan0 {BEHIND}"),
    ]
    assert facts.sip_ports_open == [5060]
    statuses = _statuses(facts)
    assert statuses["VQ303"] == {"pass"}  # the whole RTP range is let in from wan0
    assert statuses["VQ302"] == {"fail"}  # ... from any source


def test_nft_accept_behind_a_port_jump_keeps_the_jumps_port() -> None:
    # behind `tcp dport 22 jump ssh_from_lan` the chain only ever sees SSH: its accept opens TCP 22 from 10/8
    facts = _nft(
        "table inet filter {\n\tchain ssh_from_lan {\n\t\tip saddr 10.0.0.0/8 accept\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
        "\t\ttcp dport 22 jump ssh_from_lan\n\t}\n}\n"
    )
    assert _explicit(facts) == [("permit", "tcp", [(22, 22)], ["10.0.0.0/8"], f"input from any {BEHIND}")]
    assert _statuses(facts)["VQ303"] == {"warn"}  # no RTP let in: SSH only


def test_nft_verdict_map_jumps_carry_their_own_key() -> None:
    facts = _nft(
        "table inet filter {\n\tchain wan_in {\n\t\tudp dport 10000-20000 accept\n\t}\n"
        "\tchain lan_in {\n\t\tudp dport 5060 accept\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
        '\t\tiifname vmap { "wan0" : jump wan_in, "lan0" : jump lan_in }\n\t}\n}\n'
    )
    assert _explicit(facts) == [
        ("permit", "udp", [(10000, 20000)], ["any"], f"input from wan0 {BEHIND}"),
        ("permit", "udp", [(5060, 5060)], ["any"], f"input from lan0 {BEHIND}"),
    ]


def test_nft_drop_chain_reached_from_two_hooks_filters_both() -> None:
    facts = _nft(
        "table inet filter {\n\tchain drop_sip {\n\t\tudp dport 5060 drop\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
        '\t\tiifname "wan0" jump drop_sip\n\t}\n'
        "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
        '\t\tiifname "wan0" jump drop_sip\n\t}\n}\n'
    )
    assert _explicit(facts) == [
        ("deny", "udp", [(5060, 5060)], ["any"], f"input from wan0 {BEHIND}"),
        ("deny", "udp", [(5060, 5060)], ["any"], f"forward from wan0 {BEHIND}"),
    ]


def test_nft_chain_jumped_to_unconditionally_from_two_hooks_filters_both() -> None:
    facts = _nft(
        "table inet filter {\n\tchain common {\n\t\tudp dport 5060 drop\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tjump common\n\t}\n"
        "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tjump common\n\t}\n}\n"
    )
    directions = sorted(r.direction for r in facts.firewall_rules if r.action == "deny")
    assert directions == ["forward from any", "input from any"]


def test_iptables_accept_behind_an_interface_jump_from_two_hooks() -> None:
    facts = _iptables(
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:WAN_IN - [0:0]\n"
        "-A INPUT -i eth0 -j WAN_IN\n-A FORWARD -i eth0 -j WAN_IN\n"
        "-A WAN_IN -p udp --dport 10000:20000 -j ACCEPT\nCOMMIT\n"
    )
    assert _explicit(facts) == [
        ("permit", "udp", [(10000, 20000)], ["any"], f"input from eth0 {BEHIND}"),
        ("permit", "udp", [(10000, 20000)], ["any"], f"forward from eth0 {BEHIND}"),
    ]
    assert _statuses(facts)["VQ303"] == {"pass"}


def test_nft_named_verdict_map_jumps_carry_their_own_key() -> None:
    facts = _nft(
        "table inet filter {\n\tmap zones {\n\t\ttype ifname : verdict\n"
        '\t\telements = { "wan0" : jump wan_in, "lan0" : accept }\n\t}\n'
        "\tchain wan_in {\n\t\tudp dport 10000-20000 accept\n\t}\n"
        "\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
        "\t\tiifname vmap @zones\n\t}\n}\n"
    )
    assert _explicit(facts) == [("permit", "udp", [(10000, 20000)], ["any"], f"input from wan0 {BEHIND}")]


def test_iptables_chain_narrows_the_jumps_source_and_keeps_its_port() -> None:
    # tim0n3's shape: the jump dispatches SSH from anywhere, the chain accepts only listed sources
    facts = _iptables(
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:SAFEZONE - [0:0]\n"
        "-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -s 0.0.0.0/0 -j SAFEZONE\n"
        "-A SAFEZONE -s 192.0.2.7/32 -j ACCEPT\n-A SAFEZONE -j RETURN\nCOMMIT\n"
    )
    assert _explicit(facts) == [("permit", "tcp", [(22, 22)], ["192.0.2.7/32"], f"input from any {BEHIND}")]


# ---------------------------------------------------------------- item 3: exposure rules on a box that filters nothing
# A Linux box whose input and forward hooks accept by default, with no rule that drops, lets anything in from
# anywhere: for the rules asking "can calls get through" (VQ303, VQ305) that is n/a, but for the rules asking "is
# voice exposed" it is the widest exposure there is, the same as an ASA's global `permit ip any any`.

NAT_ONLY = (
    "table ip nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
    '\t\toifname "wan0" masquerade\n\t}\n}\n'
)


def test_nat_only_box_exposes_rtp_and_sip_to_any_source() -> None:
    findings = {f.id: f for f in _findings(_nft(NAT_ONLY))}
    assert (findings["VQ302"].status.value, findings["VQ304"].status.value) == ("fail", "fail")
    assert findings["VQ308"].status.value == "warn"  # every UDP port is open, far beyond the RTP range
    assert findings["VQ303"].status.value == "n/a"  # nothing blocks the range either (unchanged)
    for rule in ("VQ302", "VQ304", "VQ308"):
        assert "nothing is filtered inbound" in findings[rule].message, findings[rule].message


def test_provider_scoped_sip_permit_on_a_box_that_filters_nothing_is_no_pass() -> None:
    provider = Voice(provider_sip=["203.0.113.10/32"], provider_media=["203.0.113.0/24"])
    rules = (
        '\t\tiifname "wan0" ip saddr 203.0.113.10 udp dport 5060 accept\n'
        '\t\tiifname "wan0" ip saddr 203.0.113.0/24 udp dport 10000-20000 accept\n'
    )
    open_box = _nft(
        "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
        + rules
        + "\t}\n}\n"
    )
    statuses = _statuses(open_box, provider)
    # the permits are scoped, but the accept policy lets SIP and RTP in from everyone else as well
    assert (statuses["VQ302"], statuses["VQ304"], statuses["VQ308"]) == ({"fail"}, {"fail"}, {"warn"})
    dropping = _nft(
        "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n"
        + rules
        + "\t}\n}\n"
    )
    statuses = _statuses(dropping, provider)
    assert (statuses["VQ302"], statuses["VQ304"], statuses["VQ308"]) == ({"pass"}, {"pass"}, {"pass"})


# ---------------------------------------------------------------- address ranges (found on aerleon-stateful-simple-xml)
# aerleon's PAN-OS `any-ipv4` object is the range 0.0.0.0-255.255.255.255: a permit from it is from anywhere.


def _panos_from(address: str) -> DeviceFacts:
    xml = f"""<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<address><entry name="SRC"><ip-range>{address}</ip-range></entry></address>
<service><entry name="SIP-UDP"><protocol><udp><port>5060</port></udp></protocol></entry></service>
<rulebase><security><rules>
<entry name="sip-in"><from><member>untrust</member></from><to><member>trust</member></to>
  <source><member>SRC</member></source><destination><member>any</member></destination>
  <application><member>any</member></application><service><member>SIP-UDP</member></service>
  <action>allow</action></entry>
</rules></security></rulebase>
</entry></vsys></entry></devices></config>
"""
    return parse_device("paloalto_panos", {"show config running": xml})


def test_sip_permitted_from_the_whole_ipv4_range_is_from_any_source() -> None:
    assert _statuses(_panos_from("0.0.0.0-255.255.255.255"))["VQ304"] == {"fail"}


def test_sip_permitted_from_a_range_outside_the_provider_warns() -> None:
    provider = Voice(provider_sip=["203.0.113.0/24"])
    assert _statuses(_panos_from("198.51.100.1-198.51.100.9"), provider)["VQ304"] == {"warn"}
    assert _statuses(_panos_from("203.0.113.10-203.0.113.20"), provider)["VQ304"] == {"pass"}
