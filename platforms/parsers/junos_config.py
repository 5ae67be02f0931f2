"""Junos configuration text (set format or curly braces) as a flat list of set-paths.

The facts parser works on set-paths only (``["security", "alg", "sip", "disable"]``),
so both formats are reduced to them here. Set-format lines already are paths
(split with shlex so quoted values stay one token). Curly-brace configs are
tokenised here too: ciscoconfparse2's Junos mode was tried, but each parse
removes every loguru handler process-wide, prints a coloured traceback on
malformed input and takes ~0.1 s, while the grammar needed (words, quotes,
``{ } ; [ ]``, comments, ``inactive:``) fits in one small function.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from core.errors import UserError
from platforms.parsers.common import shell_words

if TYPE_CHECKING:  # lxml is imported when XML evidence is read (~10 ms that set and brace configs never need)
    from lxml import etree

Path = tuple[str, ...]

_SET_LINE = re.compile(r"^(set|deactivate) \S", re.MULTILINE)
HIERARCHIES = (
    "system|interfaces|security|class-of-service|vlans|protocols|firewall|policy-options|routing-options|"
    "routing-instances|snmp|chassis|applications|access|services|forwarding-options|switch-options|"
    "ethernet-switching-options|groups|poe|virtual-chassis|event-options|bridge-domains"
)
# An interface name at the top of a pasted 'interfaces' stanza (the 'interfaces {' line left out).
_INTERFACE = r"(?:ge|xe|et|fe|mge|ae|irb|vlan|lo|fxp|em|me|reth|st|gr|lt|ps|vme|xle)(?:-\d+/\d+/\d+|\d+)?(?:\.\d+)?"
# In Junos XML a list entry keeps its tag in the set-path ('unit 0', 'security-zone trust'), except here.
_UNNAMED_ENTRIES = {("interfaces", "interface"), ("vlans", "vlan"), ("routing-instances", "instance")}


def looks_like_junos(text: str) -> bool:
    """True for Junos configuration in set, curly-brace or XML format (or a pasted interfaces stanza)."""
    head = text[:20_000]
    if "## Last commit:" in head or "## Last changed:" in head:
        return True
    if re.search(rf"^set ({HIERARCHIES}) ", head, re.M):
        return True
    if re.search(r"<configuration(-text|-set)?[\s>]", head) and re.search(r"<(rpc-reply|version)\b", head):
        return True
    if re.search(rf"^({HIERARCHIES}) \{{\s*$", head, re.M) and re.search(r"^\s*\S[^{;]*;\s*$", head, re.M):
        return True
    return bool(re.search(rf"^{_INTERFACE} \{{\s*$", head, re.M) and re.search(r"^\s+unit \d+ \{", head, re.M))


def load_paths(text: str) -> list[Path]:
    """All configured set-paths in a Junos configuration (inactive statements dropped)."""
    if re.search(r"<configuration(-text|-set)?[\s>]", text):
        return _xml_paths(text)
    if _SET_LINE.search(text):
        return _set_format_paths(text)
    if "{" in text:
        return _rooted(brace_paths(text))
    raise UserError("Junos configuration is neither in set format nor in curly-brace format")


def is_whole_config(paths: Sequence[Path]) -> bool:
    """True when the configuration has its system and interfaces hierarchies (a whole ``show configuration``):
    what it omits is at its default. One pasted hierarchy says nothing about the others."""
    tops = {p[0] for p in paths}
    return {"system", "interfaces"} <= tops


def _rooted(paths: list[Path]) -> list[Path]:
    """A pasted 'interfaces' stanza without its 'interfaces {' line, put back under 'interfaces'."""
    tops = {p[0] for p in paths}
    if tops and all(re.fullmatch(_INTERFACE, top) for top in tops - {"interface-range"}):
        return [("interfaces", *p) for p in paths]
    return paths


def _xml_paths(text: str) -> list[Path]:
    """Set-paths of ``show configuration | display xml`` or a NETCONF get-configuration reply.

    A reply in text format (``<configuration-text>``) holds the curly-brace config itself.
    """
    if match := re.search(r"<configuration-text>(.*?)</configuration-text>", text, re.S):
        return load_paths(html.unescape(match.group(1)))
    if match := re.search(r"<configuration-set>(.*?)</configuration-set>", text, re.S):
        return _set_format_paths(html.unescape(match.group(1)))
    start = re.search(r"<configuration[\s>]", text)
    end = text.rfind("</configuration>")
    if start is None or end < start.start():
        raise UserError("Junos XML has no complete <configuration> element")
    from lxml import etree  # lazy: only XML evidence needs it

    try:
        root = etree.fromstring(text[start.start() : end + 16].encode("utf-8", "replace"), parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise UserError(f"Junos configuration XML is malformed: {exc}") from exc
    paths: list[Path] = []
    for child in root:
        paths.extend(_element_paths(child, (), root.tag))
    return paths


@cache
def _xml_parser() -> etree.XMLParser:
    from lxml import etree  # lazy: only XML evidence needs it

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def _element_paths(node: etree._Element, prefix: Path, parent: str) -> Iterator[Path]:
    """The set-paths one XML element stands for (``<unit><name>0</name>...`` -> ``unit 0 ...``)."""
    from lxml import etree  # lazy: only XML evidence needs it

    tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
    if not tag or node.get("inactive"):
        return
    children = [c for c in node if isinstance(c.tag, str)]
    if not children:
        text = (node.text or "").strip()
        yield (*prefix, tag, text) if text else (*prefix, tag)
        return
    keys = [c for c in children if etree.QName(c).localname in ("name", "from-zone-name", "to-zone-name")]
    here: Path = (*prefix, tag)
    if keys and tag == "policy" and etree.QName(keys[0]).localname == "from-zone-name":  # from-zone A to-zone B
        zones = {etree.QName(k).localname: (k.text or "").strip() for k in keys}
        here = (*prefix, "from-zone", zones.get("from-zone-name", ""), "to-zone", zones.get("to-zone-name", ""))
    elif keys:
        name = (keys[0].text or "").strip()
        here = (*prefix, name) if (parent, tag) in _UNNAMED_ENTRIES else (*prefix, tag, name)
    rest = [c for c in children if c not in keys]
    if not rest:
        yield here
    for child in rest:
        yield from _element_paths(child, here, tag)


def _set_format_paths(text: str) -> list[Path]:
    paths: list[Path] = []
    inactive: list[Path] = []
    for line in text.splitlines():
        words = shell_words(line.strip())
        if len(words) < 2:
            continue
        if words[0] == "set":
            paths.extend(_expand_lists(words[1:]))
        elif words[0] == "deactivate":
            inactive.append(tuple(words[1:]))
    return [p for p in paths if not any(p[: len(i)] == i for i in inactive)]


# The line breaks of str.splitlines: no token runs across one (a quote left open closes nothing on a later line).
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# A quoted string, a brace, bracket or `;`, a comment (`#` where a word would start, to the end of its line),
# a word, or a quote left open.
_TOKEN = re.compile(rf'"(?:[^"\\{_BREAKS}]|\\[^{_BREAKS}])*"|[{{}};\[\]]|#[^{_BREAKS}]*|[^\s{{}};\[\]"]+|"')


# Tags in front of a statement that say how to load or guard it, not what it configures (``replace:`` is what
# `load replace` files and generators such as aerleon/capirca put before a stanza to swap it in whole).
_LOAD_TAGS = frozenset({"inactive:", "protect:", "replace:"})


def _brace_tokens(text: str) -> list[str]:
    """Words, quoted strings and braces of a curly-brace config, comments dropped (one scan of the text)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return [
        token[1:-1] if len(token) > 1 and token[0] == token[-1] == '"' else token
        for token in _TOKEN.findall(text)
        if token[0] != "#"
    ]


