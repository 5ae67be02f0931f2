"""Which platforms a family of rules applies to (and must give remediation for): from the platform units."""

from __future__ import annotations

from typing import Final

from platforms.registry import with_trait

# Access switches: voice VLANs, trust, LLDP-MED, PoE, edge ports.
SWITCHES: Final = with_trait("switch")
# Devices that queue and shape WAN egress traffic.
WAN_QOS: Final = with_trait("wan_qos")
# Devices that NAT and filter SIP/RTP.
FIREWALLS: Final = with_trait("firewall")
# Devices that filter by default: no parsed rule there means missing data, not 'no firewall'.
STATEFUL_FIREWALLS: Final = with_trait("stateful_firewall")
# Devices that mark or re-mark DSCP.
MARKING: Final = with_trait("marking")
