"""Which way an interface ACL filters: Cisco ASA ``access-group`` and IOS / IOS-XE ``ip access-group``.

Every config below is written for its construct and read by hand; the expected verdicts are what a reader sees.
An ACL filters the traffic that crosses its interface in its direction:

- bound ``in`` on an inside (LAN) interface, or ``out`` on the outside (WAN) one, it filters the site's own traffic
  leaving: whatever it permits, it lets nothing in from outside (replies come back by state or NAT), so it neither
  opens the RTP range inbound (VQ303) nor exposes RTP or SIP to the world (VQ302, VQ304, VQ308);
- bound ``in`` on the outside, or ``out`` on an inside interface, it filters what comes in, and its permits count;
- an interface is outside the way the parsers already mark WAN ports (ASA ``nameif outside`` / ``security-level 0``,
  IOS ``ip nat outside``, the default route's egress); every other interface of a device whose outside is known is
  inside. A device with no known outside keeps every ACL counted as today;
- an ACL bound to no interface filters nothing, and lets nothing in (as before).

Voice plan of every case: provider signalling 203.0.113.10/32, provider media 203.0.113.0/24, RTP 10000-20000.
"""

from __future__ import annotations

from checks import registry as rules_registry
from checks.base import Outcome, SiteContext
from checks.engine import run_rules
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts
from core.plan import Voice
from platforms.parsers.registry import parse_device

VOICE = Voice(provider_sip=["203.0.113.10/32"], provider_media=["203.0.113.0/24"], rtp_ports=(10000, 20000))
FIREWALL_RULES = ("VQ302", "VQ303", "VQ304", "VQ308")


def _findings(facts: DeviceFacts) -> list[Outcome]:
    device = DeviceRecord(name="edge", platform=facts.platform, facts=facts)
    return list(run_rules(rules_registry.device_rules(), SiteContext(site="one", voice=VOICE, devices=(device,))))


def _verdicts(facts: DeviceFacts) -> dict[str, set[str]]:
    """The statuses of the four firewall-permit rules."""
    statuses: dict[str, set[str]] = {}
    for finding in _findings(facts):
        if finding.id in FIREWALL_RULES:
            statuses.setdefault(finding.id, set()).add(finding.status.value)
    return statuses


def _evidence(facts: DeviceFacts, rule_id: str) -> str:
    return "\n".join(f.evidence for f in _findings(facts) if f.id == rule_id)


# ---------------------------------------------------------------- Cisco ASA

ASA_INTERFACES = """ASA Version 9.16(4)
!
hostname branch-asa
!
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.252
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.10.110.1 255.255.255.0
!
object-group network PROVIDER-SIP
 network-object host 203.0.113.10
object-group network PROVIDER-MEDIA
 network-object 203.0.113.0 255.255.255.0
"""


def _asa(acls: str) -> DeviceFacts:
    return parse_device("cisco_asa", {"show running-config": ASA_INTERFACES + acls})


def test_asa_inside_in_permit_ip_any_any_lets_nothing_in() -> None:
    # the commonest ASA shape: the LAN may go anywhere; from outside only SIP from the provider to the PBX.
    # RTP_SPARE is bound to no interface: it filters nothing and lets nothing in
    facts = _asa(
        "access-list OUTSIDE_IN extended permit udp object-group PROVIDER-SIP host 10.10.110.20 eq sip\n"
        "access-list INSIDE_IN extended permit ip any any\n"
        "access-list RTP_SPARE extended permit udp object-group PROVIDER-MEDIA any range 10000 20000\n"
        "access-group OUTSIDE_IN in interface outside\n"
        "access-group INSIDE_IN in interface inside\n"
    )
    assert _verdicts(facts) == {
        "VQ303": {"warn"},  # no rule lets RTP in: stateful pinholes (SIP inspection) only
        "VQ302": {"n/a"},  # no permit lets RTP in, so none to scope
        "VQ308": {"n/a"},
        "VQ304": {"pass"},  # the only SIP let in comes from the provider
    }


