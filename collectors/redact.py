"""Remove secrets from device output before it is saved.

Every rule keeps the keyword (and a hash type such as ``5`` or ``ENC``) and
replaces only the secret itself with ``<redacted>``, so lines keep their
structure and a parser still sees ``enable secret 9 <redacted>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pydantic import JsonValue

REDACTED: Final = "<redacted>"
_SP = r"[ \t]+"
# A secret token: a quoted string, or a word (a trailing ';' of brace-style configs is kept).
_SECRET = r'(?:"[^"\n]*"|\S+?(?=;?(?:[ \t]|$)))'
# Hash-type markers kept in front of a secret: IOS 0/5/7/8/9, EOS sha512, ASA pbkdf2, FortiOS ENC.
# Atomic, so a type marker is never re-read as the secret once the secret after it is redacted.
_TYPE = r"(?>(?:[ \t]+(?:[0-9]|sha512|pbkdf2|md5|ENC|ascii-text|hexadecimal)(?=[ \t]+\S))?)"
_WORDS = (
    r"secret|password|passwd|psksecret|encrypted-password|auth-pwd|priv-pwd|passphrase|key-string"
    r"|authentication-key|privacy-key|phash|community-string|snmp-community-string|authpwd|privpwd"
)


@dataclass(frozen=True)
class Rule:
    """One secret form: a pattern whose group 1 is kept and whose rest is replaced."""

    name: str
    pattern: re.Pattern[str]


def _rule(name: str, regex: str) -> Rule:
    return Rule(name, re.compile(regex, re.IGNORECASE | re.MULTILINE))


# Order matters: specific forms run before the generic keyword rule so their
# secrets are gone before a generic rule could mistake a keyword for a secret.
RULES: Final[tuple[Rule, ...]] = (
    _rule("fortios-enc", r"(\bENC" + _SP + r")" + _SECRET),
    _rule("xml-secret", r"(<(" + _WORDS + r"|key|pre-shared-key)>)[^<]*(?=</\2>)"),
    _rule("isakmp-key", r"(\bcrypto isakmp key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET),
    _rule("psk-address-key", r"(\bpre-shared-key\b[^\n]*?[ \t]key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET),
    _rule(
        "pre-shared-key",
        r"(\bpre-shared-key(?>(?:[ \t]+(?:local|remote|ascii-text|hexadecimal|[0-7])(?=[ \t]+\S))?)" + _SP + r")"
        r"(?!address\b|<redacted>)" + _SECRET,
    ),
    _rule(
        "aaa-server-key",
        r"(\b(?:tacacs-server|radius-server|server-private)\b[^\n]*?[ \t]key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET,
    ),
    _rule("indented-key", r"(^[ \t]*key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET),
    _rule("ospf-md5", r"(\bmessage-digest-key[ \t]+\d+[ \t]+md5(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET),
    _rule("snmp-community", r"((?<!set )\bcommunity" + _SP + r")" + _SECRET),
    _rule(
        "snmp-host-community",
        r"(\bsnmp-server host \S+(?: vrf \S+)?(?: (?:traps|informs))?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?"
        + _SP
        + r")(?!community\b|version\b|vrf\b|traps\b|informs\b|udp-port\b|\d+\.\d+\.\d+\.\d+\b)"
        + _SECRET,
    ),
    _rule("snmpv3-auth", r"(\bauth[ \t]+(?:md5|sha\S*)" + _SP + r")" + _SECRET),
    _rule("snmpv3-priv", r"(\bpriv(?:[ \t]+(?:des\S*|3des|aes\S*)(?:[ \t]+\d+)?)?" + _SP + r")" + _SECRET),
    _rule("keyword-secret", r"(\b(?:" + _WORDS + r")" + _TYPE + _SP + r")(?!<redacted>)" + _SECRET),
    _rule(
        "routeros-secret",
        r"(\b(?:password|secret|wpa-pre-shared-key|wpa2-pre-shared-key|authentication-password"
        r"|encryption-password|passphrase|private-key|pre-shared-key)=)" + r'(?:"[^"\n]*"|\S+)',
    ),
    # Unix crypt hashes ($1$ md5, $5$/$6$ sha, $y$ yescrypt, $2b$ bcrypt) and Junos $9$ / IOS type 8/9.
    _rule("crypt-hash", r"()\$(?:1|2[abxy]?|5|6|7|8|9|y|gy|sha1)\$[^\s\"':;<]+"),
)


@dataclass(frozen=True)
class Section:
    """A config block whose ``name`` setting is a secret (SNMP communities named by a bare name)."""

    start: re.Pattern[str]
    secret: re.Pattern[str]
    ends: Callable[[str, str], bool]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


SECTIONS: Final[tuple[Section, ...]] = (
    # FortiOS: config system snmp community / edit 1 / set name "public" ... end (same indent)
    Section(
        re.compile(r"^[ \t]*config system snmp community\b"),
        re.compile(r"^([ \t]*set name" + _SP + r")" + _SECRET),
        lambda start, line: line.strip() == "end" and _indent(line) == _indent(start),
    ),
    # RouterOS: /snmp community ... name=public ... until the next /section
    Section(
        re.compile(r"^/snmp community\b"),
        re.compile(r"(\bname=)" + r'(?:"[^"\n]*"|\S+)'),
        lambda _start, line: line.startswith("/"),
    ),
)


def _redact_sections(lines: list[str]) -> list[str]:
    out: list[str] = []
    current: tuple[Section, str] | None = None
    for line in lines:
        if current is not None and current[0].ends(current[1], line):
            current = None
        if current is None:
            current = next(((s, line) for s in SECTIONS if s.start.search(line)), None)
        if current is not None:
            line = current[0].secret.sub(lambda m: m.group(1) + REDACTED, line)
        out.append(line)
    return out


def redact(text: str) -> str:
    """``text`` with every known secret form replaced by ``<redacted>``.

    >>> redact("enable secret 9 $9$abc$def\\nhostname r1")
    'enable secret 9 <redacted>\\nhostname r1'
    >>> redact("snmp-server community s3cr3t RO")
    'snmp-server community <redacted> RO'
    """
    for rule in RULES:
        text = rule.pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return "\n".join(_redact_sections(text.split("\n")))


def redact_json(value: JsonValue) -> JsonValue:
    """A JSON value (e.g. a napalm getter result) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v) for k, v in value.items()}
    return value


