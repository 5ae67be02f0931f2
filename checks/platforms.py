"""Which platforms a family of rules applies to (and must give remediation for)."""

from __future__ import annotations

# Access switches: voice VLANs, trust, LLDP-MED, PoE, edge ports.
SWITCHES: tuple[str, ...] = ("cisco_ios", "cisco_xe", "cisco_nxos", "juniper_junos", "arista_eos")
# Devices that queue and shape WAN egress traffic.
WAN_QOS: tuple[str, ...] = (
    "cisco_ios",
    "cisco_xe",
    "juniper_junos",
    "arista_eos",
    "fortinet",
    "paloalto_panos",
    "mikrotik_routeros",
    "linux",
)
# Devices that NAT and filter SIP/RTP.
FIREWALLS: tuple[str, ...] = (
    "cisco_ios",
    "cisco_xe",
    "cisco_asa",
    "juniper_junos",
    "fortinet",
    "paloalto_panos",
    "mikrotik_routeros",
    "linux",
)