def test_asa_inside_in_voice_permits_to_the_provider_are_not_inbound() -> None:
    # the phones' own media and signalling leaving for the provider, named with their ports
    facts = _asa(
        "access-list INSIDE_IN extended permit udp 10.10.110.0 255.255.255.0 any range 10000 20000\n"
        "access-list INSIDE_IN extended permit udp 10.10.110.0 255.255.255.0 any eq sip\n"
        "access-list INSIDE_IN extended permit udp 10.10.110.0 255.255.255.0 any gt 1023\n"
        "access-group INSIDE_IN in interface inside\n"
    )
    assert _verdicts(facts) == {"VQ303": {"warn"}, "VQ302": {"n/a"}, "VQ308": {"n/a"}, "VQ304": {"n/a"}}


def test_asa_outside_out_permit_does_not_fill_the_gap_of_outside_in() -> None:
    # OUTSIDE_IN opens only half the RTP range; OUTSIDE_OUT (traffic leaving by the outside) names all of it
    facts = _asa(
        "access-list OUTSIDE_IN extended permit udp object-group PROVIDER-MEDIA any range 10000 14999\n"
        "access-list OUTSIDE_IN extended permit udp object-group PROVIDER-SIP any eq sip\n"
        "access-list OUTSIDE_OUT extended permit udp any any range 10000 20000\n"
        "access-group OUTSIDE_IN in interface outside\n"
        "access-group OUTSIDE_OUT out interface outside\n"
    )
    verdicts = _verdicts(facts)
    assert verdicts["VQ303"] == {"fail"}  # 15000-20000 is not let in
    assert "RTP ports not permitted: 15000-20000" in {f.message for f in _findings(facts) if f.id == "VQ303"}
    assert verdicts["VQ302"] == {"pass"}  # what gets in comes from the provider's media
    assert "OUTSIDE_OUT" not in _evidence(facts, "VQ302")


def _asa_interface(name: str, nameif: str, level: int, address: str) -> str:
    return f"interface {name}\n nameif {nameif}\n security-level {level}\n ip address {address} 255.255.255.0\n!\n"


def test_asa_outside_known_by_security_level_zero_whatever_its_name() -> None:
    # `carrier` is outside by its security level 0; `voice` (50) is an inside interface like `lan` (100): the
    # phones' port-less permit out of the voice interface opens nothing, the carrier ACL alone lets voice in
    config = (
        "ASA Version 9.18(3)\n!\nhostname hq-asa\n!\n"
        + _asa_interface("GigabitEthernet0/0", "carrier", 0, "198.51.100.2")
        + _asa_interface("GigabitEthernet0/1", "voice", 50, "10.10.110.1")
        + _asa_interface("GigabitEthernet0/2", "lan", 100, "10.10.10.1")
        + "access-list CARRIER_IN extended permit udp 203.0.113.0 255.255.255.0 any range 10000 20000\n"
        "access-list CARRIER_IN extended permit udp host 203.0.113.10 any eq sip\n"
        "access-list VOICE_IN extended permit udp any any\n"
        "access-group CARRIER_IN in interface carrier\n"
        "access-group VOICE_IN in interface voice\n"
    )
    facts = parse_device("cisco_asa", {"show running-config": config})
    assert _verdicts(facts) == {"VQ303": {"pass"}, "VQ302": {"pass"}, "VQ308": {"pass"}, "VQ304": {"pass"}}
    assert "VOICE_IN" not in _evidence(facts, "VQ302") + _evidence(facts, "VQ304")


# ---------------------------------------------------------------- Cisco IOS / IOS-XE


def _ios(interfaces: str, tail: str, platform: str = "cisco_ios") -> DeviceFacts:
    text = f"version 15.7\nhostname branch-rtr\n!\n{interfaces}!\n{tail}end\n"
    return parse_device(platform, {"show running-config": text})


WAN_IN_HALF = """ip access-list extended WAN-IN
 permit udp 203.0.113.0 0.0.0.255 any range 10000 14999
 permit udp host 203.0.113.10 any eq 5060
 deny ip any any
ip access-list extended LAN-IN
 permit udp 10.10.110.0 0.0.0.255 any range 10000 20000
 permit udp 10.10.110.0 0.0.0.255 any eq 5060
 permit ip 10.10.0.0 0.0.255.255 any
"""


