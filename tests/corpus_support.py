"""The corpus of real, public configs and their hand labels: loading, input variants, scoring.

Layout (shared by every platform): ``tests/corpus/<platform>/<case>/input.txt`` (the file as
published) and ``expected.yaml`` (provenance, kind, the facts and rule verdicts a senior engineer
wrote down by reading the input). All truth comes from ``expected.yaml``; this module only runs the
product the way a user does (``assess facts`` / ``assess audit``) and compares.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from netutils.interface import canonical_interface_name

CORPUS = Path(__file__).parent / "corpus"

ALLOWED_LICENCES = frozenset(
    {
        "MIT",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "Apache-2.0",
        "ISC",
        "CC0-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "Unlicense",
        "MPL-2.0",
        "GPL-2.0",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "GPL-3.0-or-later",
        "LGPL-2.1",
        "LGPL-3.0",
        "AGPL-3.0",
    }
)
KINDS = frozenset({"config", "show", "snippet", "markdown"})
FACT_FIELDS = (
    "hostname",
    "sip_alg",
    "voice_vlans",
    "voice_ports",
    "qos_trust_ports",
    "priority_classes",
    "ef_priority",
    "rtp_udp_ranges",
    "sip_ports_open",
    "udp_timeout_s",
)
INTERFACE_FIELDS = frozenset({"voice_ports", "qos_trust_ports"})
RULE_STATUSES = frozenset({"pass", "warn", "fail", "unknown", "n/a"})
# worst first: several outcomes of one rule on one device count as the worst of them
STATUS_SEVERITY = ("fail", "warn", "unknown", "pass", "n/a")
VARIANTS = ("raw", "no-banner", "markdown-crlf")

# Banner, version and header lines a consultant's copy often lacks (or that a device prints around
# the config): removing them must not change what platform the text is.
BANNER_LINES = re.compile(
    r"""^\s*(?:
        Building\ configuration.* | Current\ configuration\s*:.* | !\s*Last\ configuration\ change.* |
        !\s*NVRAM\ config\ last\ updated.* | !Command:.* | !Running\ configuration.* | !Time:.* |
        !\s*device:.* | version\ \S+;? | set\ version\ \S+ | \#\#\ Last\ (?:commit|changed):.* |
        ASA\ Version\ .* | :\ Saved.* | :\ Serial\ Number.* | :\ Hardware:.* |
        \#config-version=.* | \#conf_file_ver=.* | \#buildno=.* | \#global_vdom=.* |
        \#\ \w{3}/\d{1,2}/\d{4}\ [\d:]+\ by\ RouterOS.* | \#\ \d{4}-\d{2}-\d{2}\ [\d:]+\ by\ RouterOS.* |
        \#\ software\ id\ =.* | \#\ model\ =.* | \#\ serial\ number\ =.* |
        \#\s*(?:Version|Junos|JUNOS|Model|Hostname|version|installed-version|board-name|platform):.* |
        \#\ Generated\ by\ (?:iptables|ip6tables|xtables)-save.* | \#\ Completed\ on.* |
        \#!.* | <\?xml\ .*\?>
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Case:
    """One corpus file and its hand labels."""

    folder: Path
    label: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"

    @property
    def platform(self) -> str:
        return self.folder.parent.name

    @property
    def input_path(self) -> Path:
        return self.folder / "input.txt"

    def input_text(self) -> str:
        return self.input_path.read_bytes().decode("utf-8", errors="replace")

    def facts(self) -> dict[str, Any]:
        return dict(self.label.get("facts") or {})

    def rules(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.label.get("rules") or {}).items()}

    def detection_is_right(self, detected: str | None) -> bool:
        """Whether a detector's answer matches what a reader can tell from the text alone.

        A case's ``detection:`` label names, where the text cannot tell them apart, every platform it
        admits (``admits``) and whether refusing to guess is right (``ambiguous: true``), with the reason;
        without it only the labelled platform is right.
        """
        label = self.label.get("detection") or {}
        admits = set(label.get("admits") or ()) | {self.platform}
        if detected is None:
            return bool(label.get("ambiguous"))
        return detected in admits


def load_cases(root: Path = CORPUS) -> list[Case]:
    """Every case folder under ``root`` (one with an ``expected.yaml``)."""
    return [
        Case(folder=p.parent, label=yaml.safe_load(p.read_text(encoding="utf-8")) or {})
        for p in sorted(root.glob("*/*/expected.yaml"))
    ]


def provenance_problems(case: Case) -> list[str]:
    """What is missing or not allowed in a case's provenance and labels."""
    problems: list[str] = []
    source = case.label.get("source") or {}
    for key in ("repo", "path", "licence", "url"):
        if not str(source.get(key) or "").strip():
            problems.append(f"source.{key} missing")
    if "commit" not in source:
        problems.append("source.commit missing (40 hex digits or null)")
    elif source["commit"] is not None and not re.fullmatch(r"[0-9a-f]{40}", str(source["commit"])):
        problems.append(f"source.commit {source['commit']!r} is not 40 hex digits")
    if source.get("licence") and source["licence"] not in ALLOWED_LICENCES:
        problems.append(f"licence {source['licence']!r} does not allow redistribution here")
    if source.get("url") and not str(source["url"]).startswith("https://github.com/"):
        problems.append("source.url is not a https://github.com/ address")
    if case.label.get("kind") not in KINDS:
        problems.append(f"kind {case.label.get('kind')!r} not one of {sorted(KINDS)}")
    if case.label.get("platform") != case.platform:
        problems.append(f"platform {case.label.get('platform')!r} differs from the folder {case.platform!r}")
    if not case.input_path.is_file():
        problems.append("input.txt missing")
    unknown = set(case.facts()) - set(FACT_FIELDS)
    if unknown:
        problems.append(f"unknown fact fields {sorted(unknown)}")
    bad = {k: v for k, v in case.rules().items() if v not in RULE_STATUSES}
    if bad:
        problems.append(f"rule statuses not in {sorted(RULE_STATUSES)}: {bad}")
    if not str(case.label.get("notes") or "").strip():
        problems.append("notes missing")
    return problems


