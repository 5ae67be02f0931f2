"""Applies a rendered fix to a saved config the way the device would: one merge per platform family.

Used by the patch-and-re-audit test. Each merge follows what the vendor's CLI does with pasted
commands; where the device reorders what it stores, the merge does too (written down per function):
- Cisco-like (IOS, IOS-XE, NX-OS, EOS, ASA): hier_config's ``future`` (lines added, ``no`` lines removed).
  IOS stores ACL entries by sequence number and prints them without it; ``class class-default``
  is always the last class of a policy-map; ASA inserts ``access-list NAME line N`` at position N.
- Junos and PAN-OS set format: ``set``/``delete`` lines on the set-form of the configuration.
- FortiOS: ``config``/``edit``/``set``/``unset``/``delete``/``next``/``end`` blocks on the config tree.
- RouterOS: menu paths with ``add``/``set``/``remove``, ``place-before`` honoured.
"""

from __future__ import annotations

import re

from hier_config import Host
from hier_config.root import HConfig
from lxml import etree

from platforms.parsers.common import shell_words
from platforms.parsers.junos_config import as_set_line, load_paths
from platforms.parsers.panos_setformat import _replay
from platforms.parsers.panos_xml import Element, load_config
from tests.fortios_merge import fortios_merge
from tests.routeros_merge import routeros_merge

# hier_config's OS styles for the Cisco-like platforms (ASA reads like IOS at this level).
HIER_OS = {"cisco_ios": "ios", "cisco_xe": "iosxe", "cisco_nxos": "nxos", "arista_eos": "eos", "cisco_asa": "ios"}
INDENT = {"cisco_nxos": "  ", "arista_eos": "   "}


def _hconfig(platform: str, text: str) -> HConfig:
    config = HConfig(Host("device", HIER_OS[platform]))
    config.load_from_string(text)
    return config


def _text(platform: str, config: HConfig) -> str:
    indent = INDENT.get(platform, " ")
    out: list[str] = []
    for child in config.all_children():
        if child.depth() == 1:
            out.append("!")
        out.append(indent * (child.depth() - 1) + child.text)
    return "\n".join(out) + "\nend\n"


def _ios_acl_order(config: HConfig) -> None:
    """IOS keeps ACL entries in sequence order (10, 20, ... unless numbered) and prints no numbers."""
    for acl in config.children:
        if not acl.text.startswith("ip access-list extended "):
            continue
        entries: list[tuple[float, str]] = []
        for i, child in enumerate(acl.children, 1):
            m = re.match(r"^(\d+) (.*)$", child.text)
            entries.append((float(m.group(1)), m.group(2)) if m else (i * 10.0 + 0.5, child.text))
        for child in list(acl.children):
            acl.del_child(child)
        for _, text in sorted(entries, key=lambda e: e[0]):
            acl.add_child(text)


# Commands IOS replaces in place (a new value keeps the lines nested under the old one).
REPLACING = ("shape average ", "set dscp ", "priority ")


def _replace_in_place(node: HConfig) -> None:
    """Where a fix gave a REPLACING command a new value, the old line goes and its children move over."""
    for child in list(node.children):
        _replace_in_place(child)
    for prefix in REPLACING:
        same = [c for c in node.children if c.text.startswith(prefix)]
        for old in same[1:]:  # future() lists the fix's line first
            for grandchild in old.children:
                same[0].add_deep_copy_of(grandchild)
            node.del_child(old)


def _class_default_last(config: HConfig) -> None:
    """A policy-map's class-default is evaluated (and printed) last whatever order it was entered in."""
    for policy in config.children:
        default = policy.get_child("equals", "class class-default") if policy.text.startswith("policy-map ") else None
        if default is not None:
            policy.del_child(default)
            policy.add_deep_copy_of(default)


def _ios_acl_negations(running: HConfig, fix: str) -> str:
    """``no N`` or ``no ENTRY`` inside an ACL removes that entry: name it as hier_config stores it (``N ENTRY``)."""
    out: list[str] = []
    entries: dict[str, str] = {}
    for line in fix.splitlines():
        if not line.startswith(" "):
            node = running.get_child("equals", line) if line.startswith("ip access-list ") else None
            entries = {}
            for child in node.children if node else []:
                seq, _, body = child.text.partition(" ")
                entries[seq] = entries[body] = child.text
        elif entries and line.startswith(" no ") and line[4:] in entries:
            line = f" no {entries[line[4:]]}"
        out.append(line)
    return "\n".join(out)


