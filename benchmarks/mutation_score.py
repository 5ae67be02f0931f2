"""Mutation score per module from a finished `mutmut run` (the `mutants/` tree), and the survivors.

    python -m benchmarks.mutation_score              # table of modules (./dev mutate prints it)
    python -m benchmarks.mutation_score --survivors  # also every surviving mutant's name
    python -m benchmarks.mutation_score --diffs      # ... with the line it changes (via `mutmut show`)

Killed = a test failed, timed out or the mutant crashed the run; survived = every covering test
passed; "no tests" = no selected test even calls the function (counted as surviving: nothing
would notice the change). Score = killed / (killed + survived + no tests); mutants mutmut did not
check are listed apart and left out of the score.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

MUTANTS = Path("mutants")
BAR_PCT = 90.0
KILLED = {1, 3, 36, 37, 24, -24, 152, 255, -9, -11}  # mutmut's exit codes for killed/timeout/crash
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class ModuleScore:
    module: str
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    unchecked: int = 0

    @property
    def judged(self) -> int:
        return self.killed + len(self.survived) + len(self.no_tests)

    @property
    def score_pct(self) -> float | None:
        return 100.0 * self.killed / self.judged if self.judged else None


def module_scores(root: Path = MUTANTS) -> list[ModuleScore]:
    """One score per mutated source file, from mutmut's ``*.py.meta`` result files."""
    out = []
    for meta in sorted(root.rglob("*.py.meta")):
        source = meta.relative_to(root).as_posix().removesuffix(".meta")
        score = ModuleScore(source)
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            if code in KILLED:
                score.killed += 1
            elif code in SURVIVED:
                score.survived.append(name)
            elif code in NO_TESTS:
                score.no_tests.append(name)
            else:
                score.unchecked += 1
        out.append(score)
    return out


def table(scores: list[ModuleScore]) -> str:
    lines = ["| module | mutants | killed | survived | no tests | score |", "|---|---:|---:|---:|---:|---:|"]
    for s in scores:
        pct = "n/a" if s.score_pct is None else f"{s.score_pct:.1f} %"
        lines.append(f"| {s.module} | {s.judged} | {s.killed} | {len(s.survived)} | {len(s.no_tests)} | {pct} |")
    killed, judged = sum(s.killed for s in scores), sum(s.judged for s in scores)
    if judged:
        lines.append(f"| **all** | {judged} | {killed} | | | {100.0 * killed / judged:.1f} % |")
    return "\n".join(lines)


def changed_line(name: str) -> str:
    """The original and mutated line of a mutant, from `mutmut show`."""
    shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], capture_output=True, text=True).stdout
    lines = [ln[1:].strip() for ln in shown.splitlines() if ln[:1] in "-+" and ln[:3] not in ("---", "+++")]
    return "  =>  ".join(lines[:2]) if lines else "(no diff shown)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list every surviving mutant")
    parser.add_argument("--diffs", action="store_true", help="list every surviving mutant with its change")
    args = parser.parse_args(argv)
    scores = module_scores()
    if not scores:
        print("mutation_score: no mutmut results under mutants/ (run ./dev mutate)", file=sys.stderr)
        return 2
    print(table(scores))
    unchecked = sum(s.unchecked for s in scores)
    if unchecked:
        print(f"\n{unchecked} mutants not checked (run interrupted?): not in the score")
    below = [s.module for s in scores if s.score_pct is not None and s.score_pct < BAR_PCT]
    print(f"\nbelow the {BAR_PCT:.0f} % bar: {', '.join(below) or 'none'}")
    if args.survivors or args.diffs:
        for s in scores:
            for name in [*s.survived, *s.no_tests]:
                print(f"{name}: {changed_line(name)}" if args.diffs else name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
