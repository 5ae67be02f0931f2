"""Dual-WAN sites: both WAN links are read as WAN on every platform, and the per-WAN rules judge each of them.

No public dual-WAN configuration under a redistributable licence was found for these platforms (the one IOS
example found, a floating Dialer backup, is on a blog without a licence), so every config below is written by
hand for its construct, the way such sites are built: a fibre/MPLS primary plus a DSL/LTE backup reached by a
floating (higher distance / preference / metric) default route, an SD-WAN member, a second NAT egress. The
expected WAN ports are what a reader of the config names as facing a provider; nothing here comes from the tool.

A backup WAN the parser misses is worse than a missed QoS finding: once a device's outside is known every other
port is read as inside, so an ACL bound ``in`` on the missed backup reads as filtering the site's own traffic
leaving and its permits are ignored (a false pass on VQ302/VQ304/VQ308).

Voice plan of every case: provider signalling 203.0.113.10/32, provider media 203.0.113.0/24, RTP 10000-20000.
"""

from __future__ import annotations

import re

from checks import registry as rules_registry
from checks.base import SiteContext
from checks.engine import run_rules
from core.models.device import DeviceRecord
from core.models.facts import DeviceFacts
from core.models.findings import Finding
from core.plan import Voice
from platforms.parsers.registry import parse_device

VOICE = Voice(provider_sip=["203.0.113.10/32"], provider_media=["203.0.113.0/24"], rtp_ports=(10000, 20000))


def _findings(facts: DeviceFacts, rule_id: str) -> list[Finding]:
    device = DeviceRecord(name="edge", platform=facts.platform, facts=facts)
    context = SiteContext(site="one", voice=VOICE, devices=(device,))
    return [f for f in run_rules(rules_registry.device_rules(), context) if f.id == rule_id]


def _wan(facts: DeviceFacts) -> set[str]:
    return {p.name for p in facts.ports if p.is_wan}


def _statuses(facts: DeviceFacts, rule_id: str) -> set[str]:
    return {f.status.value for f in _findings(facts, rule_id)}


def _failed_ports(facts: DeviceFacts, rule_id: str, ports: set[str]) -> set[str]:
    """Which of ``ports`` the rule's failing findings name."""
    messages = " ".join(f.message for f in _findings(facts, rule_id) if f.status.value == "fail")
    return {p for p in ports if re.search(rf"(?<![\w/.-]){re.escape(p)}(?![\w/.-])", messages)}


# ---------------------------------------------------------------- Cisco ASA: a second outside by its route

# The DSL backup has a security level above 0 and a name no list of WAN words holds; only its floating default
# route (metric 254, the primary tracked by SLA 1) says it faces a provider. The management port's default
# (out-of-band network) and the tunneled default (decrypted VPN traffic, sent inside) face no provider.
# The backup's ACL, bound in, lets RTP in from anywhere: a reader fails VQ302.
ASA_DUAL = """ASA Version 9.16(4)
!
hostname branch-asa
!
interface GigabitEthernet0/0
 description Fibre 200M
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.252
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.10.0.1 255.255.255.0
!
interface GigabitEthernet0/2
 description VDSL modem
 nameif backup
 security-level 1
 ip address 192.0.2.2 255.255.255.248
!
interface Management0/0
 nameif management
 security-level 100
 ip address 10.255.0.2 255.255.255.0
!
access-list OUTSIDE_IN extended permit udp 203.0.113.0 255.255.255.0 any range 10000 20000
access-list BACKUP_IN extended permit udp any any range 10000 20000
access-group OUTSIDE_IN in interface outside
access-group BACKUP_IN in interface backup
!
sla monitor 1
 type echo protocol ipIcmpEcho 198.51.100.1 interface outside
sla monitor schedule 1 life forever start-time now
track 1 rtr 1 reachability
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1 track 1
route backup 0.0.0.0 0.0.0.0 192.0.2.1 254
route management 0.0.0.0 0.0.0.0 10.255.0.1 1
route inside 0.0.0.0 0.0.0.0 10.10.0.254 tunneled
!
nat (inside,outside) source dynamic any interface
nat (inside,backup) source dynamic any interface
"""


def test_asa_backup_default_route_interface_is_wan() -> None:
    facts = parse_device("cisco_asa", {"show running-config": ASA_DUAL})
    assert _wan(facts) == {"GigabitEthernet0/0", "GigabitEthernet0/2"}


