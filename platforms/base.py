"""What one platform unit declares: names, commands, detector cues, parser, secret rules, family traits."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

from core.models.facts import DeviceFacts
from platforms.redact import Rule
from platforms.required_text import compiled

Parser = Callable[[Mapping[str, str]], DeviceFacts]
FollowUp = Callable[[str], tuple[str, ...]]

# Families of rules a platform belongs to (the checks' platform lists are generated from these).
Trait = Literal["switch", "wan_qos", "firewall", "stateful_firewall", "marking"]
TRAITS: Final[dict[Trait, str]] = {
    "switch": "access switch: voice VLANs, trust, LLDP-MED, PoE, edge ports",
    "wan_qos": "queues and shapes WAN egress traffic",
    "firewall": "NATs and filters SIP/RTP",
    "stateful_firewall": "filters by default: no parsed rule means missing data, not 'no firewall'",
    "marking": "marks or re-marks DSCP",
}

# napalm drivers shipped with napalm itself; the community ones (asa, fortios, panos, ros) are separate
# packages that are not installed. napalm's "nxos" driver speaks NX-API over HTTPS; collection here is SSH.
_CORE_NAPALM: Final = frozenset({"ios", "eos", "junos", "nxos_ssh"})
_NAPALM_OVERRIDES: Final = {"nxos": "nxos_ssh"}
REMEDIATION_DIR: Final = Path(__file__).parent / "remediation"


# The records below are named tuples, not frozen dataclasses: a dataclass generates its methods (__init__, __eq__,
# __hash__, __repr__, __setattr__ ...) from source text at every start-up, ~1 ms a class.


class Cue(NamedTuple):
    """One piece of syntax evidence: a pattern, how much it says for the platform, and what it is."""

    regex: str
    flags: int
    weight: int
    why: str

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, on first detection: ~170 cues that an audit given --platform never reads."""
        return compiled(self.regex, self.flags)


def cue(regex: str, weight: int, why: str, *, ignore_case: bool = True) -> Cue:
    """A multi-line cue; ``ignore_case=False`` where the case itself is the tell (``port-channel`` on NX-OS)."""
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    return Cue(regex, flags, weight, why)


class ParserRef(NamedTuple):
    """Where a platform's parse function lives; imported on first use (the parsers pull in ciscoconfparse2,
    about a second, which commands that only need names or traits must not pay)."""

    module: str
    function: str = "parse"

    def resolve(self) -> Parser:
        """The parse function itself."""
        parser: Parser = getattr(importlib.import_module(self.module), self.function)
        return parser


class Platform(NamedTuple):
    """Everything the project knows about one platform; every table elsewhere is generated from these."""

    name: str
    title: str
    commands: tuple[str, ...]
    # The command whose output is the whole configuration (a single saved file is read as its output).
    config_command: str | None
    parser: ParserRef
    # Outputs of a device configured with nothing: what the parser answers from the platform's defaults alone.
    # Facts equal to these mean the parser recognised nothing in the real outputs.
    blank_evidence: Mapping[str, str]
    cues: tuple[Cue, ...]
    secret_rules: tuple[Rule, ...]
    traits: frozenset[Trait]
    follow_ups: Mapping[str, FollowUp] = MappingProxyType({})
    # A variant wins over its base only on evidence of its own (IOS-XE over classic IOS).
    variant_of: str | None = None
    needs_enable: bool = False
    # Other commands whose saved output the parser also reads as the configuration (Junos' hierarchical form).
    config_aliases: tuple[str, ...] = ()

    @property
    def config_outputs(self) -> tuple[str, ...]:
        """Every command whose output the parser reads as the whole configuration."""
        return (self.config_command, *self.config_aliases) if self.config_command else self.config_aliases

    # netutils' lib_mapper is imported by these properties, not at the top: it builds every library's name
    # tables when imported (~10 ms), which `assess facts` and the other commands that never collect would pay.

    @property
    def netmiko_device_type(self) -> str:
        """netmiko's device_type, via netutils' lib_mapper."""
        from netutils.lib_mapper import NETMIKO_LIB_MAPPER_REVERSE

        return NETMIKO_LIB_MAPPER_REVERSE.get(self.name, self.name)

    @property
    def napalm_driver(self) -> str | None:
        """The napalm driver when napalm itself ships one that works over SSH or the device's API."""
        from netutils.lib_mapper import NAPALM_LIB_MAPPER_REVERSE

        driver = NAPALM_LIB_MAPPER_REVERSE.get(self.name)
        if driver is None:
            return None
        driver = _NAPALM_OVERRIDES.get(driver, driver)
        return driver if driver in _CORE_NAPALM else None

    @property
    def ntc_templates_platform(self) -> str | None:
        """ntc-templates' platform name, via netutils' lib_mapper."""
        from netutils.lib_mapper import NTCTEMPLATES_LIB_MAPPER_REVERSE

        return NTCTEMPLATES_LIB_MAPPER_REVERSE.get(self.name)

    @property
    def remediation_file(self) -> Path:
        """Where this platform's remediation templates live (the file may not exist yet)."""
        return REMEDIATION_DIR / f"{self.name}.yaml"
