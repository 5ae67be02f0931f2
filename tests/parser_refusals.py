"""The reasons each parser may refuse evidence with: a refusal for any other reason is a bug.

Shared by the parser fuzz tests and benchmarks/fuzz_parsers.py. Binary and empty outputs are
refused by every parser; the structural reasons say the format itself is gone.
"""

from __future__ import annotations

BINARY = "looks like binary data"
EMPTY = ("is empty", "found in the evidence")
CISCO_NOT_A_CONFIG = "holds no configuration line"
ARTEFACTS_ONLY = "only terminal artefacts"  # every output was prompts/paging: nothing left after normalising

STRUCTURAL_REFUSALS: dict[str, tuple[str, ...]] = {
    "cisco_ios": (CISCO_NOT_A_CONFIG,),
    "cisco_xe": (CISCO_NOT_A_CONFIG,),
    "cisco_nxos": (CISCO_NOT_A_CONFIG,),
    "cisco_asa": (CISCO_NOT_A_CONFIG,),
    "arista_eos": (CISCO_NOT_A_CONFIG,),
    "juniper_junos": ("neither in set format nor in curly-brace format",),
    "fortinet": ("no FortiOS 'config ...' blocks",),
    "paloalto_panos": ("XML is malformed", "no PAN-OS <config> element", "has no <config> root element"),
    "mikrotik_routeros": ("no RouterOS add/set commands",),
    "linux": ("no Linux router evidence",),
}


def known_refusal(platform: str, message: str) -> bool:
    """True when ``message`` is one of the reasons ``platform``'s parser may refuse with."""
    return any(r in message for r in (BINARY, *EMPTY, ARTEFACTS_ONLY, *STRUCTURAL_REFUSALS[platform]))