def test_asa_acl_in_on_backup_wan_is_judged() -> None:
    facts = parse_device("cisco_asa", {"show running-config": ASA_DUAL})
    assert _statuses(facts, "VQ302") == {"fail"}


# ---------------------------------------------------------------- Cisco IOS: a front-door VRF backup

# The primary NATs out of Gi0/0; the LTE backup sits in a front-door VRF carrying a DMVPN tunnel, no NAT, its
# default route in that VRF. The management VRF's default faces the out-of-band network, not a provider.
# The ACL bound in on Gi0/2 lets RTP in from anywhere: a reader fails VQ302.
IOS_FVRF = """hostname branch-isr
!
vrf definition INET2
 address-family ipv4
 exit-address-family
!
vrf definition Mgmt-intf
 address-family ipv4
 exit-address-family
!
interface GigabitEthernet0
 vrf forwarding Mgmt-intf
 ip address 10.255.0.2 255.255.255.0
!
interface GigabitEthernet0/0
 description Fibre primary
 ip address 198.51.100.2 255.255.255.252
 ip nat outside
!
interface GigabitEthernet0/1
 description LAN
 ip address 10.10.0.1 255.255.255.0
 ip nat inside
!
interface GigabitEthernet0/2
 description LTE router handoff
 vrf forwarding INET2
 ip address 192.0.2.2 255.255.255.248
 ip access-group LTE-IN in
!
ip access-list extended LTE-IN
 permit udp any any range 10000 20000
 permit esp any any
!
ip nat inside source list NAT interface GigabitEthernet0/0 overload
ip access-list standard NAT
 permit 10.10.0.0 0.0.0.255
!
ip route 0.0.0.0 0.0.0.0 198.51.100.1
ip route vrf INET2 0.0.0.0 0.0.0.0 192.0.2.1
ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 10.255.0.1
!
end
"""


def test_ios_front_door_vrf_default_route_interface_is_wan() -> None:
    facts = parse_device("cisco_ios", {"show running-config": IOS_FVRF})
    assert _wan(facts) == {"GigabitEthernet0/0", "GigabitEthernet0/2"}


def test_ios_acl_in_on_front_door_vrf_wan_is_judged() -> None:
    facts = parse_device("cisco_ios", {"show running-config": IOS_FVRF})
    assert _statuses(facts, "VQ302") == {"fail"}


# ---------------------------------------------------------------- Juniper SRX: a qualified next hop

# ge-0/0/2 is in a zone named for its carrier; only the default route's qualified next hop (preference 250)
# reaches it. No class-of-service at all: VQ201 fails on both WAN egresses.
SRX_DUAL = """set system host-name branch-srx
set interfaces ge-0/0/0 description "fibre primary"
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.2/30
set interfaces ge-0/0/1 unit 0 family inet address 10.10.0.1/24
set interfaces ge-0/0/2 description "vdsl modem"
set interfaces ge-0/0/2 unit 0 family inet address 192.0.2.2/29
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.1
set routing-options static route 0.0.0.0/0 qualified-next-hop 192.0.2.1 preference 250
set security zones security-zone untrust interfaces ge-0/0/0.0
set security zones security-zone carrier2 interfaces ge-0/0/2.0
set security zones security-zone trust interfaces ge-0/0/1.0
set security nat source rule-set OUT from zone trust
set security nat source rule-set OUT to zone [ untrust carrier2 ]
set security nat source rule-set OUT rule all match source-address 0.0.0.0/0
set security nat source rule-set OUT rule all then source-nat interface
"""


def test_junos_qualified_next_hop_interface_is_wan() -> None:
    facts = parse_device("juniper_junos", {"show configuration | display set": SRX_DUAL})
    assert _wan(facts) == {"ge-0/0/0", "ge-0/0/2"}


def test_junos_ef_rule_judges_both_wans() -> None:
    facts = parse_device("juniper_junos", {"show configuration | display set": SRX_DUAL})
    ports = {p.name for p in facts.ports}
    assert _failed_ports(facts, "VQ201", ports) == {"ge-0/0/0", "ge-0/0/2"}


# ---------------------------------------------------------------- FortiGate: SD-WAN members and a static route

