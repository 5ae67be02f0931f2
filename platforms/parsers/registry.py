"""Platform name -> parser, and platform auto-detection (both generated from platforms).

Each parser is a pure function ``parse(outputs) -> DeviceFacts`` where ``outputs`` maps a command (as run
on the device) to its saved output. Every output is normalised (terminal and paste artefacts removed)
before it is detected or parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache

from core.errors import UserError
from core.models.facts import DeviceFacts
from platforms.normalise import normalise, prompt_host
from platforms.parsers.common import check_text
from platforms.parsers.understood import understanding_warnings
from platforms.registry import UNITS, detect

__all__ = ["PARSERS", "detect", "detect_platform", "normalised", "parse_device"]

Parser = Callable[[Mapping[str, str]], DeviceFacts]


class _Parsers(Mapping[str, Parser]):
    """Platform name -> parse function, each parser module imported on first use: `assess facts` on one
    config pays for its platform's parser, not for all of them."""

    def __getitem__(self, name: str) -> Parser:
        return UNITS[name].parser.resolve()  # a KeyError for an unknown name, as a dict would

    def __iter__(self) -> Iterator[str]:
        return iter(UNITS)

    def __len__(self) -> int:
        return len(UNITS)


PARSERS: Mapping[str, Parser] = _Parsers()


def normalised(outputs: Mapping[str, str]) -> dict[str, str]:
    """Every output without terminal and paste artefacts (``--More--``, ANSI, prompts, CRLF, fences)."""
    return {command: normalise(text) for command, text in outputs.items()}


def parse_device(platform: str, outputs: Mapping[str, str]) -> DeviceFacts:
    """Parse one device's outputs with the parser for ``platform``."""
    parser = PARSERS.get(platform)
    if parser is None:
        known = ", ".join(sorted(PARSERS)) or "none yet"
        raise UserError(f"no parser for platform {platform!r} (known: {known})")
    clean = normalised(outputs)
    for config_command in UNITS[platform].config_outputs:
        if "\x00" in outputs.get(config_command, ""):  # before normalising, which drops the NUL with the noise
            check_text(outputs[config_command], f"output of {config_command!r}")
    _refuse_artefacts_only(outputs, clean)
    facts = parser(clean)
    hostname_from_prompt(facts, outputs)
    warnings = understanding_warnings(facts, blank_facts(platform), clean)
    facts.parse_warnings.extend(w for w in warnings if w not in facts.parse_warnings)
    return facts


def _refuse_artefacts_only(raw: Mapping[str, str], clean: Mapping[str, str]) -> None:
    """Evidence that was text before normalising and is nothing after held only prompts and paging."""
    texts = [c for c, text in raw.items() if text.strip()]
    if any("\x00" in text for text in raw.values()):
        return  # binary: the parser's own check names that reason
    if texts and not any(text.strip() for text in clean.values()):
        raise UserError(f"output of {texts[0]!r} holds no configuration line, only terminal artefacts (prompts, pager)")


def hostname_from_prompt(facts: DeviceFacts, raw: Mapping[str, str]) -> None:
    """A paste without a ``hostname`` line still names its device in the prompt normalising removed."""
    if facts.hostname is not None:
        return
    found = next((p for text in raw.values() if (p := prompt_host(text))), None)
    if found is not None:
        facts.hostname, facts.evidence["hostname"] = found[0], f"prompt: {found[1]}"


@cache
def blank_facts(platform: str) -> DeviceFacts:
    """What ``platform``'s parser makes of a blank configuration: its defaults alone."""
    return PARSERS[platform](UNITS[platform].blank_evidence)


def detect_platform(outputs: Mapping[str, str]) -> str | None:
    """The platform the outputs' syntax shows, or None when none (or no single one) is recognised."""
    return detect(outputs).platform
