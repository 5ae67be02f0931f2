"""FortiOS CLI semantics on saved ``show`` text, for the patch-and-re-audit test.

The configuration is a tree of ``config`` sections and ``edit`` entries holding ``set`` lines.
Pasting a fix walks the same tree: ``set`` replaces a setting, ``unset`` removes it, ``append``
adds values, ``delete`` removes an entry, ``edit 0`` creates the next free numbered entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from platforms.parsers.common import shell_words


@dataclass
class Node:
    """A config section or edit entry: settings in order, children in order."""

    settings: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, Node] = field(default_factory=dict)


def _quote(value: str) -> str:
    return value if value and all(c.isalnum() or c in "-_./:" for c in value) else f'"{value}"'


def apply(root: Node, text: str) -> Node:
    """Walk ``text`` (a saved config or a fix) into ``root``."""
    stack = [root]
    for raw in text.splitlines():
        words = shell_words(raw.strip()) if raw.strip() and not raw.strip().startswith("#") else []
        if not words:
            continue
        head, args, node = words[0], words[1:], stack[-1]
        if head == "config":
            stack.append(node.children.setdefault("config " + " ".join(args), Node()))
        elif head == "edit":
            name = args[0]
            if name == "0":  # FortiOS gives the entry the next free number
                used = [int(k[5:]) for k in node.children if k[5:].isdecimal()]
                name = str(max(used, default=0) + 1)
            stack.append(node.children.setdefault(f"edit {name}", Node()))
        elif head in ("next", "end") and len(stack) > 1:
            stack.pop()
        elif head == "set" and args:
            node.settings[args[0]] = args[1:]
        elif head == "append" and args:
            node.settings.setdefault(args[0], []).extend(args[1:])
        elif head == "unset" and args:
            node.settings.pop(args[0], None)
        elif head == "delete" and args:
            node.children.pop(f"edit {args[0]}", None)
    return root


def dump(node: Node, depth: int = 0) -> list[str]:
    """The tree as FortiOS prints it."""
    pad = "    " * depth
    out = [f"{pad}set {key} {' '.join(_quote(v) for v in values)}".rstrip() for key, values in node.settings.items()]
    for name, child in node.children.items():
        kind, _, label = name.partition(" ")
        out.append(f"{pad}{kind} {_quote(label) if kind == 'edit' else label}")
        out += dump(child, depth + 1)
        out.append(f"{pad}{'next' if kind == 'edit' else 'end'}")
    return out


def fortios_merge(text: str, fix: str) -> str:
    """The configuration after ``fix`` is pasted into the FortiGate CLI."""
    header = [line for line in text.splitlines() if line.startswith("#")]
    root = apply(apply(Node(), text), fix)
    return "\n".join(header + dump(root)) + "\n"