# wan1 has role wan; wan2 (DHCP from an LTE modem) keeps the default role, but is an SD-WAN member; port5 (a
# DSL router) has no role either and carries a default static route at distance 20.
FGT_SDWAN = """#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin
config system interface
    edit "wan1"
        set vdom "root"
        set ip 198.51.100.2 255.255.255.252
        set role wan
    next
    edit "wan2"
        set vdom "root"
        set mode dhcp
    next
    edit "port5"
        set vdom "root"
        set ip 192.0.2.2 255.255.255.248
        set alias "dsl-router"
    next
    edit "internal"
        set vdom "root"
        set ip 10.10.0.1 255.255.255.0
        set role lan
    next
end
config system sdwan
    set status enable
    config zone
        edit "virtual-wan-link"
        next
    end
    config members
        edit 1
            set interface "wan1"
            set gateway 198.51.100.1
        next
        edit 2
            set interface "wan2"
        next
    end
end
config router static
    edit 1
        set distance 1
        set sdwan-zone "virtual-wan-link"
    next
    edit 2
        set gateway 192.0.2.1
        set distance 20
        set device "port5"
    next
    edit 3
        set dst 172.16.0.0 255.240.0.0
        set gateway 10.10.0.254
        set device "internal"
    next
end
"""


def test_fortigate_sdwan_members_and_default_route_device_are_wan() -> None:
    facts = parse_device("fortinet", {"show full-configuration": FGT_SDWAN})
    assert _wan(facts) == {"wan1", "wan2", "port5"}


def test_fortigate_ef_rule_judges_every_wan() -> None:
    facts = parse_device("fortinet", {"show full-configuration": FGT_SDWAN})
    ports = {p.name for p in facts.ports}
    assert _failed_ports(facts, "VQ201", ports) == {"wan1", "wan2", "port5"}


# ---------------------------------------------------------------- PAN-OS: two untrust interfaces

# ethernet1/1 is in zone untrust; ethernet1/3 (LTE) is in zone untrust-lte, and the virtual router's default
# routes leave by both (metric 10 and 200).
PANOS_DUAL = """<config version="10.2.0">
  <devices>
    <entry name="localhost.localdomain">
      <network>
        <interface>
          <ethernet>
            <entry name="ethernet1/1">
              <layer3><ip><entry name="198.51.100.2/30"/></ip></layer3>
              <comment>fibre primary</comment>
            </entry>
            <entry name="ethernet1/2">
              <layer3><ip><entry name="10.10.0.1/24"/></ip></layer3>
              <comment>LAN</comment>
            </entry>
            <entry name="ethernet1/3">
              <layer3><ip><entry name="192.0.2.2/29"/></ip></layer3>
              <comment>LTE backup</comment>
            </entry>
          </ethernet>
        </interface>
        <virtual-router>
          <entry name="default">
            <interface>
              <member>ethernet1/1</member>
              <member>ethernet1/2</member>
              <member>ethernet1/3</member>
            </interface>
            <routing-table>
              <ip>
                <static-route>
                  <entry name="default-primary">
                    <nexthop><ip-address>198.51.100.1</ip-address></nexthop>
                    <interface>ethernet1/1</interface>
                    <destination>0.0.0.0/0</destination>
                    <metric>10</metric>
                  </entry>
                  <entry name="default-lte">
                    <nexthop><ip-address>192.0.2.1</ip-address></nexthop>
                    <interface>ethernet1/3</interface>
                    <destination>0.0.0.0/0</destination>
                    <metric>200</metric>
                  </entry>
                </static-route>
              </ip>
            </routing-table>
          </entry>
        </virtual-router>
      </network>
      <vsys>
        <entry name="vsys1">
          <zone>
            <entry name="untrust"><network><layer3><member>ethernet1/1</member></layer3></network></entry>
            <entry name="lte"><network><layer3><member>ethernet1/3</member></layer3></network></entry>
            <entry name="trust"><network><layer3><member>ethernet1/2</member></layer3></network></entry>
          </zone>
        </entry>
      </vsys>
    </entry>
  </devices>
</config>
"""


def test_panos_default_route_interfaces_are_wan() -> None:
    facts = parse_device("paloalto_panos", {"show config running": PANOS_DUAL})
    assert _wan(facts) == {"ethernet1/1", "ethernet1/3"}


# ---------------------------------------------------------------- MikroTik RouterOS: distance and masquerade

