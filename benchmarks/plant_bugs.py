"""Plant each bug the suite once missed (issue #18) in a scratch copy and show which test catches it.

    python -m benchmarks.plant_bugs            # every bug
    python -m benchmarks.plant_bugs opus hmac  # only these

The checkout is never modified: the sources and tests are copied to a temporary directory, one
one-line bug is applied there, the catching tests run (non-lab, at most 60 s), the file is put
back. A bug counts as caught when pytest exits 1 (a test failed) within the time limit. The clean
copy is run first so a test that fails anyway cannot pass for a catch. Exit status 1 when a bug
survives or the clean run fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "wire", "platforms", "reflector", "collectors", "checks", "assess", "report_templates")
COPIED = (*PACKAGES, "tests", "samples", "pyproject.toml")
LIMIT_S = 60.0


@dataclass(frozen=True)
class Bug:
    """A one-line change of ``path`` (``old`` must occur exactly once) and the tests that catch it."""

    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = (
    Bug("gain-probe", "RFC 3550 gain /16 -> /8 in the probe's analysis", "collectors/probes/rtp_analysis.py",
        "j += (abs(d) - j) / 16.0", "j += (abs(d) - j) / 8.0",
        ("tests/test_jitter_truth.py::test_probe_series_equals_the_rfc_reference_step_by_step",)),
    Bug("gain-reflector", "RFC 3550 gain /16 -> /8 in the reflector", "reflector/session.py",
        "self.jitter_us += (abs(d) - self.jitter_us) / 16.0", "self.jitter_us += (abs(d) - self.jitter_us) / 8.0",
        ("tests/test_jitter_truth.py::test_reflector_jitter_series_equals_the_rfc_reference",)),
    Bug("opus", "Opus Bpl 20 -> 10 in the E-model", "core/emodel.py",
        "bpl=20.0,", "bpl=10.0,",
        ("tests/test_core_truth.py::test_codec_impairments_are_the_published_ones",)),
    # Since the layer move the queue and the ef_priority fact share core/voice_qos.ef_queue: one line, two bugs
    Bug("ef-queue", "EF dropped from the priority queue VQ202/VQ203 size", "core/voice_qos.py",
        "if qc.cls.priority and is_media(qc.matches):", "if qc.cls.priority:",
        ("tests/test_core_truth.py::test_ef_queue_is_the_priority_class_that_matches_ef",
         "tests/test_core_truth.py::test_ef_outside_any_priority_class_has_no_ef_queue")),
    Bug("ef-fact", "EF dropped from the ef_priority fact (any priority class counts)", "core/voice_qos.py",
        "if qc.cls.priority and is_media(qc.matches):", "if qc.cls.priority:",
        ("tests/test_core_truth.py::test_ef_outside_any_priority_class_has_no_ef_queue",)),
    Bug("no-go-edge", "NO-GO boundary < -> <=", "assess/scoring.py",
        "if raw < cfg.no_go_below:", "if raw <= cfg.no_go_below:",
        ("tests/test_core_truth.py::test_score_exactly_at_no_go_below_is_not_no_go",)),
    Bug("nat-filtering", "NAT filtering classes swapped", "collectors/probes/nat_behaviour.py",
        '((True, "endpoint-independent"), (False, "address-dependent"))',
        '((True, "address-dependent"), (False, "endpoint-independent"))',
        ("tests/test_nat_classes_loopback.py::test_each_mapping_and_filtering_class_is_named_as_built",)),
    Bug("nat-mapping", "NAT mapping classes swapped", "collectors/probes/nat_behaviour.py",
        'return "address-dependent" if third.mapped == second.mapped else "address-and-port-dependent"',
        'return "address-and-port-dependent" if third.mapped == second.mapped else "address-dependent"',
        ("tests/test_nat_classes_loopback.py::test_each_mapping_and_filtering_class_is_named_as_built",)),
    Bug("hmac", "reflector HMAC compared on its first byte only", "wire/reflector_protocol.py",
        "if not hmac.compare_digest(tag(key, body, length), got):",
        "if not hmac.compare_digest(tag(key, body, length)[:1], got[:1]):",
        ("tests/test_core_truth.py::test_a_tag_wrong_in_any_single_byte_is_refused",)),
)  # fmt: skip


@dataclass
class Outcome:
    bug: Bug
    exit_code: int | None
    seconds: float

    @property
    def caught(self) -> bool:
        return self.exit_code == 1 and self.seconds < LIMIT_S


def scratch_copy(into: Path) -> None:
    """The sources and tests the bugs and their tests need (no caches, no mutmut tree)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, into / name, ignore=ignore)
        else:
            shutil.copy2(src, into / name)


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int | None, float]:
    """pytest exit code (None on timeout) and wall seconds for ``tests`` in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not lab", *tests]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start
    return done.returncode, time.monotonic() - start


def plant(tree: Path, bug: Bug) -> Outcome:
    path = tree / bug.path
    original = path.read_text(encoding="utf-8")
    if original.count(bug.old) != 1:
        raise SystemExit(f"plant_bugs: {bug.name}: the line to change is not in {bug.path} exactly once")
    path.write_text(original.replace(bug.old, bug.new), encoding="utf-8")
    try:
        code, seconds = run_tests(tree, bug.tests)
    finally:
        path.write_text(original, encoding="utf-8")
    return Outcome(bug, code, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"bugs to plant (default all): {', '.join(b.name for b in BUGS)}")
    args = parser.parse_args(argv)
    bugs = [b for b in BUGS if not args.names or b.name in args.names]
    with tempfile.TemporaryDirectory(prefix="assess-plant-") as tmp:
        tree = Path(tmp)
        scratch_copy(tree)
        all_tests = tuple(dict.fromkeys(t for b in bugs for t in b.tests))
        clean, seconds = run_tests(tree, all_tests)
        print(f"clean copy: catching tests exit {clean} in {seconds:.1f} s")
        if clean != 0:
            return 1
        outcomes = [plant(tree, b) for b in bugs]
    print("| bug | planted in | caught | seconds | by |\n|---|---|---|---|---|")
    for o in outcomes:
        verdict = "yes" if o.caught else f"NO (exit {o.exit_code})"
        print(f"| {o.bug.what} | `{o.bug.path}` | {verdict} | {o.seconds:.1f} | {', '.join(o.bug.tests)} |")
    return 0 if all(o.caught for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
