"""PAN-OS set-format output (``set cli config-output-format set``, then ``show``) rebuilt as config XML.

Each ``set`` line is a path into the same tree ``show config running`` prints,
so the lines are replayed into an XML tree and the XML parser does the rest.
Where a path holds named ``<entry>`` elements or ``<member>`` lists is not in
the text; the tables below list the places the voice audit reads.
"""

from __future__ import annotations

import re

from lxml import etree

from platforms.parsers.common import shell_words
from platforms.parsers.junos_config import brace_paths
from platforms.parsers.panos_xml import Element

# Paths (tags only, relative to shared / device / vsys) whose children are named entries.
ENTRY_AT = {
    "network/interface/ethernet",
    "network/interface/ethernet/layer3/units",
    "network/interface/ethernet/layer2/units",
    "network/interface/ethernet/layer3/ip",
    "network/interface/ethernet/layer3/units/ip",
    "network/qos/profile",
    "network/qos/profile/class",
    "network/qos/profile/class-bandwidth-type/mbps/class",
    "network/qos/profile/class-bandwidth-type/percentage/class",
    "network/qos/interface",
    "alg-override/application",
    "zone",
    "address",
    "address-group",
    "service",
    "service-group",
    "rulebase/security/rules",
    "rulebase/nat/rules",
    "rulebase/qos/rules",
    "rulebase/qos/rules/dscp-tos/codepoints",
    "rulebase/application-override/rules",
}
_RULE_MEMBERS = ("from", "to", "source", "destination", "source-user", "category", "hip-profiles")
MEMBER_AT = {
    *(f"rulebase/{kind}/rules/{field}" for kind in ("security", "qos") for field in _RULE_MEMBERS),
    *(f"rulebase/{kind}/rules/{field}" for kind in ("security", "qos") for field in ("application", "service")),
    *(f"rulebase/{kind}/rules/{field}" for kind in ("nat", "application-override") for field in _RULE_MEMBERS),
    "address-group/static",
    "service-group/members",
    "zone/network/layer3",
    "zone/network/layer2",
}
_DEVICE_ROOTS = ("deviceconfig", "network")


def looks_like_panos_set(text: str) -> bool:
    """True for PAN-OS configuration in set format."""
    return bool(re.search(r"^set (deviceconfig system hostname|rulebase security rules|zone \S+ network) ", text, re.M))


def looks_like_panos_text(text: str) -> bool:
    """True for PAN-OS configuration in the curly-brace text format (``config { ... }``)."""
    return bool(re.search(r"^\s*config\s*\{", text[:4000], re.M)) and bool(
        re.search(r"^\s*(mgt-config|devices|deviceconfig|shared|vsys)\s*\{", text[:20_000], re.M)
    )


def text_to_set_lines(text: str) -> str:
    """The curly-brace text format as set lines (``config``/``devices <name>`` levels dropped)."""
    # a quoted value (login banner) may run over several lines: keep it one token
    text = re.sub(r'"[^"]*"', lambda m: m.group(0).replace("\n", " "), text)
    lines: list[str] = []
    for path in brace_paths(text):
        words = list(path[1:] if path[:1] == ("config",) else path)
        if words[:1] == ["devices"] and len(words) > 2:
            words = words[2:]
        lines.append("set " + " ".join(f'"{w}"' if re.search(r"\s", w) or not w else w for w in words))
    return "\n".join(lines)


def _child(parent: Element, tag: str, name: str | None = None) -> Element:
    for node in parent.iterfind(tag):
        if name is None or node.get("name") == name:
            return node
    node = etree.SubElement(parent, tag)
    if name is not None:
        node.set("name", name)
    return node


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def set_lines_to_config(text: str) -> Element:
    """A ``<config>`` tree with the same layout as ``show config running`` for a single-vsys firewall."""
    config: Element = etree.Element("config")
    device = _child(_child(config, "devices"), "entry", "localhost.localdomain")
    vsys = _child(_child(device, "vsys"), "entry", "vsys1")
    for line in text.splitlines():
        line = _XML_UNSAFE.sub("", line)  # lxml refuses control characters in names and text
        words = [w for w in shell_words(line.strip()) if w not in ("[", "]")]
        if len(words) < 3 or words[0] != "set" or not re.fullmatch(r"[\w.-]+", words[1], re.ASCII):
            continue
        words = words[1:]
        if words[0] == "shared":
            scope, words = _child(config, "shared"), words[1:]
        elif words[0] == "vsys" and len(words) > 2:
            scope, words = _child(_child(device, "vsys"), "entry", words[1]), words[2:]
        elif words[0] in _DEVICE_ROOTS:
            scope = device
        elif words[0] == "mgt-config":
            continue  # users and password hashes are not needed
        else:
            scope = vsys
        _replay(scope, words)
    return config


def _replay(node: Element, words: list[str]) -> None:
    """Create the elements one set-path names under ``node``."""
    path: list[str] = []
    while words:
        tag, words = words[0], words[1:]
        if not re.fullmatch(r"[A-Za-z][\w.-]*", tag, re.ASCII):  # lxml refuses non-ASCII tag names
            return
        node = _child(node, tag)
        path.append(tag)
        where = "/".join(path)
        if where in MEMBER_AT:
            for value in words:
                etree.SubElement(node, "member").text = value
            return
        if where in ENTRY_AT and words:
            node, words = _child(node, "entry", words[0]), words[1:]
        elif len(words) == 1:
            node.text = words[0]
            return
