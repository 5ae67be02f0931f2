"""What to run on each platform, and the platform's names in netmiko and napalm.

The command strings are the keys the parsers look outputs up by: change one
here and the parser for that platform must change with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from netutils.lib_mapper import NAPALM_LIB_MAPPER_REVERSE, NETMIKO_LIB_MAPPER_REVERSE

from collectors.parsers.linux_tc import root_qdiscs

_IOS: Final = (
    "show running-config",
    "show version",
    "show interfaces switchport",
    "show mls qos interface",
    "show policy-map interface",
    "show lldp neighbors detail",
    "show power inline",
)

COMMANDS: Final[dict[str, tuple[str, ...]]] = {
    "cisco_ios": _IOS,
    "cisco_xe": _IOS,
    "cisco_nxos": (
        "show running-config",
        "show version",
        "show interface switchport",
        "show policy-map interface",
        "show lldp neighbors detail",
    ),
    "cisco_asa": ("show running-config", "show version"),
    "arista_eos": ("show running-config", "show version", "show qos interfaces", "show lldp neighbors detail"),
    "juniper_junos": ("show configuration | display set", "show version", "show class-of-service interface"),
    "fortinet": ("show full-configuration", "get system status"),
    "paloalto_panos": ("show config running", "show system info"),
    "mikrotik_routeros": ("/export verbose", "/system resource print"),
    "linux": (
        "nft list ruleset",
        "iptables-save",
        "tc qdisc show",  # then `tc class show dev IF` and `tc filter show dev IF` per shaped device
        "sysctl net.netfilter.nf_conntrack_udp_timeout net.netfilter.nf_conntrack_udp_timeout_stream",
        "ip -br addr",
        "hostname",
    ),
}

def _tc_per_device(qdisc_output: str) -> tuple[str, ...]:
    """`tc class show` / `tc filter show` print nothing without `dev IF`: ask per device with a root qdisc."""
    devices = dict.fromkeys(q.dev for q in root_qdiscs(qdisc_output) if q.kind != "noqueue")
    return tuple(cmd for dev in devices for cmd in (f"tc class show dev {dev}", f"tc filter show dev {dev}"))


# Commands whose output decides what else to run: (platform, command) -> the extra commands.
FOLLOW_UPS: Final[dict[tuple[str, str], Callable[[str], tuple[str, ...]]]] = {
    ("linux", "tc qdisc show"): _tc_per_device,
}

# napalm drivers shipped with napalm itself; the community ones (asa, fortios,
# panos, ros) are separate packages that are not installed.
_CORE_NAPALM: Final = frozenset({"ios", "eos", "junos", "nxos_ssh"})
# napalm's "nxos" driver speaks NX-API over HTTPS; collection here is SSH only.
_NAPALM_OVERRIDES: Final = {"nxos": "nxos_ssh"}

NAPALM_GETTERS: Final = ("get_facts", "get_config", "get_interfaces")


def commands_for(platform: str) -> tuple[str, ...]:
    """The commands collected from a device of ``platform`` (empty when unknown).

    >>> commands_for("cisco_asa")
    ('show running-config', 'show version')
    >>> commands_for("vax_vms")
    ()
    """
    return COMMANDS.get(platform, ())


def follow_ups(platform: str, command: str, output: str) -> tuple[str, ...]:
    """Extra commands that ``command``'s output calls for on ``platform``.

    >>> follow_ups("linux", "tc qdisc show", "qdisc htb 1: dev wan0 root refcnt 2 r2q 10 default 0x20")
    ('tc class show dev wan0', 'tc filter show dev wan0')
    >>> follow_ups("cisco_ios", "show version", "Cisco IOS")
    ()
    """
    extra = FOLLOW_UPS.get((platform, command))
    return extra(output) if extra is not None else ()


def netmiko_device_type(platform: str) -> str | None:
    """netmiko's device_type for a plan platform, via netutils' lib_mapper.

    >>> netmiko_device_type("juniper_junos")
    'juniper_junos'
    >>> netmiko_device_type("nokia_7750") is None
    True
    """
    if platform not in COMMANDS:
        return None
    return NETMIKO_LIB_MAPPER_REVERSE.get(platform, platform)


def napalm_driver(platform: str) -> str | None:
    """The napalm driver for a plan platform when napalm ships one that works over SSH/its API.

    >>> napalm_driver("cisco_nxos")
    'nxos_ssh'
    >>> napalm_driver("fortinet") is None
    True
    """
    driver = NAPALM_LIB_MAPPER_REVERSE.get(platform)
    if driver is None:
        return None
    driver = _NAPALM_OVERRIDES.get(driver, driver)
    return driver if driver in _CORE_NAPALM else None
