"""FortiOS ``show`` / ``show full-configuration`` text as a tree of sections, entries and settings.

FortiOS blocks are delimited by keywords (config/edit/set/next/end), not by
indentation, so this reader follows the keywords: it keeps working on output
whose indentation was lost (copied from a web console, paged) where
netutils' indentation-based FortinetConfigParser would mis-nest lines. Values
are split with shlex so quoted names ("VOICE LAN") stay whole; a quoted value
running over several lines (replacement messages) is joined first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from core.errors import UserError
from platforms.parsers.common import shell_words

MAX_DEPTH = 16


class FortiNode(BaseModel):
    """A ``config`` section or an ``edit`` entry: its settings and what is nested in it."""

    name: str = ""
    settings: dict[str, list[str]] = Field(default_factory=dict)
    lines: dict[str, str] = Field(default_factory=dict, description="setting -> the line it came from")
    sections: dict[str, FortiNode] = Field(default_factory=dict)
    entries: dict[str, FortiNode] = Field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        """First value of a setting (or ``default``)."""
        values = self.settings.get(key)
        return values[0] if values else default

    def values(self, key: str) -> list[str]:
        """All values of a setting."""
        return self.settings.get(key, [])

    def evidence(self, key: str, where: str) -> str:
        """The setting's line, prefixed with where it lives (``config system settings: set ...``)."""
        return f"{where}: {self.lines[key]}" if key in self.lines else ""


def looks_like_fortios(text: str) -> bool:
    """True for FortiOS configuration output."""
    head = text[:20_000]  # backup tools put 'get system status' (several KB) before the config
    return "#config-version=FG" in head or bool(re.search(r"^config (system|firewall) \S", head, re.M))


_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with multi-line quoted values joined."""
    pending = ""
    for raw in text.splitlines():
        if not pending and '"' not in raw:  # most lines: no quote, so nothing left open
            yield raw.strip()
            continue
        pending = f"{pending}\n{raw}" if pending else raw
        if len(_UNESCAPED_QUOTE.findall(pending)) % 2 == 0:
            yield pending.strip()
            pending = ""
    if pending:
        yield pending.strip()


def load_tree(text: str) -> FortiNode:
    """Parse FortiOS configuration text into its root node."""
    root = FortiNode(name="")
    stack: list[FortiNode] = [root]
    kinds: list[str] = ["root"]
    for line in _logical_lines(text):
        if not line or line.startswith("#"):
            continue
        words = shell_words(line)
        if not words:
            continue
        keyword = words[0]
        if keyword == "set" and len(words) > 1:  # most lines: a setting of the open node
            node = stack[-1]
            node.settings[words[1]] = words[2:]
            node.lines[words[1]] = line
            continue
        args = words[1:]
        if keyword == "config" and args and len(stack) < MAX_DEPTH:
            name = " ".join(args)
            node = _child(stack[-1].sections, name)
            stack.append(node)
            kinds.append("config")
        elif keyword == "edit" and args and kinds[-1] == "config":
            node = _child(stack[-1].entries, args[0])
            stack.append(node)
            kinds.append("edit")
        elif keyword in ("set", "append") and args:
            node = stack[-1]
            values = args[1:]
            node.settings[args[0]] = node.settings.get(args[0], []) + values if keyword == "append" else values
            node.lines[args[0]] = line
        elif keyword == "unset" and args:
            stack[-1].settings.pop(args[0], None)
        elif keyword == "next" and kinds[-1] == "edit":
            stack.pop()
            kinds.pop()
        elif keyword == "end":
            while kinds[-1] == "edit":
                stack.pop()
                kinds.pop()
            if kinds[-1] == "config":
                stack.pop()
                kinds.pop()
    if not root.sections:
        raise UserError("no FortiOS 'config ...' blocks found in the output")
    return root


def _child(nodes: dict[str, FortiNode], name: str) -> FortiNode:
    """The node named ``name`` among ``nodes``, added when the config opens it for the first time."""
    node = nodes.get(name)
    if node is None:
        node = nodes[name] = FortiNode(name=name)
    return node


def section(root: FortiNode, name: str) -> FortiNode:
    """A top-level section, looked up in the root, in ``config global`` and in the first VDOM."""
    if name in root.sections:
        return root.sections[name]
    glob = root.sections.get("global")
    if glob is not None and name in glob.sections:
        return glob.sections[name]
    vdoms = root.sections.get("vdom")
    if vdoms is not None:
        for vdom in vdoms.entries.values():
            if name in vdom.sections:
                return vdom.sections[name]
    return FortiNode(name=name)