def _asa_lines(text: str, fix: str) -> str:
    """ASA: ``access-list NAME line N extended ...`` is inserted as the N-th entry of that ACL."""
    lines = text.splitlines()
    rest: list[str] = []
    for line in fix.splitlines():
        m = re.match(r"^access-list (\S+) line (\d+) (.*)$", line)
        if not m:
            rest.append(line)
            continue
        name, pos, body = m.group(1), int(m.group(2)), m.group(3)
        idx = [i for i, x in enumerate(lines) if x.startswith(f"access-list {name} ")]
        where = idx[pos - 1] if pos <= len(idx) else (idx[-1] + 1 if idx else len(lines))
        lines.insert(where, f"access-list {name} {body}")
    return "\n".join(lines), "\n".join(rest)  # type: ignore[return-value]


def cisco_merge(platform: str, text: str, fix: str) -> str:
    """The running config after pasting ``fix`` on a Cisco-like device."""
    if platform == "cisco_asa":
        text, fix = _asa_lines(text, fix)  # type: ignore[misc]
    running = _hconfig(platform, text)
    if platform in ("cisco_ios", "cisco_xe"):
        fix = _ios_acl_negations(running, fix)
    future = running.future(_hconfig(platform, fix))
    if platform in ("cisco_ios", "cisco_xe"):
        _ios_acl_order(future)
        _replace_in_place(future)
    _class_default_last(future)
    return _text(platform, future)


def set_merge(lines: list[str], fix: str) -> list[str]:
    """Junos / PAN-OS set format: ``set`` adds a statement (a leaf's new value replaces the old one),
    ``delete`` removes a statement and everything under it; ``insert`` only orders policies."""
    out = list(lines)
    for line in (x.strip() for x in fix.splitlines()):
        words = shell_words(line)
        if not words or words[0] in ("#", "insert", "commit"):
            continue
        if words[0] == "delete":
            prefix = words[1:]
            out = [x for x in out if shell_words(x)[1 : 1 + len(prefix)] != prefix]
        elif words[0] == "set" and line not in out:
            out.append(line)
    return out


def junos_merge(text: str, fix: str) -> str:
    """The Junos configuration (as ``display set``) after the fix's set/delete lines are committed."""
    lines = [as_set_line(p) for p in load_paths(text)]
    return "\n".join(set_merge(lines, fix)) + "\n"


def panos_merge(text: str, fix: str) -> str:
    """PAN-OS: set lines on set-format output; on XML, the same lines replayed into the config tree."""
    if "<config" not in text:
        return "\n".join(set_merge(text.splitlines(), fix)) + "\n"
    config = load_config(text)
    device = config.find("devices/entry")
    vsys = device.find("vsys/entry")
    for line in (x.strip() for x in fix.splitlines()):
        words = [w for w in shell_words(line) if w not in ("[", "]")]
        if len(words) < 2 or words[0] not in ("set", "delete"):
            continue
        path = words[1:]
        scope = device if path[0] in ("deviceconfig", "network") else vsys
        if path[0] == "shared":
            scope = config.find("shared")
            if scope is None:
                scope = etree.SubElement(config, "shared")
            path = path[1:]
        if words[0] == "set":
            _replay(scope, path)
        else:
            _xml_delete(scope, path)
    return etree.tostring(config, encoding="unicode")


def _xml_delete(node: Element, words: list[str]) -> None:
    """Remove the element a PAN-OS path names (``entry`` names resolved like the set-format reader)."""
    for word in words:
        found = node.find(f"entry[@name='{word}']")
        if found is None:
            found = node.find(word)
        if found is None:
            return
        node = found
    node.getparent().remove(node)


def merge(platform: str, text: str, fix: str) -> str:
    """``text`` after ``fix`` is pasted on a device of ``platform``."""
    if platform in HIER_OS:
        return cisco_merge(platform, text, fix)
    if platform == "juniper_junos":
        return junos_merge(text, fix)
    if platform == "paloalto_panos":
        return panos_merge(text, fix)
    if platform == "fortinet":
        return fortios_merge(text, fix)
    if platform == "mikrotik_routeros":
        return routeros_merge(text, fix)
    raise NotImplementedError(platform)
