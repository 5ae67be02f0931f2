"""RouterOS ``/export`` (or ``/export verbose``) text as a list of menu commands with their attributes.

An export is a script: a menu path line (``/ip firewall filter``) followed by
``add``/``set`` commands of ``key=value`` words, long lines continued with a
trailing backslash. netutils' RouterOSConfigParser keeps lines as text and does
not join continuations, so the export is read here with shlex, which already
handles RouterOS' double-quoted values.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from core.errors import UserError
from platforms.parsers.common import shell_words

COMMANDS = ("add", "set", "remove", "enable", "disable", "move", "print")
_FIND = re.compile(r"\[\s*find\s*(.*?)\s*\]")


class RosCommand(BaseModel):
    """One ``add``/``set`` under a menu, e.g. ``/ip firewall filter add action=accept ...``."""

    menu: str
    verb: str
    target: str = Field(default="", description="item named by 'set NAME' or '[ find default-name=X ]'")
    attrs: dict[str, str] = Field(default_factory=dict)
    line: str = ""

    def get(self, key: str, default: str = "") -> str:
        """An attribute's value (or ``default``)."""
        return self.attrs.get(key, default)

    @property
    def source(self) -> str:
        """The command as a one-line script statement, for evidence."""
        return f"/{self.menu} {self.line}"

    @property
    def enabled(self) -> bool:
        """False when the item is disabled."""
        return self.attrs.get("disabled", "no") not in ("yes", "true")


# Backup tools put 'system resource' and undo-history comments (several KB) before the export.
HEAD_CHARS = 20_000
_EXPORT_HEADER = re.compile(r"^#.*(?:\bby RouterOS \d|software id = \S)", re.M)


def looks_like_routeros(text: str) -> bool:
    """True for a RouterOS export."""
    head = text[:HEAD_CHARS]
    return bool(_EXPORT_HEADER.search(head) or re.search(r"^/(ip|interface|system|queue|routing) \w", head, re.M))


def is_whole_export(text: str) -> bool:
    """True when the text carries the header ``/export`` writes: it is the whole configuration, so what it
    omits is at its default. A pasted section has no header and says nothing about the rest."""
    return bool(_EXPORT_HEADER.search(text[:HEAD_CHARS]))


def routeros_version(text: str) -> str | None:
    """RouterOS version from the export header."""
    match = re.search(r"^# .* by RouterOS (\S+)", text[:500], re.M)
    return match.group(1) if match else None


def _joined_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1].lstrip() if pending else raw[:-1]
            continue
        lines.append((pending + raw.lstrip()) if pending else raw)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def load_export(text: str) -> list[RosCommand]:
    """All add/set commands of an export, in order."""
    menu = ""
    commands: list[RosCommand] = []
    for line in _joined_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = stripped.split()
        if stripped.startswith("/"):
            menu_words = []
            while words and words[0] not in COMMANDS:
                menu_words.append(words.pop(0))
            menu = " ".join(menu_words).lstrip("/")
            if not words:
                continue
            stripped = " ".join(words)
        command = _command(menu, stripped, line)
        if command is not None:
            commands.append(command)
    if not commands:
        raise UserError("no RouterOS add/set commands found in the export")
    return commands


def _command(menu: str, text: str, line: str) -> RosCommand | None:
    verb, _, rest = text.partition(" ")
    if verb not in ("add", "set"):
        return None
    target = ""
    if find := _FIND.search(rest):
        target = find.group(1)
        rest = rest[: find.start()] + rest[find.end() :]
    attrs: dict[str, str] = {}
    for word in shell_words(rest):
        key, sep, value = word.partition("=")
        if sep:
            attrs[key] = value
        elif verb == "set" and not target:
            target = word
    return RosCommand(menu=menu, verb=verb, target=target, attrs=attrs, line=line.strip())


def in_menu(commands: list[RosCommand], menu: str, *, enabled_only: bool = True) -> list[RosCommand]:
    """The commands under one menu (disabled items left out unless asked)."""
    return [c for c in commands if c.menu == menu and (c.enabled or not enabled_only)]
