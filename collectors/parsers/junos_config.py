"""Junos configuration text (set format or curly braces) as a flat list of set-paths.

The facts parser works on set-paths only (``["security", "alg", "sip", "disable"]``),
so both formats are reduced to them here. Curly-brace configs are read with
ciscoconfparse2's Junos syntax (which gives every statement with its parents);
set-format lines need no library: each line already is a path, split with shlex
so quoted values ("Branch office") stay one token.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence

from ciscoconfparse2 import CiscoConfParse

from assess.errors import UserError

Path = tuple[str, ...]

_SET_LINE = re.compile(r"^(set|deactivate) \S", re.MULTILINE)


def looks_like_junos(text: str) -> bool:
    """True for Junos configuration in set or curly-brace format."""
    head = text[:4000]
    if "## Last commit:" in head or "## Last changed:" in head:
        return True
    if re.search(r"^set (system|interfaces|security|class-of-service|vlans|protocols|firewall) ", head, re.M):
        return True
    return bool(re.search(r"^version \S+;\s*$", head, re.M) and re.search(r"^system \{", text, re.M))


def split_words(line: str) -> list[str]:
    """Split a Junos statement into words, keeping quoted strings whole."""
    try:
        return shlex.split(line, comments=False, posix=True)
    except ValueError:  # an unbalanced quote: fall back to plain words
        return line.replace('"', " ").split()


def load_paths(text: str) -> list[Path]:
    """All configured set-paths in a Junos configuration (inactive statements dropped)."""
    if _SET_LINE.search(text):
        return _set_format_paths(text)
    if "{" in text:
        return _brace_paths(text)
    raise UserError("Junos configuration is neither in set format nor in curly-brace format")


def _set_format_paths(text: str) -> list[Path]:
    paths: list[Path] = []
    inactive: list[Path] = []
    for line in text.splitlines():
        words = split_words(line.strip())
        if len(words) < 2:
            continue
        if words[0] == "set":
            paths.append(tuple(words[1:]))
        elif words[0] == "deactivate":
            inactive.append(tuple(words[1:]))
    return [p for p in paths if not any(p[: len(i)] == i for i in inactive)]


def _brace_paths(text: str) -> list[Path]:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "/*", "*"))]
    try:
        parsed = CiscoConfParse(lines, syntax="junos")
    except Exception as exc:  # the library raises bare Exceptions on malformed braces
        raise UserError(f"cannot read the curly-brace Junos configuration: {exc}") from exc
    paths: list[Path] = []
    for obj in parsed.objs:
        if obj.children:
            continue
        chain = [*(p.text for p in obj.all_parents), obj.text]
        if any(part.strip().startswith("inactive:") for part in chain):
            continue
        paths.extend(_expand_lists([w for part in chain for w in split_words(part.strip().rstrip(";{ "))]))
    return paths


def _expand_lists(words: Sequence[str]) -> Iterator[Path]:
    """Expand a trailing ``[ a b ]`` list into one path per element."""
    if "[" not in words:
        yield tuple(words)
        return
    start = words.index("[")
    end = words.index("]") if "]" in words else len(words)
    for item in words[start + 1 : end]:
        yield (*words[:start], item)


def with_prefix(paths: Sequence[Path], *prefix: str | None) -> Iterator[Path]:
    """Paths that start with ``prefix`` (None matches any one word)."""
    size = len(prefix)
    for path in paths:
        if len(path) >= size and all(want is None or want == got for want, got in zip(prefix, path, strict=False)):
            yield path


def as_set_line(path: Path) -> str:
    """A set-path back as the set command a user would recognise."""
    return "set " + " ".join(f'"{w}"' if " " in w else w for w in path)
