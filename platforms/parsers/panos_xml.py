"""PAN-OS ``show config running`` XML, loaded safely, and small lookup helpers.

lxml is used with entity resolution and network access off, so a hostile
file cannot expand entities or fetch anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from core.errors import UserError

if TYPE_CHECKING:  # lxml ships no type stubs; its elements follow the ElementTree API typed here
    from xml.etree.ElementTree import Element
else:
    Element = etree._Element

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def looks_like_panos(text: str) -> bool:
    """True for PAN-OS configuration XML (a whole config, or a security-rules fragment)."""
    head = text[:4000]
    if re.search(r"<config\s+version=\"\d", head) or ("<devices>" in head and "<vsys>" in text[:200000]):
        return True
    return _is_rules_fragment(head)


def _is_rules_fragment(head: str) -> bool:
    """A ``<rules>`` element of ``<entry>`` rules with PAN-OS rule fields (as iron-skillet snippets are)."""
    return bool(re.search(r"^\s*<rules>\s*<entry name=", head, re.M)) and "<action>" in head


def load_config(text: str) -> Element:
    """The ``<config>`` element of a PAN-OS configuration (CLI output or API response).

    A bare security ``<rules>`` fragment is placed where it sits in a single-vsys firewall.
    """
    if "<config" not in text and _is_rules_fragment(text[:4000]):
        start = text.find("<rules>")
        text = (
            "<config><devices><entry name='localhost.localdomain'><vsys><entry name='vsys1'><rulebase><security>"
            f"{text[start : text.rfind('</rules>') + len('</rules>')]}"
            "</security></rulebase></entry></vsys></entry></devices></config>"
        )
    start = text.find("<config")
    end = text.rfind("</config>")
    if start < 0 or end < start:
        raise UserError("no PAN-OS <config> element found in the output")
    try:
        root = etree.fromstring(text[start : end + len("</config>")].encode("utf-8", "replace"), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"PAN-OS configuration XML is malformed: {exc}") from exc
    if root is None or root.tag != "config":
        raise UserError("PAN-OS configuration has no <config> root element")
    element: Element = root
    return element


def text_of(node: Element | None, path: str, default: str = "") -> str:
    """Stripped text at ``path`` under ``node`` (or ``default``)."""
    if node is None:
        return default
    found = node.find(path)
    return (found.text or "").strip() if found is not None and found.text else default


def members(node: Element | None, path: str) -> list[str]:
    """The ``<member>`` texts of a list element (``from``, ``source``, ``application`` ...)."""
    if node is None:
        return []
    return [(m.text or "").strip() for m in node.findall(f"{path}/member") if m.text and m.text.strip()]


def entries(node: Element | None, path: str) -> list[Element]:
    """The ``<entry>`` children at ``path``."""
    return [] if node is None else list(node.findall(f"{path}/entry"))


def line_of(node: Element) -> str:
    """Where an element sits in the source, for evidence."""
    name = node.get("name")
    label = f"{node.tag} {name!r}" if name else node.tag
    line = getattr(node, "sourceline", None)
    return f"line {line}: <{label}>" if line else f"<{label}>"
