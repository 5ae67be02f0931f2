"""WAN egresses read from routing: the ports a default route leaves by face a provider.

A dual-WAN site reaches its backup link (DSL, LTE) by a floating default route: a higher distance, preference
or metric, or one tracked by an SLA probe. Whatever its weight, every default route's egress is a WAN port, so
the per-WAN rules (EF priority, shaping, which way an ACL filters) judge each link, not only the primary.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from core.models.facts import Port

# A management port or VRF has a default route of its own (to the out-of-band network), not to a provider:
# ASA ``nameif management``, IOS-XE ``vrf Mgmt-intf``, Junos ``fxp0`` / ``em0`` / ``me0`` and ``mgmt_junos``,
# FortiGate ``mgmt``.
_MANAGEMENT = re.compile(r"^(mgmt|management|fxp\d|em\d|me\d|vme)", re.IGNORECASE)


def is_management(name: str) -> bool:
    """True for a management interface, nameif, VRF or routing instance name.

    >>> [is_management(n) for n in ("Mgmt-intf", "mgmt_junos", "fxp0", "management", "ge-0/0/0", "dsl")]
    [True, True, True, True, False, False]
    """
    return bool(_MANAGEMENT.match(name))


def mark_wan(port: Port, why: str, *, nat_outside: bool = False) -> None:
    """Mark ``port`` WAN (once), saying why in its evidence; ``nat_outside`` where the platform's WAN is NAT outside."""
    if nat_outside and port.nat_side is None:
        port.nat_side = "outside"
    if not port.is_wan:
        port.is_wan = True
        port.evidence = f"{port.evidence}\n(WAN: {why})".strip()


def ports_holding(next_hop: str, addresses: Iterable[tuple[str, str]]) -> list[str]:
    """Names of the ports whose connected subnet holds ``next_hop``.

    ``addresses`` are (port, address) pairs, the address as ``a.b.c.d/len`` or ``a.b.c.d/255.255.255.0``.

    >>> ports_holding("192.0.2.1", [("eth0", "198.51.100.2/30"), ("eth1", "192.0.2.2/29")])
    ['eth1']
    >>> ports_holding("ge-0/0/1.0", [("eth0", "198.51.100.2/30")])
    []
    """
    try:
        hop = ipaddress.IPv4Address(next_hop)
    except ValueError:
        return []
    found: list[str] = []
    for name, address in addresses:
        try:
            network = ipaddress.IPv4Interface(address).network
        except ValueError:
            continue
        if hop in network and network.prefixlen < 32 and name not in found:
            found.append(name)
    return found
