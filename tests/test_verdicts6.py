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
from core.models.facts import DeviceFacts
from platforms.parsers.registry import parse_device


def _statuses(facts: DeviceFacts) -> dict[str, set[str]]:
    statuses: dict[str, set[str]] = {}
    for finding in audit_findings(facts, "fw"):
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