WAN_IN_AND_LAN_IN = (
    "interface GigabitEthernet0/0\n ip address 198.51.100.2 255.255.255.252\n ip access-group WAN-IN in\n!\n"
    "interface GigabitEthernet0/1\n ip address 10.10.110.1 255.255.255.0\n ip access-group LAN-IN in\n"
)


def test_ios_lan_in_permits_do_not_hide_the_gap_of_the_wan_acl() -> None:
    # the outside is the default route's egress (no NAT, no description): Gi0/0 is outside, Gi0/1 inside
    facts = _ios(WAN_IN_AND_LAN_IN, WAN_IN_HALF + "ip route 0.0.0.0 0.0.0.0 198.51.100.1\n")
    verdicts = _verdicts(facts)
    assert verdicts["VQ303"] == {"fail"}  # WAN-IN lets in 10000-14999 only; LAN-IN's full range is the way out
    assert verdicts["VQ302"] == {"pass"} and verdicts["VQ304"] == {"pass"}  # what gets in is the provider's
    assert "LAN-IN" not in _evidence(facts, "VQ304")
    # without the default route nothing tells which side Gi0/1 is on: both ACLs count, as before
    unknown_sides = _ios(WAN_IN_AND_LAN_IN, WAN_IN_HALF)
    assert _verdicts(unknown_sides)["VQ303"] == {"pass"}


def test_ios_nat_inside_lan_acl_alone_lets_nothing_in() -> None:
    # a small branch router: NAT overload, an ACL on the LAN only (what the LAN may reach), none on the WAN
    # (WAN-IN-DRAFT, written but bound to no interface, filters nothing and lets nothing in)
    interfaces = (
        "interface GigabitEthernet0/0\n ip address 198.51.100.2 255.255.255.252\n ip nat outside\n!\n"
        "interface GigabitEthernet0/1\n ip address 10.10.110.1 255.255.255.0\n ip nat inside\n"
        " ip access-group LAN-IN in\n"
    )
    tail = (
        "ip nat inside source list NAT interface GigabitEthernet0/0 overload\n"
        "ip access-list standard NAT\n permit 10.10.110.0 0.0.0.255\n"
        "ip access-list extended LAN-IN\n permit udp 10.10.110.0 0.0.0.255 any range 1024 65535\n"
        " permit tcp 10.10.110.0 0.0.0.255 any eq 5061\n permit ip any any\n"
        "ip access-list extended WAN-IN-DRAFT\n permit udp any any range 10000 20000\n permit udp any any eq 5060\n"
    )
    facts = _ios(interfaces, tail, platform="cisco_xe")
    assert _verdicts(facts) == {"VQ303": {"warn"}, "VQ302": {"n/a"}, "VQ308": {"n/a"}, "VQ304": {"n/a"}}


def test_ios_out_on_the_lan_filters_what_comes_in_and_counts() -> None:
    # TO-LAN (out on the LAN interface) filters what enters the LAN: its provider permits let RTP and SIP in;
    # LAN-IN (in on the LAN interface) is the LAN going out and exposes nothing
    interfaces = (
        "interface GigabitEthernet0/0\n description Internet uplink\n ip address 198.51.100.2 255.255.255.252\n!\n"
        "interface GigabitEthernet0/1\n ip address 10.10.110.1 255.255.255.0\n"
        " ip access-group LAN-IN in\n ip access-group TO-LAN out\n"
    )
    tail = (
        "ip access-list extended TO-LAN\n permit udp 203.0.113.0 0.0.0.255 any range 10000 20000\n"
        " permit udp host 203.0.113.10 any eq 5060\n deny ip any any\n"
        "ip access-list extended LAN-IN\n permit ip any any\n"
    )
    facts = _ios(interfaces, tail)
    assert _verdicts(facts) == {"VQ303": {"pass"}, "VQ302": {"pass"}, "VQ308": {"pass"}, "VQ304": {"pass"}}