# ---------------------------------------------------------------- input variants


def without_banners(text: str) -> str:
    """The text with banner/version/header lines removed."""
    return "".join(line for line in text.splitlines(keepends=True) if not BANNER_LINES.match(line.rstrip("\r\n")))


def in_markdown(text: str) -> str:
    """The text as pasted into a Markdown note: prose, a fence, CRLF line endings."""
    body = text if text.endswith("\n") else text + "\n"
    wrapped = f"Here is the config the customer sent us:\n\n```\n{body}```\n\nPlease review before the cutover.\n"
    return wrapped.replace("\r\n", "\n").replace("\n", "\r\n")


VARIANT_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "raw": lambda text: text,
    "no-banner": without_banners,
    "markdown-crlf": in_markdown,
}


# ---------------------------------------------------------------- comparison


def canonical_port(name: str) -> str:
    """An interface name as netutils spells it, lower case (Gi0/1 == GigabitEthernet0/1)."""
    return canonical_interface_name(str(name)).lower()


def normalised(field_name: str, value: object) -> object:
    """A fact value in a form where equal meaning compares equal (lists as sets)."""
    if value is None or not isinstance(value, list | tuple):
        return value
    if field_name in INTERFACE_FIELDS:
        return frozenset(canonical_port(v) for v in value)
    if field_name == "rtp_udp_ranges":
        return frozenset((int(lo), int(hi)) for lo, hi in value)
    if field_name == "priority_classes":
        return frozenset(str(v).casefold() for v in value)
    return frozenset(value)


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of several outcomes of one rule."""
    seen = set(statuses)
    return next((s for s in STATUS_SEVERITY if s in seen), "n/a")


@dataclass
class Tally:
    """Agreements out of comparisons, with the disagreements spelled out."""

    agree: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.agree += ok
        if not ok:
            self.misses.append(miss)

    @property
    def pct(self) -> float:
        return 100.0 * self.agree / self.total if self.total else 100.0


@dataclass
class CorpusReport:
    """Every measure the corpus test judges, per variant, field, rule and platform."""

    detection: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    facts: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    facts_by_platform: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    rules: Tally = field(default_factory=Tally)
    rules_by_platform: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_critical_pass: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cases: int = 0
    seconds: float = 0.0

    def table(self) -> str:
        """The report as plain text (printed with -s and put in every assertion message)."""
        lines = [f"corpus: {self.cases} cases in {self.seconds:.1f} s"]
        lines += ["detection          agree/total   pct", *_rows(self.detection)]
        lines += ["facts (per field)  agree/total   pct", *_rows(self.facts)]
        lines += ["facts (per platform)", *_rows(self.facts_by_platform)]
        lines.append(f"rule verdicts      {self.rules.agree:>5}/{self.rules.total:<5} {self.rules.pct:6.1f}")
        lines += _rows(self.rules_by_platform)
        lines.append(f"false pass on a critical rule: {len(self.false_critical_pass)}")
        lines += [f"  {m}" for m in self.false_critical_pass]
        if self.errors:
            lines.append("errors:")
            lines += [f"  {e}" for e in self.errors]
        return "\n".join(lines)


def _rows(tallies: Mapping[str, Tally]) -> list[str]:
    return [f"  {name:<16} {t.agree:>5}/{t.total:<5} {t.pct:6.1f}" for name, t in sorted(tallies.items())]


def compare_facts(case: Case, got: Mapping[str, object] | None, report: CorpusReport, error: str = "") -> None:
    """Count each labelled fact field as agreeing or not."""
    for key, want in case.facts().items():
        have = None if got is None else got.get(key)
        ok = got is not None and normalised(key, have) == normalised(key, want)
        detail = f"{case.name}: {key} labelled {want!r}, tool {have!r}" + (f" ({error})" if error else "")
        report.facts[key].add(ok, detail)
        report.facts_by_platform[case.platform].add(ok, detail)


def compare_rules(
    case: Case, statuses: Mapping[str, list[str]], severities: Mapping[str, str], report: CorpusReport
) -> None:
    """Count each labelled rule verdict as agreeing or not; note false passes on critical rules."""
    for rule_id, want in case.rules().items():
        have = worst_status(statuses.get(rule_id, []))  # a rule that yields nothing does not apply: n/a
        detail = f"{case.name}: {rule_id} labelled {want}, tool {have}"
        report.rules.add(have == want, detail)
        report.rules_by_platform[case.platform].add(have == want, detail)
        if have == "pass" and want != "pass" and severities.get(rule_id) == "critical":
            report.false_critical_pass.append(detail)
