"""Fuzz every file reader: plans, evidence folders, configs, captures and results.json.

    python -m benchmarks.fuzz_readers [--count 20000] [--seed 1] [--only plan,capture]

Each input is a mutation of a real one (the sample plan, the recorded fixtures, a generated VoIP
capture, a real results.json), plus hostile names (``..``, separators, NUL, absolute paths,
symbolic links out of the folder) and deep nesting. Each goes through what the CLI calls for it;
a reader may accept the input or reject it with ``UserError`` (one line for the user); anything
else is a traceback. Every run works in a sandbox: ``in/`` for inputs, ``out/`` for the output
root; any file that appears elsewhere in the sandbox is a write outside the output root.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path

from assess.survey import SurveyOptions, write_reports
from benchmarks.fuzz_parsers import load_cases, mutate
from collectors.base import CollectOptions, DeviceJob
from collectors.offline import OfflineCollector
from core.errors import UserError
from core.models.common import Verdict
from core.models.site import SiteResult
from core.plan import Device, load_plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PLAN = ROOT / "samples" / "plan.yaml"
FIXTURES = ROOT / "tests" / "fixtures"
HOSTILE = ["..", ".", "../../escaped", "/tmp/escaped", "a/b", "a\\b", "a\x00b", "", "~", "x" * 300, "C:\\x"]
Reader = Callable[[Path, random.Random], None]


@dataclass
class ReaderTally:
    """Figures of one reader."""

    inputs: int = 0
    accepted: int = 0
    rejected: int = 0
    tracebacks: list[str] = field(default_factory=list)
    outside_writes: list[str] = field(default_factory=list)


def _flip(data: bytes, rnd: random.Random, flips: int = 4) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, flips)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def _text_mutation(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    kind = rnd.randrange(6)
    if kind == 0:
        return "\n".join(x for x in lines if rnd.random() > 0.2)
    if kind == 1:
        i = rnd.randrange(len(lines))
        return "\n".join(lines[:i])
    if kind == 2:
        return _flip(text.encode(), rnd, 8).decode("utf-8", "replace")
    if kind == 3:
        depth = rnd.choice([50, 500, 5000])
        return text + f"\nextra: {'[' * depth}{']' * depth}\n"
    if kind == 4:
        return "\n".join(rnd.choice(lines) for _ in lines)
    return text


# -- readers -------------------------------------------------------------------------------------
def fuzz_plan(box: Path, rnd: random.Random) -> None:
    """A mutated sample plan (names made hostile), loaded; if valid, its sites' results are written."""
    text = SAMPLE_PLAN.read_text()
    for word in ("hq", "hq-sw1", "branch", "wan1", "br-fw1"):
        if rnd.random() < 0.3:
            text = text.replace(f"name: {word}\n", f"name: {json.dumps(rnd.choice(HOSTILE))}\n", 1)
    path = box / "in" / "plan.yaml"
    path.write_text(_text_mutation(text, rnd), errors="surrogateescape")
    plan = load_plan(path)
    results = [SiteResult(site=s.name, score=50, verdict=Verdict.CONDITIONAL) for s in plan.sites]
    write_reports(plan, results, SurveyOptions(out_dir=box / "out", formats=("json",)), lambda _: None)


def fuzz_evidence(box: Path, rnd: random.Random) -> None:
    """A recorded device folder with a mutated manifest (hostile file names, symlinks out), collected offline."""
    case = rnd.choice(sorted(FIXTURES.glob("*/*/manifest.json"))).parent
    device = box / "in" / "ev" / "site" / "dev"
    shutil.copytree(case, device)
    (box / "in" / "outside-secret.txt").write_text("enable secret 0 OutsideSecret")
    manifest = json.loads((device / "manifest.json").read_text())
    for rec in manifest.get("commands", []):
        if rnd.random() < 0.5:
            rec["file"] = rnd.choice([*HOSTILE, "../../outside-secret.txt", "../../../in/outside-secret.txt"])
    text = json.dumps(manifest)
    if rnd.random() < 0.2:
        text = _flip(text.encode(), rnd).decode("utf-8", "replace")
    (device / "manifest.json").write_text(text)
    if rnd.random() < 0.3:
        target = next(iter(device.glob("*.txt")), device / "x.txt")
        target.unlink(missing_ok=True)
        target.symlink_to(box / "in" / "outside-secret.txt")
    job = DeviceJob("site", Device(name="dev"), "", (), box / "out" / "evidence" / "site" / "dev", None, 10.0,
                    CollectOptions())
    result = OfflineCollector(box / "in" / "ev").collect(job, lambda _event: None)
    if any("OutsideSecret" in text for text in result.outputs.values()):
        raise AssertionError("a file outside the device folder was read")
    if not result.ok:
        raise UserError(result.reason)  # "not assessed" with a reason: the refusal a user sees


