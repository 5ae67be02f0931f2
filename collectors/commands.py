"""What to run on each platform, and the platform's names in netmiko and napalm.

The command strings are the keys the parsers look outputs up by: change one
here and the parser for that platform must change with it.
"""

from __future__ import annotations

from typing import Final

from netutils.lib_mapper import NAPALM_LIB_MAPPER_REVERSE, NETMIKO_LIB_MAPPER_REVERSE

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
        "tc qdisc show",
        "tc class show",
        "tc filter show",
        "sysctl net.netfilter.nf_conntrack_udp_timeout net.netfilter.nf_conntrack_udp_timeout_stream",
        "ip -br addr",
        "hostname",
    ),
}

# What is actually sent, where it differs from the evidence key. iproute2's
# `tc class show` / `tc filter show` print nothing without `dev IF`, so on Linux
# they run per interface; each interface's block starts with a `# dev IF` line.
_PER_DEV = """for d in $(ls /sys/class/net); do o=$({cmd} dev "$d" 2>/dev/null); \
[ -n "$o" ] && printf '# dev %s\\n%s\\n' "$d" "$o"; done"""
SENT_AS: Final[dict[tuple[str, str], str]] = {
    ("linux", "tc class show"): _PER_DEV.format(cmd="tc class show"),
    ("linux", "tc filter show"): _PER_DEV.format(cmd="tc filter show"),
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


def sent_as(platform: str, command: str) -> str:
    """The text actually sent to the device for the evidence key ``command``.

    >>> sent_as("cisco_ios", "show version")
    'show version'
    """
    return SENT_AS.get((platform, command), command)


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
