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

import re
from collections.abc import Iterator, Sequence

from assess.errors import UserError
from collectors.parsers.common import shell_words

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


def load_paths(text: str) -> list[Path]:
    """All configured set-paths in a Junos configuration (inactive statements dropped)."""
    if _SET_LINE.search(text):
        return _set_format_paths(text)
    if "{" in text:
        return brace_paths(text)
    raise UserError("Junos configuration is neither in set format nor in curly-brace format")


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


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{};\[\]]|[^\s{};\[\]"]+|"')


def _brace_tokens(text: str) -> Iterator[str]:
    """Words, quoted strings and braces of a curly-brace config, comments dropped."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    for line in text.splitlines():
        for match in _TOKEN.finditer(line):
            token = match.group(0)
            if token.startswith("#"):  # a comment runs to the end of the line
                break
            yield token[1:-1] if len(token) > 1 and token[0] == token[-1] == '"' else token


def brace_paths(text: str) -> list[Path]:
    """Set-paths of a curly-brace config: each ``;`` ends a statement under the open blocks.

    PAN-OS prints its text configuration in the same grammar, so its parser reuses this.
    """
    paths: list[Path] = []
    stack: list[list[str]] = []
    inactive_depth: int | None = None  # stack depth of an ``inactive:`` block being skipped
    words: list[str] = []
    for token in _brace_tokens(text):
        if token == "{":
            if inactive_depth is None and words[:1] == ["inactive:"]:
                inactive_depth = len(stack)
            stack.append([w for w in words if w not in ("inactive:", "protect:")])
            words = []
        elif token == "}":
            words = []
            if stack:
                stack.pop()
            if inactive_depth is not None and len(stack) <= inactive_depth:
                inactive_depth = None
        elif token == ";":
            if inactive_depth is None and words and words[0] != "inactive:":
                prefix = [w for block in stack for w in block]
                paths.extend(_expand_lists([*prefix, *(w for w in words if w != "protect:")]))
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


def with_prefix(paths: Sequence[Path], *prefix: str | None) -> Iterator[Path]:
    """Paths that start with ``prefix`` (None matches any one word)."""
    size = len(prefix)
    for path in paths:
        if len(path) >= size and all(want is None or want == got for want, got in zip(prefix, path, strict=False)):
            yield path


def as_set_line(path: Path) -> str:
    """A set-path back as the set command a user would recognise."""
    return "set " + " ".join(f'"{w}"' if " " in w else w for w in path)
