"""What a consultant meets following README.md: its links and paths, the Quick start, the first screens.

Each test is one thing found by following the README on a fresh clone.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assess.cli import app

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "samples"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# a path in backticks that starts at a folder of this repository, e.g. `core/emodel.py` or `deploy/`
TOP_DIRS = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("."))
REPO_PATH = re.compile(rf"`((?:{'|'.join(map(re.escape, TOP_DIRS))})/[\w./-]*)`")
# paths the docs name on purpose though they are not files: (doc, path) -> why
NOT_FILES = {
    ("mutation.md", "assess/emodel.py"): "history: the module's path when that mutation run was made",
    ("mutation.md", "collectors/redact.py"): "history: the module's path when that mutation run was made",
    ("reflector-protocol.md", "reflector/nat_handlers.py"): "an example name for a module to write",
}
runner = CliRunner()


def _exists(text_path: str, doc: Path) -> bool:
    path = text_path.split("#")[0]
    candidates = [doc.parent / path, ROOT / path, ROOT / f"{path}.py"]  # `checks/qos`: a module by its path
    # `core/voice_qos.ef_queue`: a function named by its module's path
    module, _, _function = path.rpartition(".")
    candidates.append(ROOT / f"{module}.py")
    return any(c.exists() for c in candidates)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_and_repository_path_in_the_docs_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    links = [u for u in MARKDOWN_LINK.findall(text) if not re.match(r"[a-z]+:|#", u)]
    paths = [p for p in REPO_PATH.findall(text) if (doc.name, p) not in NOT_FILES]
    missing = sorted({p for p in [*links, *paths] if not _exists(p, doc)})
    assert missing == []


def test_the_readme_points_at_no_file_outside_the_repository() -> None:
    # README named `../shared/CONTRACT.md`, which a clone of the repository does not have
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    outside = [p for p in re.findall(r"`([^`\s]+\.md)`", text) if not (ROOT / p).resolve().is_relative_to(ROOT)]
    assert outside == []


def test_quick_start_exports_the_password_variable_the_init_template_names(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    exported = set(re.findall(r"export (\w+)=", quick_start))
    plan = tmp_path / "plan.yaml"
    assert runner.invoke(app, ["init", str(plan)]).exit_code == 0
    named = {d["credentials"].get("password_env") for s in yaml.safe_load(plan.read_text())["sites"]
             for d in s["devices"]}
    assert exported and exported <= named, (exported, named)


def test_facts_table_reads_as_words_not_python_values() -> None:
    run = runner.invoke(app, ["facts", str(SAMPLES / "evidence" / "warehouse" / "wh-rtr1")])
    assert run.exit_code == 0, run.output
    for python_value in ("None", "True", "False", "[]", "[("):
        assert python_value not in run.stdout
    # samples/evidence/hq/hq-rtr1/show_running-config.txt: "permit udp 203.0.113.0 0.0.0.255 ... range 10000 20000"
    hq = runner.invoke(app, ["facts", str(SAMPLES / "evidence" / "hq" / "hq-rtr1")])
    assert re.search(r"RTP UDP ranges permitted\s*│\s*10000-20000\s", hq.stdout), hq.stdout


def test_survey_says_on_the_terminal_why_a_device_was_not_assessed(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    shutil.rmtree(evidence / "hq" / "hq-sw1")
    out = tmp_path / "out"
    run = runner.invoke(app, ["survey", str(SAMPLES / "plan.yaml"), "--offline", str(evidence), "--out", str(out),
                              "--format", "json"])
    assert run.exit_code == 0, run.output
    unwrapped = run.stderr.replace("\n", "")  # the terminal's width (fixed by an earlier test) wraps the path
    assert re.search(r"hq: not assessed: device hq-sw1: no saved evidence at \S*hq-sw1", unwrapped), run.stderr
    # offline, the way to finish is to save the outputs, not --resume (which re-collects nothing from a folder)
    (gap,) = yaml.safe_load((out / "hq" / "results.json").read_text(encoding="utf-8"))["not_assessed"]
    assert gap["to_finish"] == f"save hq-sw1's outputs in {evidence / 'hq' / 'hq-sw1'}, then run the survey again"


def test_pcap_table_shows_every_figure_whole_on_80_columns(tmp_path: Path) -> None:
    from tests.pcapgen import sample_call_frames, write_capture

    capture = write_capture(tmp_path / "call.pcap", sample_call_frames())
    env = {"COLUMNS": "80"}
    figures = runner.invoke(app, ["pcap", str(capture), "--json"], env=env)
    table = runner.invoke(app, ["pcap", str(capture)], env=env)
    assert figures.exit_code == 0 and table.exit_code == 0, table.output
    assert "…" not in table.stderr  # before: "0xa…", "127…", "4.…" in every row
    for stream in yaml.safe_load(figures.stdout)["streams"]:
        # each stream's MOS and jitter as printed (2 and 3 decimals), and its addresses, whole
        assert f"{stream['mos']:.2f}" in table.stderr and f"{stream['jitter_ms']:.3f}" in table.stderr
        assert stream["src"] in table.stderr and stream["dst"] in table.stderr


def test_probe_summary_reads_as_words_not_python_values() -> None:
    # `assess probe nat` printed "hairpinning None", `probe sip-alg` "SIP ALG detected False": no echo here (nothing
    # listens on these loopback ports), so the probe measures nothing and says so
    from tests.traversal_servers import free_port_pair_tcp_udp

    port, alt = free_port_pair_tcp_udp()
    run = runner.invoke(app, ["probe", "sip-alg", f"127.0.0.1:{port}", "--alt-port", str(alt), "--timeout", "0.5"])
    assert run.exit_code == 1, run.output
    assert re.search(r"^SIP ALG detected\s+not measured$", run.stdout, re.MULTILINE), run.stdout
    for python_value in ("None", "True", "False"):
        assert python_value not in run.stdout


def test_readme_gives_the_sample_pilot_store_its_recorded_length() -> None:
    # README said "a one-hour store"; samples/monitor/README.md says 14 minutes. Read the store with sqlite itself.
    import sqlite3

    with sqlite3.connect(f"file:{SAMPLES / 'monitor' / 'monitor.sqlite'}?mode=ro", uri=True) as db:
        first, last = db.execute("SELECT min(started_at), max(ended_at) FROM samples").fetchone()
    minutes = round((last - first) / 60)
    said = re.search(r"from a (\d+)-minute store recorded on the lab", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert said is not None and int(said.group(1)) == minutes, minutes


COMMAND_IN_TEXT = re.compile(r"assess (probe [\w-]+|[\w-]+)((?: +[^`|#\n]*?)?)(?=`|$|\s{2,}#|\|)")
_helps: dict[tuple[str, ...], str] = {}


def unknown_flags(lines: list[str]) -> list[str]:
    """`--flags` written after `assess CMD` in ``lines`` that CMD's --help does not list."""
    from assess.command_table import COMMANDS, PROBE_COMMANDS

    found = []
    for line in lines:
        for match in COMMAND_IN_TEXT.finditer(line):
            argv = tuple(match.group(1).split())
            if argv[-1] not in (PROBE_COMMANDS if argv[0] == "probe" else COMMANDS):
                continue
            if argv not in _helps:
                _helps[argv] = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": "300"}).output
            found += [f"{' '.join(argv)} {flag}: {line.strip()}"
                      for flag in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", match.group(2)) if flag not in _helps[argv]]
    return found


def test_every_flag_the_docs_give_a_command_is_one_it_has() -> None:
    lines = [line for doc in DOCS for line in doc.read_text(encoding="utf-8").splitlines()]
    assert unknown_flags(lines) == []


def test_a_mistyped_flag_in_the_docs_is_caught() -> None:
    assert unknown_flags(["    assess survey plan.yaml --ofline saved/  # re-audit"]) == [
        "survey --ofline: assess survey plan.yaml --ofline saved/  # re-audit"]
    assert unknown_flags(["    assess survey plan.yaml --offline saved/  # re-audit"]) == []