def brace_paths(text: str) -> list[Path]:
    """Set-paths of a curly-brace config: each ``;`` ends a statement under the open blocks.

    PAN-OS prints its text configuration in the same grammar, so its parser reuses this.
    """
    paths: list[Path] = []
    stack: list[int] = []  # how many words of ``prefix`` each open block added
    prefix: list[str] = []  # the words of every open block, outermost first
    inactive_depth: int | None = None  # stack depth of an ``inactive:`` block being skipped
    words: list[str] = []
    for token in _brace_tokens(text):
        if token == "{":
            if inactive_depth is None and words[:1] == ["inactive:"]:
                inactive_depth = len(stack)
            block = [w for w in words if w not in _LOAD_TAGS]
            prefix.extend(block)
            stack.append(len(block))
            words = []
        elif token == "}":
            words = []
            if stack:
                del prefix[len(prefix) - stack.pop() :]
            if inactive_depth is not None and len(stack) <= inactive_depth:
                inactive_depth = None
        elif token == ";":
            if inactive_depth is None and words and words[0] != "inactive:":
                paths.extend(_expand_lists([*prefix, *(w for w in words if w not in _LOAD_TAGS)]))
            words = []
        else:
            words.append(token)
    return [p for p in paths if p]


def _expand_lists(words: Sequence[str]) -> Iterator[Path]:
    """Expand a trailing ``[ a b ]`` list into one path per element."""
    if "[" not in words:
        yield tuple(words)
        return
    start = words.index("[")
    end = words.index("]") if "]" in words else len(words)
    for item in words[start + 1 : end]:
        yield (*words[:start], item)


class SetPaths(tuple[Path, ...]):
    """A configuration's set-paths (they never change), grouped by their first word on first use: a query of
    one hierarchy reads its paths only, not the 20,000 prefix-list entries of another."""

    def under(self, top: str) -> Sequence[Path]:
        """The paths whose first word is ``top``, in order."""
        groups: dict[str, list[Path]] | None = self.__dict__.get("groups")
        if groups is None:
            groups = self.__dict__["groups"] = {}
            for path in self:
                if path:
                    groups.setdefault(path[0], []).append(path)
        return groups.get(top, ())


def with_prefix(paths: Sequence[Path], *prefix: str | None) -> Iterator[Path]:
    """Paths that start with ``prefix`` (None matches any one word)."""
    if isinstance(paths, SetPaths) and prefix and prefix[0] is not None:
        paths = paths.under(prefix[0])
    size = len(prefix)
    fixed = [(at, want) for at, want in enumerate(prefix) if want is not None]
    if not fixed:
        yield from (path for path in paths if len(path) >= size)
        return
    (first_at, first), rest = fixed[0], fixed[1:]
    for path in paths:  # one comparison for the many paths of other hierarchies
        if len(path) >= size and path[first_at] == first and all(path[at] == want for at, want in rest):
            yield path


def as_set_line(path: Path) -> str:
    """A set-path back as the set command a user would recognise."""
    return "set " + " ".join(f'"{w}"' if " " in w else w for w in path)
