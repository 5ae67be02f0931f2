"""Remove secrets from device output before it is saved, parsed or shown.

Every rule keeps the keyword (and a hash type such as ``5`` or ``ENC``) and
replaces only the secret itself with ``<redacted>``, so lines keep their
structure and a parser still sees ``enable secret 9 <redacted>``.

The patterns are kept here, one set per platform (:data:`PLATFORM_PATTERNS`, keyed by platform
name; each platform unit references its own set). ``redact(text)`` without a platform applies
every platform's patterns: saved outputs of unknown origin are treated as the worst case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, NamedTuple

from pydantic import JsonValue

from platforms import NAMES as PLATFORM_NAMES
from platforms.required_text import (
    FoldedLines,
    LiteralScan,
    compiled,
    from_line_starts,
    literals_of,
    may_match,
    needs,
    required_literals,
    weak,
)

REDACTED: Final = "<redacted>"
_SP = r"[ \t]+"
# A secret token: a quoted string, or a word (a trailing ';' of brace-style configs is kept).
_SECRET = r'(?:"[^"\n]*"|\S+?(?=;?(?:[ \t]|$)))'
# Hash-type markers kept in front of a secret: IOS 0/5/7/8/9, EOS sha512, ASA pbkdf2, FortiOS ENC.
# Atomic, so a type marker is never re-read as the secret once the secret after it is redacted.
_TYPE = r"(?>(?:[ \t]+(?:[0-9]|sha512|pbkdf2|md5|ENC|ascii-text|hexadecimal|clear)(?=[ \t]+\S))?)"
_WORDS = (
    r"secret|password|passwd|psksecret|encrypted-password|auth-pwd|priv-pwd|passphrase|key-string"
    r"|authentication-key|privacy-key|phash|community-string|snmp-community-string|authpwd|privpwd"
    r"|plain-text-password-value"
)


PLATFORMS: Final = PLATFORM_NAMES  # one per unit in platforms/
CISCO_LIKE: Final = frozenset({"cisco_ios", "cisco_xe", "cisco_nxos", "cisco_asa", "arista_eos"})


RULE_FLAGS: Final = int(re.IGNORECASE | re.MULTILINE)


class Rule(NamedTuple):
    """One secret form: a pattern whose group 1 is kept and whose rest is replaced."""

    name: str
    regex: str
    platforms: frozenset[str] = frozenset()  # empty: every platform
    replacement: str = REDACTED
    flags: int = RULE_FLAGS

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, on first use: a text that lacks the rule's literals never needs it."""
        return compiled(self.regex, self.flags)


def _rule(
    name: str, regex: str, platforms: frozenset[str] | set[str] = frozenset(), replacement: str = REDACTED
) -> Rule:
    return Rule(name, regex, frozenset(platforms), replacement)


