"""Which platform a set of outputs comes from, weighed from the syntax evidence each unit declares.

Every unit lists cues (a pattern, a weight, what it is). A platform's score is the sum of the weights of its
cues found in the outputs (each cue counts once), plus a cue for each output collected with a command only
that platform runs. Banners and version lines are cues like any other: they help when present, nothing
depends on them. A variant (IOS-XE) wins over its base (IOS) only with a higher score, i.e. on evidence of
its own. The answer is ambiguous when another family scores close to the winner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from pydantic import BaseModel, Field

from platforms.base import Platform
from platforms.normalise import normalise
from platforms.required_text import FoldedLines, PatternScan, found_in

# The evidence is nearly always on the first pages: weigh those, and read further only when they do not decide.
# (Each cue is a regex pass over the text; megabytes would cost seconds.)
WINDOWS: Final = (32_000, 400_000)
MIN_SCORE: Final = 4  # less than one strong cue is no recognition
AMBIGUOUS_RATIO: Final = 0.75  # a runner-up from another family this close to the winner: ask the user
COMMAND_WEIGHT: Final = 3
_COMMENT: Final = re.compile(r"^[ \t]*[!#]+[ \t]?", re.MULTILINE)
# Keeps one weak cue from claiming certainty: confidence = top / (top + runner-up + PRIOR).
PRIOR: Final = 2.0
# Building the one-pass scan of every cue (their literals from the generated table, pyahocorasick imported) costs
# ~1.2 ms, about what the scan saves on one typical config (~0.5 ms against ~1.8 ms testing the cues one by one):
# a process tests the cues one by one on its first ~10 KB of text, and scans from then on.
SCAN_PAYBACK_CHARS: Final = 10_000
_weighed_chars = 0


class Detection(BaseModel):
    """The detected platform with its confidence, the runner-up, and the evidence that decided."""

    platform: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    runner_up: str | None = None
    ambiguous: bool = False
    scores: dict[str, int] = Field(default_factory=dict, description="platform -> evidence score, best first")
    reasons: list[str] = Field(default_factory=list, description="the winner's cues found, strongest first")

    def candidates(self) -> list[str]:
        """The two platforms to choose between: the best, and the runner-up of another family when ambiguous."""
        best = [name for name, score in self.scores.items() if score > 0][:2]
        if self.ambiguous and self.runner_up is not None:
            return [best[0], self.runner_up]
        return best

    def summary(self) -> str:
        """One line: what was detected and why.

        >>> Detection(platform="cisco_asa", confidence=0.93, runner_up="cisco_ios",
        ...           scores={"cisco_asa": 30, "cisco_ios": 2}, reasons=["`nameif` on interfaces"]).summary()
        'cisco_asa detected (confidence 0.93, score 30): `nameif` on interfaces; runner-up cisco_ios (score 2)'
        """
        if self.platform is None:
            return (
                "no platform recognised"
                if not self.ambiguous
                else f"ambiguous between {' and '.join(self.candidates())}"
            )
        why = ", ".join(self.reasons[:4]) or "no syntax evidence"
        line = f"{self.platform} detected (confidence {self.confidence:.2f}, score {self.scores[self.platform]}): {why}"
        if self.runner_up is not None and self.scores.get(self.runner_up, 0) > 0:
            line += f"; runner-up {self.runner_up} (score {self.scores[self.runner_up]})"
        return line


def detect(outputs: Mapping[str, str], units: Iterable[Platform]) -> Detection:
    """Weigh the evidence in ``outputs`` (command -> text) for each unit and pick the platform."""
    units = list(units)
    for window in WINDOWS:
        texts = [normalise(text[:window]) for text in outputs.values()]
        found = _weigh(texts, outputs.keys(), units)
        if found.platform is not None or all(len(text) <= window for text in outputs.values()):
            break
    if found.platform is None and not found.ambiguous:
        # A sample config whose lines are all commented out (`! nat (inside,outside) …`) still shows its syntax.
        uncommented = _weigh([_COMMENT.sub("", text) for text in texts], outputs.keys(), units)
        if uncommented.platform is not None:
            reasons = [f"{why} (in comments)" for why in uncommented.reasons]
            return uncommented.model_copy(update={"reasons": reasons})
    return found


def _weigh(texts: list[str], commands: Iterable[str], units: list[Platform]) -> Detection:
    """The detection from these (normalised) texts."""
    indexed = [(text, FoldedLines(text.split("\n"))) for text in texts]
    matching = _cues_found(indexed, units)
    runners = {command: {u.variant_of or u.name for u in units if command in u.commands} for command in commands}
    found = {u.name: _evidence(u, matching, runners) for u in units}
    scores = {name: sum(weight for weight, _ in cues) for name, cues in found.items()}
    order = sorted(units, key=lambda u: (-scores[u.name], u.variant_of is not None, u.name))
    ranked = {u.name: scores[u.name] for u in order}
    top = order[0]
    if scores[top.name] < MIN_SCORE:
        return Detection(scores=ranked)
    family = top.variant_of or top.name
    rival = next((u for u in order[1:] if (u.variant_of or u.name) != family), None)
    rival_score = scores[rival.name] if rival else 0
    top_score = scores[top.name]
    runner_up = order[1].name if len(order) > 1 else None
    if rival is not None and rival_score >= AMBIGUOUS_RATIO * top_score:
        return Detection(ambiguous=True, runner_up=rival.name, scores=ranked)
    return Detection(
        platform=top.name,
        confidence=round(top_score / (top_score + rival_score + PRIOR), 2),
        runner_up=runner_up,
        scores=ranked,
        reasons=[why for _, why in sorted(found[top.name], key=lambda c: -c[0])],
    )


CueKey = tuple[str, int]  # a cue's (regex, flags): cues of several units (IOS and IOS-XE) share one


def _cues_found(texts: list[tuple[str, FoldedLines]], units: list[Platform]) -> set[CueKey]:
    """The cues of the units found in any of the (text, its lines) pairs."""
    global _weighed_chars
    if _weighed_chars < SCAN_PAYBACK_CHARS:
        _weighed_chars += sum(len(text) for text, _ in texts)
        cues = {(c.regex, c.flags): c for u in units for c in u.cues}  # each compiled only if its literals are there
        return {key for key, cue in cues.items() if any(found_in(cue, *pair) for pair in texts)}
    key = tuple(map(id, units))  # a Platform holds dicts, so no hash: the scan kept with the units it is for
    if key not in _scans:
        _scans[key] = (units, PatternScan({(c.regex, c.flags): c for u in units for c in u.cues}))
    scan = _scans[key][1]
    return {cue for pair in texts for cue in scan.matching(*pair)}


_scans: dict[tuple[int, ...], tuple[list[Platform], PatternScan[CueKey]]] = {}


def _evidence(unit: Platform, matching: set[CueKey], runners: Mapping[str, set[str]]) -> list[tuple[int, str]]:
    """(weight, why) of every cue of ``unit`` that is ``matching``, and of the outputs whose command only its family
    runs (``runners``: command -> the families that run it)."""
    found = [(c.weight, c.why) for c in unit.cues if (c.regex, c.flags) in matching]
    family = unit.variant_of or unit.name
    found += [(COMMAND_WEIGHT, f"output of `{command}`") for command, ran in runners.items() if ran == {family}]
    return found

