"""Platform detectors for Cisco IOS / IOS-XE / NX-OS / ASA and Arista EOS outputs.

Each detector looks at banners (``show version``) and tell-tale config syntax
and answers yes or no; ``registry.DETECTORS`` orders them from the most
specific to the most permissive (plain IOS last).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from collectors.parsers.cisco_common import RUNNING_CONFIG

HEAD_CHARS = 20_000  # banners and version lines are at the top; don't scan megabytes


def _head(outputs: Mapping[str, str], command: str) -> str:
    return outputs.get(command, "")[:HEAD_CHARS]


def _any(outputs: Mapping[str, str], pattern: str) -> bool:
    regex = re.compile(pattern, re.MULTILINE)
    return any(regex.search(text[:HEAD_CHARS]) for text in outputs.values())


def is_asa(outputs: Mapping[str, str]) -> bool:
    """Cisco ASA: ``ASA Version`` config header or the ASA show version banner."""
    return _any(outputs, r"^ASA Version \d|Cisco Adaptive Security Appliance Software Version")


def is_nxos(outputs: Mapping[str, str]) -> bool:
    """Cisco NX-OS: the NX-OS banner, ``!Command:`` header or ``feature`` lines with NX-OS version."""
    if _any(outputs, r"Cisco Nexus Operating System|NX-OS"):
        return True
    cfg = _head(outputs, RUNNING_CONFIG)
    return bool(re.search(r"^!Command: show running-config", cfg, re.M) and re.search(r"^feature \S+", cfg, re.M))


def is_eos(outputs: Mapping[str, str]) -> bool:
    """Arista EOS: ``! device: ... EOS-`` config header or the Arista show version banner."""
    return _any(outputs, r"^! device: .*EOS-|^Arista DCS-|^Arista vEOS|^Software image version: \d+\.\d+\.\d+")


def is_ios_xe(outputs: Mapping[str, str]) -> bool:
    """IOS-XE: the XE banner, or a config ``version 16.x``/``17.x`` (classic IOS stops at 15)."""
    if _any(outputs, r"Cisco IOS[ -]XE Software|IOS-XE"):
        return True
    return bool(re.search(r"^version (1[6-9]|[2-9]\d)\.", _head(outputs, RUNNING_CONFIG), re.M))


def is_ios(outputs: Mapping[str, str]) -> bool:
    """Classic IOS: the IOS banner, or an IOS-style config (``version 12/15`` and ``hostname``)."""
    if _any(outputs, r"^Cisco IOS Software|^IOS \(tm\)"):
        return True
    cfg = _head(outputs, RUNNING_CONFIG)
    return bool(re.search(r"^version 1[0-5]\.", cfg, re.M) and re.search(r"^hostname \S+", cfg, re.M))