# Order matters: specific forms run before the generic keyword rule so their
# secrets are gone before a generic rule could mistake a keyword for a secret.
RULES: Final[tuple[Rule, ...]] = (
    _rule("fortios-enc", r"(\bENC" + _SP + r")" + _SECRET),
    # NTP keys: the key follows its id and hash type (`ntp authentication-key 1 md5 [7] KEY`; Junos `value`).
    _rule(
        "ntp-key",
        r"(\bntp authentication-key" + _SP + r"\d+" + _SP + r"(?:md5|sha1|sha256|cmac-aes-128|\S+)(?:[ \t]+[0-7])?"
        + _SP + r")(?!<redacted>)" + _SECRET,
        CISCO_LIKE,
    ),
    _rule("junos-ntp-value", r"(\bauthentication-key" + _SP + r"\d+[^\n]*?[ \t]value" + _SP + r")" + _SECRET,
          {"juniper_junos"}),
    _rule("junos-md5-key", r"(\bmd5" + _SP + r"\d+" + _SP + r"key" + _SP + r")" + _SECRET, {"juniper_junos"}),
    # First-hop redundancy in clear text: HSRP `standby 1 authentication KEY`,
    # VRRP/GLBP/NX-OS `authentication text KEY`.
    _rule("fhrp-text", r"(\bauthentication" + _SP + r"text(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET),
    _rule(
        "hsrp-plain",
        r"(^[ \t]*standby(?:[ \t]+\d+)?[ \t]+authentication" + _SP + r")(?!md5\b|text\b|<redacted>)" + _SECRET,
        CISCO_LIKE,
    ),
    _rule("nhrp-key", r"(\bnhrp authentication" + _SP + r")" + _SECRET, CISCO_LIKE),
    _rule("eigrp-named-key", r"(\bauthentication mode hmac-sha-256(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET, CISCO_LIKE),
    _rule("asa-eigrp-key", r"(\bauthentication key eigrp" + _SP + r"\d+" + _SP + r")" + _SECRET, {"cisco_asa"}),
    _rule("eos-auth-key", r"(\bauthentication key(?:[ \t]+[0-7])?" + _SP + r")(?!eigrp\b)" + _SECRET, CISCO_LIKE),
    _rule("eos-shared-key", r"(^[ \t]*shared-key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET, CISCO_LIKE),
    # Wireless PSKs: IOS/AireOS `set-key ascii 0 KEY`, classic AP `wpa-psk ascii 0 KEY`.
    _rule("wpa-psk", r"(\b(?:set-key|wpa-psk)" + _SP + r"(?:ascii|hex)(?:[ \t]+[0-9])?" + _SP + r")" + _SECRET,
          CISCO_LIKE),
    # Linux files: hostapd/wpa_supplicant, RADIUS clients, strongSwan secrets, snmpd.conf.
    _rule(
        "linux-assignment",
        r"(^[ \t]*(?:(?:wpa_passphrase|wpa_psk|psk|sae_password|password|secret|key|shared_secret)[ \t]*=[ \t]*"
        r"|auth_pass[ \t]+))(?!<redacted>)(?:\"[^\"\n]*\"|\S+)",
        {"linux"},
    ),
    # chrony.keys / ntp.keys: `ID TYPE [HEX:|ASCII:]KEY`.
    _rule(
        "linux-ntp-key",
        r"(^[ \t]*\d+[ \t]+(?:M|MD5|SHA1|SHA256|SHA384|SHA512|AES128|AES256)[ \t]+(?:HEX:|ASCII:)?)" + _SECRET,
        {"linux"},
    ),
    _rule("linux-ipsec-psk", r"(:[ \t]*PSK" + _SP + r")" + _SECRET, {"linux"}),
    _rule("linux-snmp-community", r"(^[ \t]*(?:ro|rw)community6?" + _SP + r")" + _SECRET, {"linux"}),
    _rule("linux-snmpv3-user", r"(\bcreateUser" + _SP + r"\S+" + _SP + r"(?:MD5|SHA\S*)" + _SP + r")" + _SECRET,
          {"linux"}),
    _rule("linux-snmpv3-priv", r"(\bcreateUser\b[^\n]*?[ \t](?:DES|AES\S*)" + _SP + r")" + _SECRET, {"linux"}),
    # As CDATA inside XML so the document still parses (an XML reader sees the text "<redacted>").
    _rule(
        "xml-secret",
        r"(<(" + _WORDS + r"|key|pre-shared-key|private-key|certificate)>)[^<]*(?=</\2>)",
        replacement=f"<![CDATA[{REDACTED}]]>",
    ),
    _rule("isakmp-key", r"(\bcrypto isakmp key(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET, CISCO_LIKE),
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
    _rule("indented-key", r"(^[ \t]*key(?:[ \t]+[0-7])?" + _SP + r")(?!chain\b|config-key\b|=[ \t])" + _SECRET),
    _rule("ospf-md5", r"(\bmessage-digest-key[ \t]+\d+[ \t]+md5(?:[ \t]+[0-7])?" + _SP + r")" + _SECRET, CISCO_LIKE),
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
    _rule("keyword-secret", r"(\b(?:" + _WORDS + r")" + _TYPE + _SP + r")(?!<redacted>|=[ \t])" + _SECRET),
    _rule(
        "routeros-secret",
        r"(\b(?:password|secret|wpa-pre-shared-key|wpa2-pre-shared-key|authentication-password"
        r"|encryption-password|passphrase|private-key|pre-shared-key|authentication-key|tcp-md5-key|key)=)"
        + r'(?:"[^"\n]*"|\S+)',
        {"mikrotik_routeros"},
    ),
    # Unix crypt hashes ($1$ md5, $5$/$6$ sha, $y$ yescrypt, $2b$ bcrypt) and Junos $9$ / IOS type 8/9.
    _rule("crypt-hash", r"()\$(?:1|2[abxy]?|5|6|7|8|9|y|gy|sha1)\$[^\s\"':;<]+"),
)


class Section(NamedTuple):
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
    # PEM blocks (private keys and certificates, also inside FortiOS `set private-key "-----BEGIN ...`):
    # every base64 line goes; the BEGIN/END lines stay so the structure is visible.
    Section(
        re.compile(r"-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY|CERTIFICATE)-----"),
        re.compile(r"^([ \t\"]*)(?!-----)[A-Za-z0-9+/=]{8,}[\"]?$"),
        lambda _start, line: "-----END " in line,
    ),
    # IOS/ASA `crypto pki certificate chain` hex blocks, up to `quit`.
    Section(
        re.compile(r"^[ \t]*certificate(?:[ \t]+(?:ca|self-signed|rollover))?[ \t]+[0-9A-Fa-f]+[ \t]*$"),
        re.compile(r"^([ \t]*)[0-9A-Fa-f]{8}(?:[ \t]*[0-9A-Fa-f]{2,})*[ \t]*$"),
        lambda _start, line: line.strip() == "quit",
    ),
)


def _redact_sections(lines: list[str], may_start: set[int] | None = None) -> list[str]:
    """``lines`` with the secrets of each section redacted; ``may_start`` holds the indexes of the only lines
    that can open a section (those holding a literal of a start pattern), None when every line can."""
    out: list[str] = []
    current: tuple[Section, str] | None = None
    for at, line in enumerate(lines):
        if current is not None and current[0].ends(current[1], line):
            current = None
        if current is None and (may_start is None or at in may_start):
            current = next(((s, line) for s in SECTIONS if s.start.search(line)), None)
        if current is not None:
            line = current[0].secret.sub(lambda m: m.group(1) + REDACTED, line)
        out.append(line)
    return out


PLATFORM_PATTERNS: Final[dict[str, tuple[Rule, ...]]] = {
    platform: tuple(rule for rule in RULES if not rule.platforms or platform in rule.platforms)
    for platform in PLATFORMS
}
"""The secret patterns of each platform, in the order they must run (specific forms first)."""


def patterns_for(platform: str | None) -> tuple[Rule, ...]:
    """One platform's patterns; every platform's for None or an unknown name (the safe side)."""
    return PLATFORM_PATTERNS.get(platform or "", RULES)


def _replacer(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + replacement


def redact(text: str, platform: str | None = None) -> str:
    """``text`` with every known secret form (of ``platform``, or of all) replaced by ``<redacted>``.

    >>> redact("enable secret 9 $9$abc$def\\nhostname r1")
    'enable secret 9 <redacted>\\nhostname r1'
    >>> redact("snmp-server community s3cr3t RO", "cisco_ios")
    'snmp-server community <redacted> RO'
    """
    # A rule runs only where the text holds a literal its matches need (most configs hold few secret forms):
    # over the lines holding one when its matches stay within a line, else over the whole text.
    lines = text.split("\n")
    index = FoldedLines(lines)
    rules = patterns_for(platform)
    present = _present_literals(rules, index.text)  # None until this process has redacted enough text
    for rule in rules:
        required, local = needs(rule, len(index.text))
        if present is not None and required:
            if not any(literal in present for literal in required):
                continue
        elif not index.holds_any(required):
            continue
        replace = _replacer(rule.replacement)
        if required and local and not weak(required):
            changed = 0
            held = required if present is None else tuple(literal for literal in required if literal in present)
            for at in index.holding(held):  # the literals the text holds: no search for the others
                lines[at], count = rule.pattern.subn(replace, lines[at])
                changed += count
        else:
            joined, changed = _substituted(rule, replace, "\n".join(lines), local)
            if changed:
                lines = joined.split("\n")
        if changed:
            index = FoldedLines(lines)
            present = None  # found in the text before this rule changed it: from here literals are tested one by one
    if any(may_match(section.start, index.text) for section in SECTIONS):
        starts = _section_starts(index)
        if starts is None or any(section.start.search(lines[at]) for at in starts for section in SECTIONS):
            lines = _redact_sections(lines, starts)  # walked only when a line opens a section
    redacted = "\n".join(lines)
    return text if redacted == text else redacted  # the same object when nothing was secret (see normalise)


def _substituted(rule: Rule, replace: Callable[[re.Match[str]], str], text: str, local: bool) -> tuple[str, int]:
    """``rule`` applied over the whole text. A rule whose matches stay within a line and start at a line start
    is run behind a newline (the regex engine then jumps from newline to newline): the same matches, found faster.
    """
    shifted = from_line_starts(rule.pattern) if local else None
    if shifted is None:
        return rule.pattern.subn(replace, text)
    joined, changed = shifted.subn(lambda m: "\n" + replace(m), "\n" + text)
    return joined[1:], changed


# Building the scan of the rules' literals (from the generated table) costs ~0.1 ms plus pyahocorasick's import
# (~0.4 ms); it saves ~0.2 ms on each typical config: built once the process has redacted ~10 KB of text.
SCAN_PAYBACK_CHARS: Final = 10_000
_redacted_chars = 0
_scans: dict[int, tuple[tuple[Rule, ...], LiteralScan]] = {}  # by the id of a rule set, held with it


def _present_literals(rules: tuple[Rule, ...], folded_text: str) -> set[str] | None:
    """The rules' literals the text holds, found in one pass (~80 substring tests otherwise); None before the
    process has redacted enough text to repay building the scan."""
    global _redacted_chars
    if _redacted_chars < SCAN_PAYBACK_CHARS:
        _redacted_chars += len(folded_text)
        return None
    if id(rules) not in _scans:
        literals = (literal for rule in rules for literal in literals_of(rule)[0])  # no rule compiled for it
        _scans[id(rules)] = (rules, LiteralScan(literals))
    return _scans[id(rules)][1].present(folded_text)


def _section_starts(index: FoldedLines) -> set[int] | None:
    """The lines that may open a section: a start pattern (searched line by line) needs one of its literals."""
    starts: set[int] = set()
    for section in SECTIONS:
        required = required_literals(section.start)
        if not required:
            return None
        starts.update(index.holding(required))
    return starts


def redact_json(value: JsonValue, platform: str | None = None) -> JsonValue:
    """A JSON value (e.g. a napalm getter result) with every string redacted."""
    if isinstance(value, str):
        return redact(value, platform)
    if isinstance(value, list):
        return [redact_json(v, platform) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v, platform) for k, v in value.items()}
    return value