def fuzz_config(box: Path, rnd: random.Random) -> None:
    """Mutated recorded outputs as a bundle file, through `assess facts`/`audit`'s loader and rules."""
    from assess.commands.device_cmds import audit_findings, load_facts

    platform, outputs = rnd.choice(load_cases())
    mutated = mutate(outputs, rnd)
    path = box / "in" / "config.txt"
    path.write_text("\n".join(f"### command: {c}\n{t}" for c, t in mutated.items()), errors="surrogateescape")
    facts = load_facts(path, platform if rnd.random() < 0.5 else None)
    audit_findings(facts, "dev")


_CAPTURES: dict[str, bytes] = {}


def _captures() -> dict[str, bytes]:
    if not _CAPTURES:
        from tests.pcapgen import sample_call_frames, write_capture

        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("pcap", "pcapng"):
                path = write_capture(Path(tmp) / f"c.{fmt}", sample_call_frames()[:400], fmt=fmt)
                _CAPTURES[fmt] = path.read_bytes()
    return _CAPTURES


def fuzz_capture(box: Path, rnd: random.Random) -> None:
    """A generated VoIP capture, truncated, flipped or with random 32-bit fields, analysed."""
    from collectors.pcap.analyse import analyse_capture

    data = bytearray(_captures()[rnd.choice(["pcap", "pcapng"])])
    kind = rnd.randrange(4)
    if kind == 0:
        data = data[: rnd.randint(0, len(data))]
    elif kind == 1:
        data = bytearray(_flip(bytes(data), rnd, 16))
    elif kind == 2:
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randrange(0, max(len(data) - 4, 1)) & ~3
            value = rnd.choice([0, 1, 12, 0xFFFFFFFF, 0x7FFFFFFF, rnd.getrandbits(32)])
            data[at : at + 4] = value.to_bytes(4, "little")
    else:
        data = bytearray(rnd.randbytes(rnd.randint(0, 4096)))
    path = box / "in" / "capture.pcap"
    path.write_bytes(bytes(data))
    analyse_capture(path, chunk_bytes=rnd.choice([512, 4096, 1 << 20]))


_RESULTS: dict[str, str] = {}


def _result_json() -> str:
    if not _RESULTS:
        real = ROOT / "out" / "demo" / "hq" / "results.json"
        site = SiteResult(site="hq", score=72, verdict=Verdict.CONDITIONAL)
        _RESULTS["hq"] = real.read_text() if real.is_file() else site.model_dump_json()
    return _RESULTS["hq"]


def fuzz_results(box: Path, rnd: random.Random) -> None:
    """A results.json with a hostile site name or mutated JSON, re-rendered by `assess report` (json)."""
    from assess.commands.report_cmd import report
    from assess.commands.report_format import ReportFormat

    data = json.loads(_result_json())
    kind = rnd.randrange(4)
    if kind == 0:
        data["site"] = rnd.choice(HOSTILE)
    elif kind == 1:
        data[rnd.choice(list(data))] = rnd.choice([None, -1, 1e308, "x", [], {}, "../.."])
    elif kind == 2:
        data["findings"] = json.loads("[" * 200 + "]" * 200)
    text = json.dumps(data)
    if kind == 3:
        text = _flip(text.encode(), rnd, 8).decode("utf-8", "replace")
    folder = box / "in" / "results" / "hq"
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(text, errors="surrogateescape")
    with redirect_stderr(io.StringIO()):  # its "wrote ..." lines
        report(box / "in" / "results", [ReportFormat.JSON], None, box / "out", None, None, None)


READERS: dict[str, Reader] = {
    "plan": fuzz_plan,
    "evidence": fuzz_evidence,
    "config": fuzz_config,
    "capture": fuzz_capture,
    "results": fuzz_results,
}


def _outside(box: Path) -> list[str]:
    allowed = (box / "in", box / "out")
    return [str(p) for p in box.rglob("*") if not any(p == a or a in p.parents for a in allowed)]


def fuzz(reader: str, count: int, seed: int) -> ReaderTally:
    """Run ``count`` inputs through one reader in a fresh sandbox each."""
    rnd = random.Random(seed)
    tally = ReaderTally()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{reader}-") as tmp:
        for _ in range(count):
            box = Path(tmp) / "box"
            (box / "in").mkdir(parents=True)
            (box / "out").mkdir()
            tally.inputs += 1
            try:
                READERS[reader](box, rnd)
                tally.accepted += 1
            except UserError:
                tally.rejected += 1
            except Exception:
                tally.tracebacks.append(traceback.format_exc())
            tally.outside_writes += _outside(box)
            shutil.rmtree(box)
    return tally


def main() -> None:
    """Fuzz the readers and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000, help="inputs per reader")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(READERS), help="comma-separated readers")
    args = parser.parse_args()
    bad = False
    for name in args.only.split(","):
        started = time.monotonic()
        tally = fuzz(name, args.count, args.seed)
        for trace in tally.tracebacks[:3]:
            print(trace)
        print(
            f"{name:9} {tally.inputs:7} inputs  {tally.accepted:7} accepted  {tally.rejected:7} rejected  "
            f"{len(tally.tracebacks):4} tracebacks  {len(tally.outside_writes):4} writes outside  "
            f"{time.monotonic() - started:6.0f} s"
        )
        bad = bad or bool(tally.tracebacks or tally.outside_writes)
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
