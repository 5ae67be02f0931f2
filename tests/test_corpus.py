"""Audit truth on real, public configs: detection, facts and rule verdicts against hand labels.

Every case under ``tests/corpus/<platform>/<case>/`` is a file published by someone else (vendor
fixtures, lab designs, configs pasted in Markdown) with ``expected.yaml`` written by a person who
read it. The product runs here exactly as ``assess facts`` / ``assess audit`` run it. Run with ``-s``
to see the table; every failing bar repeats it in the assertion message.

Bars (issue 11): detection >= 98 % for each input variant, facts >= 95 % for each field, rule
verdict agreement >= 95 %, and no false "pass" on a critical rule.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pytest

from assess.commands.device_cmds import audit_findings, load_facts
from core.errors import UserError
from tests.corpus_support import (
    FACT_FIELDS,
    VARIANT_TRANSFORMS,
    VARIANTS,
    Case,
    CorpusReport,
    compare_facts,
    compare_rules,
    load_cases,
    provenance_problems,
)

DETECTION_BAR = 98.0
FACTS_BAR = 95.0
RULES_BAR = 95.0
MAX_SECONDS = 60.0

CASES = load_cases()


def detected_platform(outputs: Mapping[str, str]) -> str | None:
    """The detector's answer, whatever shape it returns (the one place to adapt when its API changes)."""
    from platforms.parsers import registry

    result = registry.detect_platform(outputs)
    if result is None or isinstance(result, str):
        return result
    return getattr(result, "platform", None)


def _detect_variant(case: Case, variant: str, folder: Path, report: CorpusReport) -> None:
    from collectors.loader import load_evidence

    path = folder / f"{case.platform}-{case.folder.name}-{variant}.txt"
    path.write_bytes(VARIANT_TRANSFORMS[variant](case.input_text()).encode("utf-8"))
    try:
        got = detected_platform(load_evidence(path))
        right = case.detection_is_right(got)
    except (UserError, ValueError) as exc:
        got = f"error: {exc}"
        right = case.detection_is_right(None) and "--platform" in str(exc)  # an ambiguous paste, refused
    report.detection[variant].add(right, f"{case.name}: detected {got!r}")


def _facts_and_rules(case: Case, report: CorpusReport) -> None:
    try:
        facts = load_facts(case.input_path, case.platform)
    except Exception as exc:  # a parser crash is a result to count, not a harness failure
        report.errors.append(f"{case.name}: {type(exc).__name__}: {exc}")
        compare_facts(case, None, report, error=type(exc).__name__)
        compare_rules(case, {}, {}, report)
        return
    compare_facts(case, facts.model_dump(mode="json"), report)
    statuses: dict[str, list[str]] = defaultdict(list)
    severities: dict[str, str] = {}
    for finding in audit_findings(facts, facts.hostname or case.folder.name):
        statuses[finding.id].append(finding.status.value)
        severities[finding.id] = finding.severity.value
    compare_rules(case, statuses, severities, report)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> CorpusReport:
    folder = tmp_path_factory.mktemp("corpus-variants")
    result = CorpusReport(cases=len(CASES))
    started = time.perf_counter()
    for case in CASES:
        for variant in VARIANTS:
            _detect_variant(case, variant, folder, result)
        _facts_and_rules(case, result)
    result.seconds = time.perf_counter() - started
    print("\n" + result.table())
    return result


def _failure(report: CorpusReport, headline: str, misses: list[str]) -> str:
    return f"{headline}\n{report.table()}\n--- disagreements ---\n" + "\n".join(misses)


def test_corpus_is_not_empty_and_every_case_has_provenance() -> None:
    assert CASES, "no corpus cases found under tests/corpus/"
    problems = [f"{c.name}: {p}" for c in CASES for p in provenance_problems(c)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("variant", VARIANTS)
def test_platform_detection_on_every_variant(report: CorpusReport, variant: str) -> None:
    tally = report.detection[variant]
    assert tally.pct >= DETECTION_BAR, _failure(
        report, f"detection on {variant}: {tally.pct:.1f} % < {DETECTION_BAR}", tally.misses
    )


@pytest.mark.parametrize("field_name", FACT_FIELDS)
def test_facts_agree_with_hand_labels(report: CorpusReport, field_name: str) -> None:
    tally = report.facts[field_name]
    assert tally.pct >= FACTS_BAR, _failure(
        report, f"facts {field_name}: {tally.pct:.1f} % < {FACTS_BAR}", tally.misses
    )


def test_rule_verdicts_agree_with_hand_labels(report: CorpusReport) -> None:
    assert report.rules.pct >= RULES_BAR, _failure(
        report, f"rule verdicts {report.rules.pct:.1f} % < {RULES_BAR}", report.rules.misses
    )


def test_no_false_pass_on_a_critical_rule(report: CorpusReport) -> None:
    assert not report.false_critical_pass, _failure(
        report, "a critical rule passed where the label says otherwise", report.false_critical_pass
    )


def test_corpus_runs_fast(report: CorpusReport) -> None:
    assert report.seconds < MAX_SECONDS, _failure(report, f"corpus took {report.seconds:.1f} s", [])
