"""An indentation tree of a Cisco-like config, built in one pass.

Each line's parent is the nearest non-comment line above it that is indented less; a top-level line
is its own parent. ``!`` comment lines neither close a block nor parent anything, and the body of a
multi-line ``banner TYPE ^C`` hangs under its banner line, as in ciscoconfparse2's ``ios`` mode, which
this replaces where the parsers used it (that library's tree cost seconds on a 20,000-line config,
and importing it about a second).
"""

from __future__ import annotations

import re
from functools import cached_property

from platforms._pattern_literals import PATTERN_LITERALS
from platforms.required_text import FoldedLines, requirement


class ConfigLine:
    """One config line, its parent and its children."""

    __slots__ = ("_descendants", "children", "indent", "parent", "text")

    def __init__(self, text: str, indent: int, parent: ConfigLine | None) -> None:
        self.text = text
        self.indent = indent
        self.parent: ConfigLine = parent or self
        self.children: list[ConfigLine] = []
        self._descendants: list[ConfigLine] | None = None

    @property
    def all_children(self) -> list[ConfigLine]:
        """Every descendant, in config order (worked out once; a slot, not functools' locked cached_property)."""
        if self._descendants is None:
            out: list[ConfigLine] = []
            for child in self.children:
                out.append(child)
                if child.children:
                    out.extend(child.all_children)
            self._descendants = out
        return self._descendants

    def __repr__(self) -> str:
        return f"ConfigLine({self.text!r})"


# `banner motd ^C` (or `^`, `#`, `%` ...) alone on its line: the body follows until the delimiter.
_BANNER = re.compile(r"^banner\s+\S+\s+(\^C|\S)\s*$")


class ConfigTree:
    """The lines of a config (blank lines dropped) as an indentation tree."""

    def __init__(self, lines: list[str]) -> None:
        self.objs: list[ConfigLine] = []
        objs = self.objs
        stack: list[ConfigLine] = []  # the open ancestors of the next line, least indented first
        banner: tuple[ConfigLine, str] | None = None  # an open banner and its closing delimiter
        for text in lines:  # one pass; each line's indentation and first character read once
            body = text.lstrip(" ")
            if not body or body.isspace():
                continue
            indent = len(text) - len(body)
            if banner is not None:
                line = ConfigLine(text, indent, banner[0])
                banner[0].children.append(line)
                objs.append(line)
                if banner[1] in text:
                    banner = None
                continue
            if body[0] == "!" or (body[0].isspace() and body.lstrip().startswith("!")):
                parent = next((a for a in reversed(stack) if a.indent < indent), None) if indent else None
                line = ConfigLine(text, indent, parent)
                if parent is not None:
                    parent.children.append(line)
                objs.append(line)
                continue
            if indent == 0:  # most lines of a flat config: a new top-level block
                stack.clear()
                line = ConfigLine(text, 0, None)
                if text.startswith("banner") and (m := _BANNER.match(text)):
                    banner = (line, m.group(1))
            else:
                while stack and stack[-1].indent >= indent:
                    stack.pop()
                parent = stack[-1] if stack else None
                line = ConfigLine(text, indent, parent)
                if parent is not None:
                    parent.children.append(line)
            objs.append(line)
            stack.append(line)

    def find_objects(self, regex: str) -> list[ConfigLine]:
        """The lines ``regex`` finds (``re.search``), in config order.

        Only the lines holding a literal every match needs are searched (found with ``str.find`` in the
        whole text), so a query costs what it finds rather than a regex call per line of a long config.
        """
        pattern = re.compile(regex)
        known = PATTERN_LITERALS.get((regex, 0))  # the parsers' own regexes: read into the generated table
        required = known[0] if known is not None else requirement(pattern, len(self._index.text))
        if not required:
            return [obj for obj in self.objs if pattern.search(obj.text)]
        return [self.objs[i] for i in self._index.holding(required) if pattern.search(self.objs[i].text)]

    @cached_property
    def _index(self) -> FoldedLines:
        return FoldedLines([obj.text for obj in self.objs])