# The secret forms each platform's syntax uses, by rule name. ``redact`` still runs every rule on every output:
# a secret in another platform's form must not slip through a mislabelled file.
_IOS_LIKE: Final = (
    "isakmp-key",
    "psk-address-key",
    "pre-shared-key",
    "aaa-server-key",
    "indented-key",
    "ospf-md5",
    "snmp-community",
    "snmp-host-community",
    "snmpv3-auth",
    "snmpv3-priv",
    "keyword-secret",
    "crypt-hash",
)
_RULE_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "cisco_ios": _IOS_LIKE,
    "cisco_xe": _IOS_LIKE,
    "cisco_nxos": _IOS_LIKE,
    "cisco_asa": _IOS_LIKE,
    "arista_eos": _IOS_LIKE,
    "juniper_junos": ("pre-shared-key", "snmp-community", "keyword-secret", "crypt-hash"),
    "fortinet": ("fortios-enc", "keyword-secret", "crypt-hash"),
    "paloalto_panos": ("xml-secret", "keyword-secret", "crypt-hash"),
    "mikrotik_routeros": ("routeros-secret", "crypt-hash"),
    "linux": ("keyword-secret", "crypt-hash"),
}
PLATFORM_PATTERNS: Final[dict[str, tuple[Rule, ...]]] = {
    platform: tuple(rule for rule in RULES if rule.name in names) for platform, names in _RULE_NAMES.items()
}
"""The secret patterns of each platform (the platform units point here), in the order they run."""


def patterns_for(platform: str | None) -> tuple[Rule, ...]:
    """One platform's patterns; every platform's for None or an unknown name (the safe side).

    >>> [rule.name for rule in patterns_for("mikrotik_routeros")]
    ['routeros-secret', 'crypt-hash']
    """
    return PLATFORM_PATTERNS.get(platform or "", RULES)
