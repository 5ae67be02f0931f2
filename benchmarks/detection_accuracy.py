"""Platform detection accuracy over folders of labelled cases, in every form configs arrive in.

    python -m benchmarks.detection_accuracy [ROOT ...]     (default: tests/corpus and tests/fixtures)

A case is a folder ``ROOT/<platform>/<case>/``: an evidence folder (``manifest.json`` + outputs), or one
``input*`` file (a saved config, a bundle of ``### command:`` outputs, a Markdown page). The label is the
``<platform>`` folder. Each case is detected raw, with banner and version lines removed, in CRLF inside a
Markdown fence with prose, and through captured-session noise; the script prints the accuracy of each form
and every miss with the detector's one-line reason. Never fails; the corpus test holds the bars.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from collectors.loader import load_evidence
from platforms import NAMES
from platforms.parsers.registry import detect
from platforms.registry import UNITS
from tests.detection_variants import variants

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOTS = (ROOT / "tests" / "corpus", ROOT / "tests" / "fixtures")


def case_outputs(case: Path) -> dict[str, str] | None:
    """The case's outputs (None when the folder holds no input)."""
    if (case / "manifest.json").exists():
        return load_evidence(case)
    inputs = sorted(p for p in case.iterdir() if p.is_file() and p.name.startswith("input"))
    return load_evidence(inputs[0]) if inputs else None


def _family(platform: str) -> str:
    """IOS-XE and classic IOS are one family (their syntax can be identical in a snippet)."""
    return UNITS[platform].variant_of or platform


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=list(DEFAULT_ROOTS))
    args = parser.parse_args()
    hits: dict[str, list[bool]] = {}
    family_hits: dict[str, list[bool]] = {}
    misses: list[str] = []
    for root in args.roots:
        for case in sorted(p for p in root.glob("*/*") if p.is_dir() and p.parent.name in NAMES):
            outputs = case_outputs(case)
            if outputs is None:
                continue
            label = case.parent.name
            for form, arrive in variants(label).items():
                found = detect(arrive(outputs))
                hits.setdefault(form, []).append(found.platform == label)
                family_hits.setdefault(form, []).append(
                    found.platform is not None and _family(found.platform) == _family(label)
                )
                if found.platform != label:
                    misses.append(f"{form:16} {label}/{case.name}: {found.summary()}")
    for form, results in hits.items():
        family = family_hits[form]
        print(
            f"{form:16} {sum(results)}/{len(results)} = {100 * sum(results) / len(results):.1f} %"
            f"   (a variant and its base as one: {100 * sum(family) / len(family):.1f} %)"
        )
    print(*misses, sep="\n")


if __name__ == "__main__":
    main()