# ether1 is in the WAN list; ether2 (a DSL router) is not, but the floating default route (distance 2) reaches it
# and traffic is masqueraded out of it; lte1 is reached by name at distance 3. The hairpin masquerade out of
# bridge-lan (LAN clients reaching a LAN server by its public address) is not a WAN.
ROS_DUAL = """# 2026-11-02 10:00:00 by RouterOS 7.14.3
# software id = ABCD-1234
/interface bridge
add name=bridge-lan
/interface ethernet
set [ find default-name=ether1 ] comment="fibre primary"
set [ find default-name=ether2 ] comment="dsl router"
/interface list
add name=WAN
add name=LAN
/interface bridge port
add bridge=bridge-lan interface=ether3
/interface list member
add interface=ether1 list=WAN
add interface=bridge-lan list=LAN
/ip address
add address=198.51.100.2/30 interface=ether1
add address=192.0.2.2/29 interface=ether2
add address=10.10.0.1/24 interface=bridge-lan
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN
add action=masquerade chain=srcnat out-interface=ether2
add action=masquerade chain=srcnat dst-address=10.10.0.20 out-interface=bridge-lan src-address=10.10.0.0/24
/ip route
add check-gateway=ping distance=1 dst-address=0.0.0.0/0 gateway=198.51.100.1
add distance=2 dst-address=0.0.0.0/0 gateway=192.0.2.1
add distance=3 gateway=lte1
add dst-address=172.16.0.0/12 gateway=10.10.0.254
"""


def test_routeros_floating_default_routes_are_wan() -> None:
    facts = parse_device("mikrotik_routeros", {"/export verbose": ROS_DUAL})
    assert _wan(facts) == {"ether1", "ether2", "lte1"}


# ---------------------------------------------------------------- Linux: a masquerade over a set of interfaces

# nftables masquerades out of both uplinks named in one set; a reader names both WAN.
NFT_DUAL = """table inet nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname { "eth0", "wwan0" } masquerade
	}
}
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "eth1" accept
	}
}
"""
ADDR_DUAL = """lo               UNKNOWN        127.0.0.1/8 ::1/128
eth0             UP             198.51.100.2/30
eth1             UP             10.10.0.1/24
wwan0            UP             192.0.2.2/29
"""


def test_linux_masquerade_over_an_interface_set_marks_each_wan() -> None:
    facts = parse_device("linux", {"nft list ruleset": NFT_DUAL, "ip -br addr": ADDR_DUAL})
    assert _wan(facts) == {"eth0", "wwan0"}


IPTABLES_DUAL = """*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth0 -j MASQUERADE
-A POSTROUTING -o ppp+ -j MASQUERADE
COMMIT
"""


def test_linux_iptables_masquerade_out_of_an_interface_wildcard_marks_it_wan() -> None:
    """``-o ppp+`` is every interface named ppp…: the PPPoE backup ppp0 is one of them."""
    addr = ADDR_DUAL.replace("wwan0            UP   ", "ppp0             UNKNOWN")
    facts = parse_device("linux", {"iptables-save": IPTABLES_DUAL, "ip -br addr": addr})
    assert _wan(facts) == {"eth0", "ppp0"}


# A routed (no NAT) dual-WAN box: the fibre's default at metric 100, the LTE backup's at 200 in the main table
# and again in a policy-routing table of its own; a reader names eth0 and wwan0 WAN, not the LAN's eth1.
NFT_ROUTED = """table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "eth1" accept
	}
}
"""
ROUTES_DUAL = """default via 198.51.100.1 dev eth0 proto static metric 100
default via 192.0.2.1 dev wwan0 proto static metric 200
default via 192.0.2.1 dev wwan0 table 200 proto static
10.10.0.0/24 dev eth1 proto kernel scope link src 10.10.0.1
172.16.0.0/12 via 10.10.0.254 dev eth1 proto static
local 10.10.0.1 dev eth1 table local proto kernel scope host src 10.10.0.1
"""


def test_linux_default_routes_at_any_metric_are_wan() -> None:
    outputs = {"nft list ruleset": NFT_ROUTED, "ip -br addr": ADDR_DUAL, "ip -4 route show table all": ROUTES_DUAL}
    facts = parse_device("linux", outputs)
    assert _wan(facts) == {"eth0", "wwan0"}
