"""Fuzz every platform parser and the platform detector with generated inputs; report crashes.

    python -m benchmarks.fuzz_parsers [--count 100000] [--workers 2] [--seed 1]

Inputs are mutated windows of the recorded outputs in ``tests/fixtures/<platform>/``
(lines dropped, duplicated, swapped, truncated, numbers made huge or negative, bytes
flipped, random binary) plus whole random outputs. A parser may reject an input only
with ``UserError`` (one clear line for the user) naming one of its known reasons
(tests/parser_refusals.py: binary, empty, the format gone); any other exception is a
crash, a refusal for another reason is a wrong refusal, and facts for outputs that are
all binary are junk accepted. Each is printed with the input that caused it. Never
asserts a time; prints counts and rate.
"""

from __future__ import annotations

import argparse
import random
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from collectors.evidence import read_outputs
from core.errors import UserError
from platforms.parsers.registry import detect_platform, parse_device
from tests.parser_refusals import known_refusal

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
Case = tuple[str, dict[str, str]]


def load_cases() -> list[Case]:
    """(platform, outputs) of every recorded fixture."""
    return [(p.parent.parent.name, read_outputs(p.parent)) for p in sorted(FIXTURES.glob("*/*/expected_facts.json"))]


def _huge_numbers(line: str, rnd: random.Random) -> str:
    words = line.split(" ")
    for i, word in enumerate(words):
        if word.isdigit() and rnd.random() < 0.5:
            words[i] = rnd.choice(["99999999999999999999", "-1", "0", "4095", "65536", "1e309", "NaN"])
    return " ".join(words)


def _flip_bytes(line: str, rnd: random.Random) -> str:
    chars = list(line)
    for _ in range(rnd.randint(1, 3)):
        if chars:
            chars[rnd.randrange(len(chars))] = chr(rnd.choice([0, 0xFFFD, rnd.randint(1, 0x2FFF)]))
    return "".join(chars)


LineOp = Callable[[list[str], random.Random], list[str]]


def _drop(lines: list[str], rnd: random.Random) -> list[str]:
    return [x for x in lines if rnd.random() > 0.3]


def _duplicate(lines: list[str], rnd: random.Random) -> list[str]:
    return [y for x in lines for y in ([x, x] if rnd.random() < 0.2 else [x])]


def _shuffle(lines: list[str], rnd: random.Random) -> list[str]:
    out = lines[:]
    rnd.shuffle(out)
    return out


def _truncate(lines: list[str], rnd: random.Random) -> list[str]:
    if not lines:
        return lines
    cut = rnd.randrange(len(lines))
    return [*lines[:cut], lines[cut][: rnd.randrange(len(lines[cut]) + 1)]]


def _numbers(lines: list[str], rnd: random.Random) -> list[str]:
    return [_huge_numbers(x, rnd) for x in lines]


def _bytes(lines: list[str], rnd: random.Random) -> list[str]:
    return [_flip_bytes(x, rnd) if rnd.random() < 0.2 else x for x in lines]


def _indent(lines: list[str], rnd: random.Random) -> list[str]:
    return [(" " * rnd.randint(0, 4)) + x.lstrip() if rnd.random() < 0.3 else x for x in lines]


OPS: tuple[LineOp, ...] = (_drop, _duplicate, _shuffle, _truncate, _numbers, _bytes, _indent)


def mutate(outputs: dict[str, str], rnd: random.Random) -> dict[str, str]:
    """A mutated copy of one device's outputs: a window of each output, 1-3 operations applied."""
    mutated: dict[str, str] = {}
    for command, text in outputs.items():
        if rnd.random() < 0.03:
            mutated[command] = rnd.randbytes(rnd.randint(0, 400)).decode("latin-1")
            continue
        lines = text.splitlines()
        start = rnd.randrange(len(lines) + 1)
        window = lines[start : start + rnd.randint(0, 80)] if rnd.random() < 0.85 else lines
        for op in rnd.sample(OPS, rnd.randint(1, 3)):
            window = op(window, rnd)
        mutated[command] = "\n".join(window)
    return mutated


@dataclass
class Tally:
    """Outcome counts of one worker."""

    inputs: int = 0
    rejected: int = 0
    crashes: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # refused for an unknown reason, or binary accepted


def fuzz(seed: int, count: int) -> Tally:
    """Run ``count`` generated inputs through the parsers and the detector."""
    rnd = random.Random(seed)
    cases = load_cases()
    tally = Tally()
    for _ in range(count):
        platform, outputs = rnd.choice(cases)
        sample = mutate(outputs, rnd)
        tally.inputs += 1
        try:
            detect_platform(sample)
            parse_device(platform, sample)
            if sample and all("\x00" in text for text in sample.values()) and len(tally.wrong) < 20:
                tally.wrong.append(f"{platform}: binary outputs accepted\ninput: {sample!r:.600}")
        except UserError as exc:
            tally.rejected += 1
            if not known_refusal(platform, str(exc)) and len(tally.wrong) < 20:
                tally.wrong.append(f"{platform}: refused for an unknown reason: {exc}\ninput: {sample!r:.600}")
        except Exception:  # the point of the fuzzer: anything but UserError is a crash
            if len(tally.crashes) < 20:
                tally.crashes.append(f"{platform}: {traceback.format_exc(limit=3)}\ninput: {sample!r:.600}")
    return tally


def main() -> None:
    """Run the fuzzer in parallel workers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    share = -(-args.count // args.workers)
    started = time.monotonic()
    with ProcessPoolExecutor(args.workers) as pool:
        tallies = list(pool.map(fuzz, range(args.seed, args.seed + args.workers), [share] * args.workers))
    elapsed = time.monotonic() - started
    total = sum(t.inputs for t in tallies)
    crashes = [c for t in tallies for c in t.crashes]
    wrong = [w for t in tallies for w in t.wrong]
    for report in [*crashes, *wrong]:
        print(report, end="\n\n")
    print(
        f"parser fuzz: {total} inputs over {len(load_cases())} fixtures, "
        f"{sum(t.rejected for t in tallies)} rejected with a clear error, {len(crashes)} crashes, "
        f"{len(wrong)} wrong refusals or junk accepted, "
        f"{elapsed:.0f} s ({total / elapsed:.0f} inputs/s, {args.workers} workers)"
    )
    raise SystemExit(1 if crashes or wrong else 0)


if __name__ == "__main__":
    main()
