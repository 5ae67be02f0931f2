"""What to run on each platform, and the platform's names in netmiko and napalm (from platforms).

The command strings are the keys the parsers look outputs up by: change one in a platform's unit and the
parser for that platform must change with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from platforms.registry import UNITS, unit

COMMANDS: Final[dict[str, tuple[str, ...]]] = {name: platform.commands for name, platform in UNITS.items()}

# Commands whose output decides what else to run: (platform, command) -> the extra commands.
FOLLOW_UPS: Final[dict[tuple[str, str], Callable[[str], tuple[str, ...]]]] = {
    (name, command): extra for name, platform in UNITS.items() for command, extra in platform.follow_ups.items()
}

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
    found = unit(platform)
    return found.netmiko_device_type if found else None


def napalm_driver(platform: str) -> str | None:
    """The napalm driver for a plan platform when napalm ships one that works over SSH/its API.

    >>> napalm_driver("cisco_nxos")
    'nxos_ssh'
    >>> napalm_driver("fortinet") is None
    True
    """
    found = unit(platform)
    return found.napalm_driver if found else None


def needs_enable(platform: str) -> bool:
    """True when the platform's show commands need privileged (enable) mode."""
    found = unit(platform)
    return found.needs_enable if found else False
