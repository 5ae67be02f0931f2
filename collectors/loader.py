"""Read what ``assess facts`` / ``assess audit`` are given into command -> output.

Four forms are accepted:

- a device evidence folder (``<command>.txt`` files + ``manifest.json``, as a
  survey writes them);
- a single saved config file: it becomes ``show running-config``;
- a bundle file holding several outputs, each introduced by a line
  ``### command: <command>``, e.g.::

      ### command: show running-config
      hostname sw1
      ...
      ### command: show lldp neighbors detail
      ...

- a saved terminal session (PuTTY/SecureCRT log) that ran two or more of the collected commands at a
  prompt, typed in full or abbreviated (``sw1#sh run``): split at the prompts.
"""

from __future__ import annotations

import re
from pathlib import Path

from collectors import MANIFEST
from core.errors import UserError
from platforms.normalise import echoed_command, is_session_line, looks_like_session, terminal_lines
from platforms.registry import UNITS, unit

# The command a single saved config file is read as (the docstring's first form), before its platform is
# known; as_config_of files it under the platform's own. Not imported from the IOS parser's helpers: that
# module (netutils' interface tables) would be paid by a Junos or Linux config too.
RUNNING_CONFIG = "show running-config"
MAX_BYTES = 50 * 1024 * 1024
BUNDLE_HEADER = re.compile(r"^### command:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def load_evidence(path: Path) -> dict[str, str]:
    """Command -> output from an evidence folder, a saved config or a ``### command:`` bundle."""
    if path.name == MANIFEST and path.is_file():  # pointing at the manifest means its folder
        path = path.parent
    if path.is_dir():
        from collectors.evidence import read_outputs  # its manifest models only for a folder: start-up speed

        outputs = {cmd: text for cmd, text in read_outputs(path).items() if text.strip()}
        if not outputs:
            raise UserError(f"{path}: no saved command outputs in this folder")
        return outputs
    if not path.is_file():
        raise UserError(f"{path}: no such file or folder")
    text = _read_text(path)
    if "### command:" in text and BUNDLE_HEADER.search(text):  # the literal first: `^` is tried at every position
        return split_bundle(text, path)
    return split_session(text) or {RUNNING_CONFIG: text}


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path}: {size} bytes is too large for a device config or show output")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from exc
    if b"\x00" in data:
        raise UserError(f"{path}: binary file, expected a saved config or show output (text)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if not text.strip():
        raise UserError(f"{path}: file is empty")
    return text


def split_bundle(text: str, path: Path) -> dict[str, str]:
    """Outputs of a bundle file, keyed by the command named in each ``### command:`` line."""
    outputs: dict[str, str] = {}
    matches = list(BUNDLE_HEADER.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        command = match.group(1)
        if not command:
            raise UserError(f"{path}: a `### command:` line names no command")
        outputs[command] = text[match.end() : end].lstrip("\n")
    if not any(v.strip() for v in outputs.values()):
        raise UserError(f"{path}: the bundle holds no output")
    return outputs


def split_session(text: str) -> dict[str, str]:
    """Command -> output of a saved terminal session that ran two or more known commands ({} for anything else).

    A command typed in short (``sh run``) counts when it abbreviates a command some platform collects (an
    abbreviation of two, ``sh int switchport``, keys the output under both); other commands' output is left out.

    >>> split_session("sw1#sh ver\\nCisco IOS Software\\nsw1#sh run\\nhostname sw1\\nsw1#")
    {'show version': 'Cisco IOS Software\\n', 'show running-config': 'hostname sw1\\n'}
    """
    if not looks_like_session(text):
        return {}
    known = {command for unit in UNITS.values() for command in unit.commands}
    outputs: dict[str, list[str]] = {}
    current: list[list[str]] = []
    for line in terminal_lines(text):
        if is_session_line(line):
            typed = echoed_command(line) or ""
            current = [outputs.setdefault(command, []) for command in _expansions(typed, known)]
        else:
            for lines in current:
                lines.append(line)
    found = {command: "".join(f"{line}\n" for line in lines) for command, lines in outputs.items() if any(lines)}
    return found if len({tuple(lines) for lines in outputs.values() if any(lines)}) >= 2 else {}


def _expansions(typed: str, known: set[str]) -> list[str]:
    """The known commands ``typed`` abbreviates word by word (``sh run`` is ``show running-config``)."""
    words = typed.lower().split()
    return sorted(
        command
        for command in known
        if len(command.split()) == len(words)
        and all(c.startswith(w) for w, c in zip(words, command.lower().split(), strict=True))
    )


def as_config_of(platform: str, outputs: dict[str, str]) -> dict[str, str]:
    """A single saved file (read as ``show running-config``) keyed by the command showing ``platform``'s config.

    >>> as_config_of("fortinet", {"show running-config": "config system global"})
    {'show full-configuration': 'config system global'}
    """
    found = unit(platform)
    if found is None or found.config_command is None or set(outputs) != {RUNNING_CONFIG}:
        return outputs
    return {found.config_command: outputs[RUNNING_CONFIG]}


def manifest_platform(path: Path) -> str | None:
    """The platform recorded in an evidence folder's manifest, if any."""
    from collectors.evidence import read_manifest  # as in load_evidence: only when a folder is read

    folder = path.parent if path.name == MANIFEST else path
    manifest = read_manifest(folder) if folder.is_dir() else None
    return manifest.platform if manifest else None
