"""Attacks through names, files and options (issue 15): each test is the attack and the refusal expected.

Captures are built here byte by byte from the pcap and pcapng specifications (not with the reader).
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest

from assess.cli import main
from assess.survey import SurveyOptions, write_reports
from collectors.evidence import read_outputs
from collectors.pcap.analyse import analyse_capture, analyse_site_captures
from core import atomic
from core.atomic import write_atomic
from core.errors import UserError
from core.models.common import Verdict
from core.models.site import SiteResult
from core.plan import PlanError, parse_plan
from core.safe_names import UnsafePathError, inside

PLAN = "company: ACME\nsites:\n  - name: hq\n"


def _assess(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI's entry point in this process (as the console script does), capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with mock.patch.object(sys, "argv", ["assess", *args]), redirect_stdout(out), redirect_stderr(err):
        try:
            main()
        except SystemExit as done:
            code = done.code
    return subprocess.CompletedProcess(list(args), code if isinstance(code, int) else 1, out.getvalue(),
                                       err.getvalue())


def _one_line_refusal(run: subprocess.CompletedProcess[str], *words: str) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), lines
    for word in words:
        assert word in lines[0]


# -- paths ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("yaml_tail", "word"),
    [
        ("  - name: ..\n", "'..' is not allowed"),
        ("  - name: .\n", "'.' is not allowed"),
        ("  - name: hq2\n    devices: [{name: ../../etc}]\n", "separator"),
        ("  - name: hq2\n    links: [{name: 'a\\\\b', contracted_up_mbps: 1, contracted_down_mbps: 1}]\n", "separator"),
        ('  - name: "a\\0b"\n', "NUL"),
        ("  - name: hq2\n    captures: [../../etc/shadow]\n", "'..' is not allowed"),
        ("  - name: hq2\n    captures: [/etc/shadow]\n", "relative path"),
    ],
)
def test_a_plan_name_that_would_leave_the_output_folder_is_refused_in_one_line(yaml_tail: str, word: str) -> None:
    with pytest.raises(PlanError) as refused:
        parse_plan(PLAN + yaml_tail)
    assert word in str(refused.value) and "\n" not in str(refused.value)


def test_a_results_json_whose_site_climbs_out_makes_report_write_nothing_outside_out(tmp_path: Path) -> None:
    results, out = tmp_path / "results", tmp_path / "box" / "out"
    (results / "hq").mkdir(parents=True)
    site = SiteResult(site="hq", score=100, verdict=Verdict.GO).model_dump_json()
    (results / "hq" / "results.json").write_text(site.replace('"site":"hq"', '"site":"../../escaped"'))
    before = set(tmp_path.rglob("*"))
    run = _assess("report", str(results), "--out", str(out), "--format", "html")
    _one_line_refusal(run, "site")
    assert {p for p in tmp_path.rglob("*") if not p.is_relative_to(out)} == {p for p in before}


def test_a_symlinked_site_folder_in_a_results_dir_is_not_read(tmp_path: Path) -> None:
    results, elsewhere = tmp_path / "results", tmp_path / "elsewhere"
    results.mkdir()
    elsewhere.mkdir()
    (elsewhere / "results.json").write_text(SiteResult(site="hq", score=1, verdict=Verdict.GO).model_dump_json())
    (results / "hq").symlink_to(elsewhere)
    _one_line_refusal(_assess("report", str(results), "--format", "json"), "outside")


def test_a_symlinked_site_folder_in_out_is_not_written_through(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "hq").symlink_to(elsewhere)
    result = SiteResult(site="hq", score=100, verdict=Verdict.GO)
    with pytest.raises(UnsafePathError, match="outside"):
        write_reports(parse_plan(PLAN), [result], SurveyOptions(out_dir=out, formats=("json",)), lambda _: None)
    assert list(elsewhere.iterdir()) == []


def test_an_evidence_manifest_naming_a_file_outside_its_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("enable secret 0 OutsideSecret")
    device = tmp_path / "ev" / "hq" / "r1"
    device.mkdir(parents=True)
    (device / "show_version.txt").write_text("Cisco IOS Software")
    manifest = '{"device": "r1", "commands": [{"command": "show run", "file": "../../../secret.txt"}]}'
    (device / "manifest.json").write_text(manifest)
    assert "OutsideSecret" not in str(read_outputs(device))
    (device / "manifest.json").unlink()
    (device / "show_run.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(UnsafePathError, match="outside"):
        read_outputs(device)


def test_inside_refuses_dot_dot_and_separators() -> None:
    for bad in ("..", ".", "a/b", "a\\b", "a\x00b", ""):
        with pytest.raises(UnsafePathError):
            inside(Path("/tmp"), bad)


# -- atomic outputs ------------------------------------------------------------------------------
def test_a_rerun_never_leaves_an_old_report_beside_new_results(tmp_path: Path) -> None:
    site_dir = tmp_path / "hq"
    site_dir.mkdir()
    for old in ("report.pdf", "report.html"):
        (site_dir / old).write_text("last week's report")
    (tmp_path / "portfolio.pdf").write_text("last week's portfolio")
    result = SiteResult(site="hq", score=100, verdict=Verdict.GO)
    write_reports(parse_plan(PLAN), [result], SurveyOptions(out_dir=tmp_path, formats=("json",)), lambda _: None)
    assert sorted(p.name for p in site_dir.iterdir()) == ["results.json"]
    assert not (tmp_path / "portfolio.pdf").exists() and (tmp_path / "portfolio.json").exists()


def test_a_crash_during_a_write_leaves_the_previous_file_whole_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "results.json"
    path.write_text("previous")

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C between writing the temp file and renaming it

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"half of the new" * 1000)
    assert path.read_text() == "previous" and list(tmp_path.iterdir()) == [path]


# -- no tracebacks -------------------------------------------------------------------------------
def test_an_out_that_is_a_file_or_cannot_be_created_is_refused_in_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    _one_line_refusal(_assess("survey", str(plan), "--out", str(a_file)), "not a directory")
    _one_line_refusal(_assess("report", str(tmp_path), "--out", str(a_file)))
    _one_line_refusal(_assess("init", str(tmp_path)), "directory")
    _one_line_refusal(_assess("init", "/proc/assess-cannot-write-here/plan.yaml"), "cannot write")
    _one_line_refusal(_assess("survey", str(plan), "--out", "/proc/assess-cannot-write-here"), "--out")
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "hq").write_text("a file where the site folder goes")
    _one_line_refusal(_assess("survey", str(plan), "--out", str(blocked)), "hq")


def test_a_plan_nested_hundreds_of_levels_is_refused_in_one_line(tmp_path: Path) -> None:
    plan = tmp_path / "deep.yaml"
    plan.write_text(PLAN.replace("  - name: hq\n", "  - name: hq\n    devices: " + "[" * 3000 + "]" * 3000 + "\n"))
    _one_line_refusal(_assess("survey", str(plan), "--out", str(tmp_path / "out")), "nested too deeply")


def _pcap(records: list[tuple[int, int, bytes]]) -> bytes:
    """Classic pcap, microseconds, Ethernet: (seconds, microseconds, frame) records."""
    head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    return head + b"".join(struct.pack("<IIII", s, us, len(f), len(f)) + f for s, us, f in records)


def _block(btype: int, body: bytes) -> bytes:
    length = 12 + len(body)
    return struct.pack("<II", btype, length) + body + struct.pack("<I", length)


def _pcapng(idb_options: bytes = b"", epbs: list[bytes] | None = None) -> bytes:
    shb = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = _block(1, struct.pack("<HHI", 1, 0, 65535) + idb_options)
    return shb + idb + b"".join(epbs or [])


def _epb(ts: int, frame: bytes, caplen: int | None = None) -> bytes:
    pad = bytes(-len(frame) % 4)
    cap = len(frame) if caplen is None else caplen
    return _block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, cap, len(frame)) + frame + pad)


FRAME = bytes(60)
DAMAGED = {
    "pcap-impossible-length": _pcap([(1, 0, FRAME)])[:-76] + struct.pack("<IIII", 1, 0, 0xFFFFFFF0, 60) + FRAME,
    "pcap-impossible-fraction": _pcap([(1, 2_000_000, FRAME)]),
    "pcapng-block-length-not-a-multiple-of-4": _pcapng()[:-4] + struct.pack("<II", 6, 13) + bytes(8),
    "pcapng-block-length-4-GiB": _pcapng() + struct.pack("<II", 6, 0xFFFFFFFC) + bytes(64),
    "pcapng-caplen-beyond-its-block": _pcapng(epbs=[_epb(1, FRAME, caplen=5000)]),
    "pcapng-impossible-resolution": _pcapng(struct.pack("<HHB3x", 9, 1, 127) + bytes(4), [_epb(1, FRAME)]),
    "pcapng-timestamp-past-2262": _pcapng(epbs=[_epb(2**63, FRAME)]),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_capture_with_impossible_fields_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.pcap"
    path.write_bytes(DAMAGED[name])
    _one_line_refusal(_assess("pcap", str(path)), path.name)


def test_a_capture_truncated_mid_packet_says_so_and_how_far_it_got(tmp_path: Path) -> None:
    whole = _pcap([(1, 0, FRAME), (1, 20_000, FRAME), (1, 40_000, FRAME)])
    path = tmp_path / "cut.pcap"
    path.write_bytes(whole[:-30])  # the third packet loses its last 30 bytes
    with pytest.raises(UserError, match=r"truncated mid-packet at byte 176 \(read 2 packets before it\)"):
        analyse_capture(path)  # 24-byte header + 2 x (16 + 60) = 176
    ng = tmp_path / "cut.pcapng"
    ng.write_bytes(_pcapng(epbs=[_epb(1, FRAME), _epb(2, FRAME)])[:-10])
    with pytest.raises(UserError, match=r"truncated mid-packet at byte \d+ \(read 1 packets before it\)"):
        analyse_capture(ng)


def test_a_damaged_capture_in_a_survey_is_not_assessed_for_that_capture_only(tmp_path: Path) -> None:
    (tmp_path / "good.pcap").write_bytes(_pcap([(1, 0, FRAME)]))
    (tmp_path / "bad.pcapng").write_bytes(DAMAGED["pcapng-block-length-4-GiB"])
    results, problems = analyse_site_captures(["good.pcap", "bad.pcapng", "../outside.pcap"], tmp_path)
    assert len(results) == 1 and len(problems) == 2
    assert "impossible block length" in problems[0] and "'..' is not allowed" in problems[1]


@pytest.mark.parametrize(
    "args",
    [
        ["capacity", "--erlangs", "1e9", "--codec", "g711"],
        ["capacity", "--calls", "1000000000", "--codec", "g711"],
        ["capacity", "--erlangs", "inf", "--codec", "g711"],
        ["emodel", "--codec", "g711", "--delay-ms", "1e300"],
        ["emodel", "--codec", "g711", "--jitter-ms", "inf"],
    ],
)
def test_absurd_numeric_options_exit_2_without_a_traceback(args: list[str]) -> None:
    run = _assess(*args)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "Invalid value" in run.stderr


# -- terminal ------------------------------------------------------------------------------------
def test_escape_sequences_and_markup_from_a_device_never_reach_the_terminal(tmp_path: Path) -> None:
    config = tmp_path / "r1.txt"
    config.write_text("hostname pwn\x1b]0;owned\x07[blink]r1[/blink]\x1b[2J\ninterface Gi0/1\n switchport\n")
    for command in ("facts", "audit"):
        run = _assess(command, str(config), "--platform", "cisco_ios")
        assert run.returncode == 0, run.stderr
        shown = run.stdout + run.stderr
        assert "\x1b" not in shown and "\x07" not in shown
        # The normaliser drops terminal escape sequences before parsing; the markup is shown, not obeyed.
        assert "pwn[blink]r1[/blink]" in shown
